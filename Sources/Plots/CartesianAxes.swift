import Foundation

/// The frame shared by `LineChart` and `BarChart`: title, plot rectangle, grid lines, tick
/// labels and axis titles. It measures its labels to size the margins, so long tick labels
/// never run into the axis titles.
struct CartesianAxes {
    /// A numeric x axis, or one slot per category (bar charts).
    enum XAxis {
        case numeric(AxisScale, ClosedRange<Double>)
        case categories([String])
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var x: XAxis
    var yScale: AxisScale
    var yDomain: ClosedRange<Double>
    /// Room kept free right of the plot, for a legend placed outside it.
    var rightReserve: Double = 0

    /// Where everything goes, in canvas pixels.
    struct Layout {
        var plot: Canvas.Rect
        var yMap: AxisMap
        var yTicks: [AxisTick]
        var yMinor: [Double]
        /// Numeric x axes only.
        var xMap: AxisMap?
        var xTicks: [AxisTick] = []
        var xMinor: [Double] = []
        /// Category axes only.
        var categories: CategoryLabels?
    }

    /// Category names under a bar chart, turned 45 degrees when they do not fit flat, and
    /// thinned to every `stride`-th one when even turned they would touch.
    struct CategoryLabels {
        var texts: [String]
        var rotated: Bool
        var stride: Int
        var height: Double
        /// How far the first label reaches left of the plot's edge.
        var leftOverhang: Double
    }

    static let margin = 12.0
    static let tickGap = 6.0
    static let labelGap = 8.0
    /// Category labels longer than this are shortened with an ellipsis.
    static let maxCategoryWidth = 130.0

    func layout(on canvas: Canvas) -> Layout {
        let margin = Self.margin
        let tickHeight = canvas.measure("0", font: Theme.tickFont).height
        let labelHeight = canvas.measure("0", font: Theme.labelFont).height
        let titleRoom = title.isEmpty ? 0 : canvas.measure(title, font: Theme.titleFont).height + 10
        // Half a tick label above the plot, so the top y label is not cut.
        let top = (margin + titleRoom + tickHeight / 2).rounded()
        let yLabelRoom = yLabel.isEmpty ? 0 : labelHeight + Self.labelGap
        let xLabelRoom = xLabel.isEmpty ? 0 : labelHeight + Self.labelGap
        // Half of the last x tick label may stick out to the right of the plot.
        let right = (margin + rightReserve + 10).rounded()

        var bottom = margin + xLabelRoom + tickHeight + Self.tickGap
        var left = margin
        var yTicks: (major: [AxisTick], minor: [Double]) = ([], [])
        var categories: CategoryLabels?
        // Two passes: the bottom margin depends on the plot width (category labels), which
        // depends on the y tick labels, which depend on the plot height.
        for _ in 0..<2 {
            let plotHeight = canvas.size.height - top - bottom
            yTicks = yScale.ticks(
                in: yDomain, count: Self.tickCount(plotHeight, scale: yScale, spacing: 60))
            let widest = yTicks.major.map { canvas.measure($0.label, font: Theme.tickFont).width }
            left = (margin + yLabelRoom + (widest.max() ?? 0) + Self.tickGap).rounded()
            if let overhang = categories?.leftOverhang {
                // The first turned category label reaches left of the plot: keep it on the canvas.
                left = max(left, (margin + overhang).rounded())
            }
            if case .categories(let names) = x {
                let plotWidth = canvas.size.width - left - right
                let fitted = Self.fit(
                    names, width: plotWidth, tickHeight: tickHeight, canvas: canvas)
                categories = fitted
                bottom = (margin + xLabelRoom + fitted.height + Self.tickGap).rounded()
            }
        }

        let plot = Canvas.Rect(
            x: left, y: top, width: canvas.size.width - left - right,
            height: canvas.size.height - top - bottom)
        let yMap = AxisMap(scale: yScale, domain: yDomain, start: plot.maxY, end: plot.minY)
        var layout = Layout(
            plot: plot, yMap: yMap, yTicks: yTicks.major, yMinor: yTicks.minor,
            categories: categories)
        if case .numeric(let scale, let domain) = x {
            layout.xMap = AxisMap(scale: scale, domain: domain, start: plot.minX, end: plot.maxX)
            let ticks = scale.ticks(
                in: domain, count: Self.tickCount(plot.width, scale: scale, spacing: 100))
            layout.xTicks = ticks.major
            layout.xMinor = ticks.minor
        }
        return layout
    }

    /// About one tick per `spacing` pixels, between 2 and 10; twice as many on a log axis,
    /// whose decade labels are short and best shown every one.
    static func tickCount(_ length: Double, scale: AxisScale, spacing: Double) -> Int {
        let perTick = scale == .log ? spacing / 2 : spacing
        return max(2, min(scale == .log ? 12 : 10, Int(length / perTick)))
    }

