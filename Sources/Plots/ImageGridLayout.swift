/// The cell sizes and positions of an `ImageGrid`: `columns` equal cells, each as wide as
/// the largest scaled image (wider for long captions, up to twice that), centred under the
/// title.
struct ImageGridLayout {
    static let margin = 12.0
    static let gap = 10.0
    static let captionGap = 3.0

    var size: Canvas.Size
    var columns: Int
    var cellWidth: Double
    var cellHeight: Double
    var imageHeight: Double
    var captionLineHeight: Double
    var gridTop: Double
    var gridLeft: Double

    init(_ grid: ImageGrid, on canvas: Canvas) {
        let margin = Self.margin
        columns = grid.columns
        let rows = (grid.images.count + columns - 1) / columns
        let imageWidth = Double((grid.images.map(\.width).max() ?? 0) * grid.scale)
        imageHeight = Double((grid.images.map(\.height).max() ?? 0) * grid.scale)

        let lines = grid.images.map {
            $0.caption.split(separator: "\n", omittingEmptySubsequences: false)
        }
        let lineCount =
            grid.images.contains { !$0.caption.isEmpty } ? lines.map(\.count).max() ?? 0 : 0
        let captionWidths = lines.joined().map {
            canvas.measure(String($0), font: Theme.captionFont).width
        }
        let widestCaption = captionWidths.max() ?? 0
        captionLineHeight = canvas.measure("0", font: Theme.captionFont).height
        cellWidth = max(imageWidth, min(widestCaption, 2 * imageWidth)).rounded(.up)
        let captionHeight =
            lineCount > 0 ? Self.captionGap + Double(lineCount) * captionLineHeight : 0
        cellHeight = imageHeight + captionHeight

        let gridWidth = Double(columns) * cellWidth + Double(columns - 1) * Self.gap
        let gridHeight = Double(rows) * cellHeight + Double(max(rows - 1, 0)) * Self.gap
        let titleSize =
            grid.title.isEmpty
            ? Canvas.Size(width: 0, height: 0) : canvas.measure(grid.title, font: Theme.titleFont)
        let titleRoom = grid.title.isEmpty ? 0 : titleSize.height + 10
        let width = (max(gridWidth, titleSize.width) + 2 * margin).rounded(.up)
        size = Canvas.Size(width: width, height: (gridHeight + titleRoom + 2 * margin).rounded(.up))
        gridTop = margin + titleRoom
        gridLeft = ((width - gridWidth) / 2).rounded()
    }

    /// The cell of image number `index` (row by row): the image at its top, centred, and
    /// the caption lines under it.
    func cell(_ index: Int) -> Canvas.Rect {
        let row = index / columns
        let column = index % columns
        return Canvas.Rect(
            x: gridLeft + Double(column) * (cellWidth + Self.gap),
            y: gridTop + Double(row) * (cellHeight + Self.gap), width: cellWidth, height: cellHeight
        )
    }
}
