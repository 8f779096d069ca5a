import Foundation

/// Where the parts of a `Heatmap` go: square cells as large as the canvas allows, row labels
/// to their left, column labels below (turned 45 degrees when they do not fit flat), and the
/// colour bar to the right; the whole centred horizontally.
struct HeatmapLayout {
    static let margin = 12.0
    static let tickGap = 6.0
    static let labelGap = 8.0
    static let colorBarGap = 18.0
    static let colorBarWidth = 14.0
    /// Labels longer than this are shortened with an ellipsis.
    static let maxLabelWidth = 130.0

    var grid: Canvas.Rect
    var cellSize: Double
    var rows: Int
    var columns: Int
    var rowTexts: [String]
    var columnTexts: [String]
    var rotatesColumnLabels: Bool
    var colorBar: Canvas.Rect
    /// The font for the numbers in the cells, nil when the cells are too small for text.
    var cellFont: Canvas.Font?
    var xLabelTop: Double
    var yLabelLeft: Double

    init(_ heatmap: Heatmap, on canvas: Canvas) {
        let margin = Self.margin
        rows = heatmap.rowCount
        columns = heatmap.columnCount
        rowTexts = heatmap.rowLabels.map {
            canvas.truncated($0, font: Theme.tickFont, maxWidth: Self.maxLabelWidth)
        }
        columnTexts = heatmap.columnLabels.map {
            canvas.truncated($0, font: Theme.tickFont, maxWidth: Self.maxLabelWidth)
        }
        let tickHeight = canvas.measure("0", font: Theme.tickFont).height
        let labelHeight = canvas.measure("0", font: Theme.labelFont).height
        let widestRow = rowTexts.map { canvas.measure($0, font: Theme.tickFont).width }.max() ?? 0
        let widestColumn =
            columnTexts.map { canvas.measure($0, font: Theme.tickFont).width }.max() ?? 0

        let titleRoom =
            heatmap.title.isEmpty
            ? 0 : canvas.measure(heatmap.title, font: Theme.titleFont).height + 10
        let top = margin + titleRoom
        let yLabelRoom = heatmap.yLabel.isEmpty ? 0 : labelHeight + Self.labelGap
        let xLabelRoom = heatmap.xLabel.isEmpty ? 0 : labelHeight + Self.labelGap
        let rowLabelRoom = widestRow > 0 ? widestRow + Self.tickGap : 0
        let scaleLabels = NiceTicks.linear(in: heatmap.colorRange, count: 5).map(\.label)
        let scaleLabelWidth =
            scaleLabels.map { canvas.measure($0, font: Theme.tickFont).width }.max() ?? 0
        let left = margin + yLabelRoom + rowLabelRoom
        let right = Self.colorBarGap + Self.colorBarWidth + 7 + scaleLabelWidth + margin

        // The cell size decides whether column labels turn, which decides the room below.
        let availableWidth = canvas.size.width - left - right
        var cell = (availableWidth / Double(columns)).rounded(.down)
        var rotates = false
        var columnLabelRoom = 0.0
        for _ in 0..<2 {
            rotates = widestColumn > cell - 4
            let labelHeight = rotates ? (widestColumn + tickHeight) * sqrt(0.5) : tickHeight
            columnLabelRoom = widestColumn > 0 ? labelHeight + Self.tickGap : 0
            let availableHeight = canvas.size.height - top - columnLabelRoom - xLabelRoom - margin
            cell = max(
                1,
                min(availableWidth / Double(columns), availableHeight / Double(rows)).rounded(.down)
            )
        }
        cellSize = cell
        rotatesColumnLabels = rotates

        let gridWidth = cell * Double(columns)
        let gridHeight = cell * Double(rows)
        let slack = max(0, canvas.size.width - left - gridWidth - right)
        grid = Canvas.Rect(
            x: (left + slack / 2).rounded(), y: top.rounded(), width: gridWidth, height: gridHeight)
        colorBar = Canvas.Rect(
            x: grid.maxX + Self.colorBarGap, y: grid.minY, width: Self.colorBarWidth,
            height: gridHeight)
        xLabelTop = grid.maxY + columnLabelRoom + Self.labelGap / 2
        yLabelLeft = grid.minX - rowLabelRoom - yLabelRoom
        cellFont = cell >= 16 ? Canvas.Font(size: min(13, (cell * 0.34).rounded())) : nil
    }

    /// The rectangle of one cell.
    func cell(row: Int, column: Int) -> Canvas.Rect {
        Canvas.Rect(
            x: grid.minX + cellSize * Double(column), y: grid.minY + cellSize * Double(row),
            width: cellSize, height: cellSize)
    }
}
