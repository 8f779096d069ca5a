/// A grid of small images with captions: dataset samples, predictions (a red caption for a
/// mistake), feature maps.
///
/// ```swift
/// let grid = ImageGrid(
///     title: "Test predictions",
///     images: (0..<16).map { i in
///         GridImage(pixels: image(i), shape: [28, 28], range: 0...1,
///                   caption: names[predicted[i]], captionColor: predicted[i] == labels[i] ? .black : .red)
///     },
///     columns: 8, scale: 3)
/// try grid.write(to: "predictions.png")
/// ```
///
/// The chart's size follows from the images: `columns` cells across, each as wide as the
/// largest image times `scale` (wider for long captions, up to twice that).
public struct ImageGrid: Chart {
    public var title: String
    /// The pictures, row by row; the last row may be short.
    public var images: [GridImage]
    /// Images per row.
    public var columns: Int
    /// Each image pixel becomes a `scale` x `scale` square (nearest neighbour).
    public var scale: Int
    /// How one-channel images are coloured (`.grays`: low black, high white).
    public var colorMap: ColorMap

    /// A grid of `images` under `title`; its size follows from the images and captions.
    ///
    /// - Parameters:
    ///   - title: the title above the grid; empty for none.
    ///   - images: the pictures, row by row.
    ///   - columns: images per row, at least 1; nil: all in one row up to 8, then rows of 8.
    ///   - scale: the integer up-scaling, at least 1; 3 makes a 28 x 28 image 84 x 84
    ///     pixels.
    ///   - colorMap: how one-channel images are coloured; colour images ignore it.
    public init(
        title: String = "", images: [GridImage], columns: Int? = nil, scale: Int = 3,
        colorMap: ColorMap = .grays
    ) {
        precondition(scale >= 1, "ImageGrid: scale must be at least 1, got \(scale)")
        precondition(
            columns.map { $0 >= 1 } ?? true,
            "ImageGrid: columns must be at least 1, got \(columns ?? 0)")
        self.title = title
        self.images = images
        self.columns = columns ?? max(1, min(images.count, 8))
        self.scale = scale
        self.colorMap = colorMap
    }

    /// The chart's width in pixels: the cells of one row and the gaps between them, or the
    /// title when it is wider, plus the margins.
    public var width: Int { Int(layout.size.width) }
    /// The chart's height in pixels: the title, the rows of images with their captions and
    /// the gaps between them, plus the margins.
    public var height: Int { Int(layout.size.height) }

    /// Draws the title, then each image scaled up with its caption lines centred under it
    /// (shortened with an ellipsis when wider than the cell).
    ///
    /// - Throws: ``PlotError/cairo(operation:status:path:)`` when cairo cannot make an
    ///   image's surface.
    public func draw(on canvas: Canvas) throws {
        let layout = layout
        canvas.text(
            title, at: Canvas.Point(x: canvas.size.width / 2, y: ImageGridLayout.margin),
            font: Theme.titleFont, color: Theme.text, anchor: Canvas.TextAnchor(.center, .top))
        for (index, image) in images.enumerated() {
            let cell = layout.cell(index)
            let imageWidth = Double(image.width * scale)
            let origin = Canvas.Point(x: (cell.midX - imageWidth / 2).rounded(), y: cell.minY)
            try canvas.image(
                rgb: image.rgbBytes(scale: scale, colorMap: colorMap), width: image.width * scale,
                height: image.height * scale, at: origin)

            var lineTop = cell.minY + layout.imageHeight + ImageGridLayout.captionGap
            for line in image.caption.split(separator: "\n", omittingEmptySubsequences: false) {
                let text = canvas.truncated(
                    String(line), font: Theme.captionFont, maxWidth: cell.width)
                canvas.text(
                    text, at: Canvas.Point(x: cell.midX, y: lineTop), font: Theme.captionFont,
                    color: image.captionColor, anchor: Canvas.TextAnchor(.center, .top))
                lineTop += layout.captionLineHeight
            }
        }
    }

    private var layout: ImageGridLayout {
        Rendering.measuring { ImageGridLayout(self, on: $0) }
    }
}
