/// One picture of an `ImageGrid`: a grayscale `[H, W]` or colour `[3, H, W]` array of
/// floats, with an optional caption under it.
///
/// Values are mapped to brightness through `range` (values outside it are clamped); without
/// a range, the image's own smallest value is black and its largest white, which suits
/// feature maps.
public struct GridImage: Sendable {
    /// `[H, W]` (or `[1, H, W]`) grayscale, or `[3, H, W]` channel-planar red, green, blue.
    public var pixels: [Float]
    /// `[H, W]`, `[1, H, W]` or `[3, H, W]`; `pixels` holds their product of values.
    public var shape: [Int]
    /// The values drawn black and white (the two ends of the grid's colour map, for a
    /// one-channel image); nil: this image's smallest and largest finite value.
    public var range: ClosedRange<Float>?
    /// Text under the image; "\n" starts a new line.
    public var caption: String
    /// The caption's colour: black by default, ``PlotColor/red-swift.type.property`` for a mistake.
    public var captionColor: PlotColor

    /// An image of `shape` from `pixels`, with an optional caption.
    ///
    /// - Parameters:
    ///   - pixels: `shape.reduce(1, *)` values, row-major (as a contiguous NCHW tensor's
    ///     storage for one image).
    ///   - shape: `[H, W]`, `[1, H, W]` or `[3, H, W]`, every size positive.
    ///   - range: the values drawn black and white, the same for every channel; nil: the
    ///     image's smallest and largest finite value.
    ///   - caption: text under the image; `"\n"` starts a new line.
    ///   - captionColor: the caption's colour.
    public init(
        pixels: [Float], shape: [Int], range: ClosedRange<Float>? = nil, caption: String = "",
        captionColor: PlotColor = .black
    ) {
        precondition(
            shape.count == 2 || (shape.count == 3 && (shape[0] == 1 || shape[0] == 3)),
            "GridImage: shape must be [H, W], [1, H, W] or [3, H, W], got \(shape)")
        precondition(
            shape.allSatisfy { $0 > 0 } && pixels.count == shape.reduce(1, *),
            "GridImage: shape \(shape) needs \(shape.reduce(1, *)) pixels, got \(pixels.count)")
        self.pixels = pixels
        self.shape = shape
        self.range = range
        self.caption = caption
        self.captionColor = captionColor
    }

    /// 3 for a colour image, 1 for a grayscale one (`[H, W]` or `[1, H, W]`).
    public var channels: Int { shape.count == 3 ? shape[0] : 1 }
    /// `H`: the image's height in pixels, before scaling.
    public var height: Int { shape[shape.count - 2] }
    /// `W`: the image's width in pixels, before scaling.
    public var width: Int { shape[shape.count - 1] }

    /// The image as `[height * scale, width * scale, 3]` RGB bytes, each pixel repeated
    /// `scale` x `scale` times (nearest neighbour); one-channel images are coloured by
    /// `colorMap`.
    func rgbBytes(scale: Int, colorMap: ColorMap) -> [UInt8] {
        let (low, high) = valueRange
        let span = high - low
        func level(_ value: Float) -> Double {
            guard value.isFinite, span > 0 else { return span > 0 ? 0 : 0.5 }
            return Double(min(max((value - low) / span, 0), 1))
        }
        let plane = height * width
        var colors = [(UInt8, UInt8, UInt8)](repeating: (0, 0, 0), count: plane)
        for index in 0..<plane {
            if channels == 3 {
                colors[index] = (
                    byte(level(pixels[index])), byte(level(pixels[plane + index])),
                    byte(level(pixels[2 * plane + index]))
                )
            } else {
                let color = colorMap.color(at: level(pixels[index]))
                colors[index] = (byte(color.red), byte(color.green), byte(color.blue))
            }
        }

        let outWidth = width * scale
        var bytes = [UInt8](repeating: 0, count: outWidth * height * scale * 3)
        for outRow in 0..<(height * scale) {
            for outColumn in 0..<outWidth {
                let color = colors[(outRow / scale) * width + outColumn / scale]
                let target = (outRow * outWidth + outColumn) * 3
                bytes[target] = color.0
                bytes[target + 1] = color.1
                bytes[target + 2] = color.2
            }
        }
        return bytes
    }

    /// The values drawn black and white.
    private var valueRange: (Float, Float) {
        if let range { return (range.lowerBound, range.upperBound) }
        let finite = pixels.filter(\.isFinite)
        return (finite.min() ?? 0, finite.max() ?? 1)
    }
}

/// A colour component in 0...1 as a byte.
private func byte(_ component: Double) -> UInt8 {
    UInt8((min(max(component, 0), 1) * 255).rounded())
}