    private static func fit(
        _ names: [String], width: Double, tickHeight: Double, canvas: Canvas
    ) -> CategoryLabels {
        let texts = names.map {
            canvas.truncated($0, font: Theme.tickFont, maxWidth: maxCategoryWidth)
        }
        let widest = texts.map { canvas.measure($0, font: Theme.tickFont).width }.max() ?? 0
        let slot = width / Double(max(names.count, 1))
        if widest <= slot - 6 {
            return CategoryLabels(
                texts: texts, rotated: false, stride: 1, height: tickHeight, leftOverhang: 0)
        }
        // Labels at 45 degrees whose anchors are d apart are d * sin(45) apart across.
        let diagonal = sqrt(0.5)
        let stride = max(1, Int((tickHeight * 1.2 / diagonal / slot).rounded(.up)))
        let height = (widest + tickHeight) * diagonal
        let firstWidth = texts.first.map { canvas.measure($0, font: Theme.tickFont).width } ?? 0
        let overhang = (firstWidth + tickHeight / 2) * diagonal - slot / 2
        return CategoryLabels(
            texts: texts, rotated: true, stride: stride, height: height,
            leftOverhang: max(0, overhang))
    }

    // MARK: - Drawing

    /// The grid lines, drawn before the data.
    func drawGrid(_ layout: Layout, on canvas: Canvas) {
        let plot = layout.plot
        for value in layout.yMinor {
            horizontalLine(at: layout.yMap.pixel(value), in: plot, Theme.minorGrid, canvas)
        }
        if let xMap = layout.xMap {
            for value in layout.xMinor {
                verticalLine(at: xMap.pixel(value), in: plot, Theme.minorGrid, canvas)
            }
            for tick in layout.xTicks {
                verticalLine(at: xMap.pixel(tick.value), in: plot, Theme.grid, canvas)
            }
        }
        for tick in layout.yTicks {
            horizontalLine(at: layout.yMap.pixel(tick.value), in: plot, Theme.grid, canvas)
        }
    }

    /// The frame, tick labels, axis titles and title, drawn after the data.
    func drawFrame(_ layout: Layout, on canvas: Canvas) {
        let plot = layout.plot
        canvas.stroke(
            Canvas.Rect(
                x: crisp(plot.minX), y: crisp(plot.minY), width: plot.width, height: plot.height),
            Theme.frame)

        for tick in layout.yTicks {
            canvas.text(
                tick.label,
                at: Canvas.Point(x: plot.minX - Self.tickGap, y: layout.yMap.pixel(tick.value)),
                font: Theme.tickFont, color: Theme.tickText,
                anchor: Canvas.TextAnchor(.trailing, .middle))
        }
        if let xMap = layout.xMap {
            for tick in layout.xTicks {
                canvas.text(
                    tick.label,
                    at: Canvas.Point(x: xMap.pixel(tick.value), y: plot.maxY + Self.tickGap),
                    font: Theme.tickFont, color: Theme.tickText,
                    anchor: Canvas.TextAnchor(.center, .top))
            }
        }
        if let categories = layout.categories {
            drawCategories(categories, plot: plot, on: canvas)
        }

        let margin = Self.margin
        canvas.text(
            yLabel, at: Canvas.Point(x: margin, y: plot.midY), font: Theme.labelFont,
            color: Theme.text, anchor: Canvas.TextAnchor(.center, .top), angle: -Double.pi / 2)
        canvas.text(
            xLabel, at: Canvas.Point(x: plot.midX, y: canvas.size.height - margin),
            font: Theme.labelFont, color: Theme.text, anchor: Canvas.TextAnchor(.center, .bottom))
        canvas.text(
            title, at: Canvas.Point(x: plot.midX, y: margin), font: Theme.titleFont,
            color: Theme.text, anchor: Canvas.TextAnchor(.center, .top))
    }

    private func drawCategories(_ labels: CategoryLabels, plot: Canvas.Rect, on canvas: Canvas) {
        let slot = plot.width / Double(max(labels.texts.count, 1))
        for (index, text) in labels.texts.enumerated() where index.isMultiple(of: labels.stride) {
            let center = plot.minX + slot * (Double(index) + 0.5)
            if labels.rotated {
                canvas.text(
                    text, at: Canvas.Point(x: center, y: plot.maxY + Self.tickGap + 4),
                    font: Theme.tickFont, color: Theme.tickText,
                    anchor: Canvas.TextAnchor(.trailing, .middle), angle: -Double.pi / 4)
            } else {
                canvas.text(
                    text, at: Canvas.Point(x: center, y: plot.maxY + Self.tickGap),
                    font: Theme.tickFont, color: Theme.tickText,
                    anchor: Canvas.TextAnchor(.center, .top))
            }
        }
    }

    private func horizontalLine(
        at y: Double, in plot: Canvas.Rect, _ color: PlotColor, _ canvas: Canvas
    ) {
        let y = crisp(y)
        canvas.line(
            from: Canvas.Point(x: plot.minX, y: y), to: Canvas.Point(x: plot.maxX, y: y),
            color: color)
    }

    private func verticalLine(
        at x: Double, in plot: Canvas.Rect, _ color: PlotColor, _ canvas: Canvas
    ) {
        let x = crisp(x)
        canvas.line(
            from: Canvas.Point(x: x, y: plot.minY), to: Canvas.Point(x: x, y: plot.maxY),
            color: color)
    }
}
