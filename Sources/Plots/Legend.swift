/// Where a chart puts its legend.
public enum LegendPlacement: Hashable, Sendable {
    /// Inside the plot, in the first corner (top right, top left, bottom right, bottom left)
    /// that covers no data; outside on the right when every corner would.
    case automatic
    /// Inside the plot, in its top left corner, whatever it covers.
    case topLeft
    /// Inside the plot, in its top right corner, whatever it covers.
    case topRight
    /// Inside the plot, in its bottom left corner, whatever it covers.
    case bottomLeft
    /// Inside the plot, in its bottom right corner, whatever it covers.
    case bottomRight
    /// Right of the plot, which narrows to make room.
    case outside
    /// No legend.
    case hidden
}

/// A box listing each series' name beside a sample of how it is drawn.
struct Legend {
    struct Entry {
        enum Swatch {
            /// A short line, over a light band when the series has one.
            case line(PlotColor, Canvas.Dash, lineWidth: Double, band: Bool, marker: Bool)
            /// A filled square (bar charts).
            case box(PlotColor)
        }

        var name: String
        var swatch: Swatch
    }

    var entries: [Entry]

    static let padding = 8.0
    static let swatchWidth = 26.0
    static let gap = 7.0
    static let rowHeight = 18.0
    /// Distance between the legend box and the plot's edges.
    static let inset = 8.0

    /// Whether there is anything to show: at least one entry with a name.
    var isEmpty: Bool { entries.allSatisfy { $0.name.isEmpty } }

    func size(on canvas: Canvas) -> Canvas.Size {
        let widest =
            entries.map { canvas.measure($0.name, font: Theme.legendFont).width }.max() ?? 0
        return Canvas.Size(
            width: (2 * Self.padding + Self.swatchWidth + Self.gap + widest).rounded(.up),
            height: 2 * Self.padding + Self.rowHeight * Double(entries.count) - 4)
    }

    /// The legend's box in `corner` of `plot`.
    static func box(
        in corner: LegendPlacement, size: Canvas.Size, plot: Canvas.Rect
    ) -> Canvas.Rect {
        let left = plot.minX + inset
        let right = plot.maxX - inset - size.width
        let top = plot.minY + inset
        let bottom = plot.maxY - inset - size.height
        let origin: (x: Double, y: Double)
        switch corner {
        case .topLeft: origin = (left, top)
        case .bottomLeft: origin = (left, bottom)
        case .bottomRight: origin = (right, bottom)
        default: origin = (right, top)
        }
        return Canvas.Rect(
            x: origin.x.rounded(), y: origin.y.rounded(), width: size.width, height: size.height)
    }

    /// The first corner box of `plot` that contains none of `data` (pixel positions of the
    /// drawn data), or nil when the legend would not fit or every corner covers some data.
    static func freeCorner(
        size: Canvas.Size, plot: Canvas.Rect, data: [Canvas.Point]
    ) -> Canvas.Rect? {
        guard size.width + 2 * inset <= plot.width / 2 + inset,
            size.height + 2 * inset <= plot.height
        else { return nil }
        for corner in [LegendPlacement.topRight, .topLeft, .bottomRight, .bottomLeft] {
            let candidate = box(in: corner, size: size, plot: plot)
            let guarded = candidate.insetBy(-4)
            if !data.contains(where: guarded.contains) {
                return candidate
            }
        }
        return nil
    }

    func draw(in box: Canvas.Rect, on canvas: Canvas) {
        canvas.fill(box, Theme.legendBackground)
        canvas.stroke(
            Canvas.Rect(x: crisp(box.x), y: crisp(box.y), width: box.width, height: box.height),
            Theme.legendBorder)
        for (row, entry) in entries.enumerated() {
            let middle = box.minY + Self.padding + Self.rowHeight * (Double(row) + 0.5) - 2
            let swatchLeft = box.minX + Self.padding
            drawSwatch(entry.swatch, left: swatchLeft, middle: middle, on: canvas)
            canvas.text(
                entry.name,
                at: Canvas.Point(x: swatchLeft + Self.swatchWidth + Self.gap, y: middle),
                font: Theme.legendFont, color: Theme.text,
                anchor: Canvas.TextAnchor(.leading, .middle))
        }
    }

    private func drawSwatch(_ swatch: Entry.Swatch, left: Double, middle: Double, on canvas: Canvas)
    {
        let width = Self.swatchWidth
        switch swatch {
        case .line(let color, let dash, let lineWidth, let band, let marker):
            if band {
                canvas.fill(
                    Canvas.Rect(x: left, y: middle - 6, width: width, height: 12),
                    color.opacity(Theme.bandOpacity))
            }
            canvas.line(
                from: Canvas.Point(x: left, y: middle),
                to: Canvas.Point(x: left + width, y: middle),
                color: color, lineWidth: lineWidth, dash: dash)
            if marker {
                canvas.fillCircle(
                    center: Canvas.Point(x: left + width / 2, y: middle), radius: lineWidth + 1.5,
                    color)
            }
        case .box(let color):
            canvas.fill(
                Canvas.Rect(x: left + width / 2 - 6, y: middle - 6, width: 12, height: 12), color)
        }
    }
}
