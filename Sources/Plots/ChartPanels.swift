/// Several charts side by side (or in a grid) under one title: plain nets on the left,
/// residual nets on the right, say. Each panel is drawn by its own chart at the panel's size;
/// give the panels the same `yRange` when they should be read against each other.
///
/// ```swift
/// let figure = ChartPanels(title: "Training error", panels: [plainChart, residualChart])
/// try figure.write(to: "training-error.svg")
/// ```
public struct ChartPanels: Chart {
    public var title: String
    /// The charts, left to right, then top to bottom; at least one.
    public var panels: [any Chart]
    /// Panels per row (default: all in one row).
    public var columns: Int

    /// A figure of `panels` under `title`.
    ///
    /// - Parameters:
    ///   - title: the figure's title, above every panel; empty for none.
    ///   - panels: drawn left to right, then top to bottom; each keeps its own `width` and
    ///     `height` (a row is as tall as its tallest panel). At least one.
    ///   - columns: panels per row (fewer than 1 counts as 1); nil: all in one row.
    public init(title: String = "", panels: [any Chart], columns: Int? = nil) {
        precondition(!panels.isEmpty, "ChartPanels '\(title)': needs at least one panel")
        self.title = title
        self.panels = panels
        self.columns = max(1, columns ?? panels.count)
    }

    /// Room above the panels for the title.
    var titleHeight: Int { title.isEmpty ? 0 : 34 }

    var rows: [[any Chart]] {
        stride(from: 0, to: panels.count, by: columns).map {
            Array(panels[$0..<min($0 + columns, panels.count)])
        }
    }

    /// The widest row's width: the sum of its panels' widths.
    public var width: Int {
        rows.map { $0.reduce(0) { $0 + $1.width } }.max() ?? 0
    }

    /// The title's room (34 pixels, or none without a title) plus each row's tallest panel.
    public var height: Int {
        titleHeight + rows.reduce(0) { total, row in total + (row.map(\.height).max() ?? 0) }
    }

    /// Draws the title, then each panel on a canvas of its own size at its place.
    ///
    /// - Throws: the first error a panel's ``Chart/draw(on:)`` throws.
    public func draw(on canvas: Canvas) throws {
        if !title.isEmpty {
            canvas.text(
                title, at: Canvas.Point(x: canvas.size.width / 2, y: 10), font: Theme.titleFont,
                color: Theme.text, anchor: Canvas.TextAnchor(.center, .top))
        }
        var top = Double(titleHeight)
        for row in rows {
            var left = 0.0
            for panel in row {
                let rect = Canvas.Rect(
                    x: left, y: top, width: Double(panel.width), height: Double(panel.height))
                try canvas.panel(rect) { inner in try panel.draw(on: inner) }
                left += Double(panel.width)
            }
            top += Double(row.map(\.height).max() ?? 0)
        }
    }
}
