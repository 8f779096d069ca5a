import Foundation

/// A function of two variables sampled on a grid, drawn as a colour field with contour lines
/// and a colour bar: a loss landscape, say.
///
/// ```swift
/// let chart = ContourChart(
///     title: "res-56", x: steps, y: steps, values: loss, xLabel: "α", yLabel: "β",
///     scale: .log, marker: (0, 0))
/// try chart.write(to: "landscape.svg")
/// ```
///
/// Between grid points the field is interpolated bilinearly; contour lines are traced by
/// marching squares at levels spaced like axis ticks (1-2-5 steps, or a quarter, a half,
/// one or two decades on a log scale). Non-finite values (and non-positive ones on a log
/// scale) are left white.
public struct ContourChart: Chart {
    public var title: String
    /// The x coordinate of each column, increasing.
    public var x: [Double]
    /// The y coordinate of each row, increasing.
    public var y: [Double]
    /// `values[row][column]`: the function at (x[column], y[row]).
    public var values: [[Double]]
    /// The x axis's title, under the plot; empty for none.
    public var xLabel: String
    /// The y axis's title, turned to read upwards left of the plot; empty for none.
    public var yLabel: String
    /// How values map to colours and contour levels.
    public var scale: AxisScale
    /// The values at the two ends of the colour scale; nil: the data's range.
    public var range: ClosedRange<Double>?
    /// About how many contour levels to draw.
    public var levelCount: Int
    /// The colour scale of the field (default ``ColorMap/viridis``).
    public var colorMap: ColorMap
    /// A point to mark with a dot (the trained weights at (0, 0), say).
    public var marker: (x: Double, y: Double)?
    public var width: Int
    public var height: Int

    /// A contour chart of `values` on the grid `x` by `y`; every argument is a property of
    /// the same name.
    ///
    /// - Parameters:
    ///   - title: the chart's title; empty for none.
    ///   - x: the x coordinate of each column, increasing; at least 2.
    ///   - y: the y coordinate of each row, increasing; at least 2.
    ///   - values: `[y.count][x.count]`: `values[row][column]` is the function at
    ///     `(x[column], y[row])`.
    ///   - xLabel: the x axis's title.
    ///   - yLabel: the y axis's title.
    ///   - scale: linear, or log to colour and contour by powers of ten.
    ///   - range: the values at the ends of the colour scale; nil: the data's range.
    ///   - levelCount: about how many contour levels to draw (default 10).
    ///   - colorMap: the colour scale of the field.
    ///   - marker: a point to mark with a dot, in data coordinates; nil for none.
    ///   - width: the chart's width in pixels (default 460).
    ///   - height: the chart's height in pixels (default 420).
    public init(
        title: String = "", x: [Double], y: [Double], values: [[Double]], xLabel: String = "",
        yLabel: String = "", scale: AxisScale = .linear, range: ClosedRange<Double>? = nil,
        levelCount: Int = 10, colorMap: ColorMap = .viridis, marker: (x: Double, y: Double)? = nil,
        width: Int = 460, height: Int = 420
    ) {
        precondition(
            x.count >= 2 && y.count >= 2, "ContourChart '\(title)': needs a 2 × 2 grid at least")
        precondition(
            values.count == y.count && values.allSatisfy { $0.count == x.count },
            "ContourChart '\(title)': values must be [\(y.count) rows][\(x.count) columns]")
        self.title = title
        self.x = x
        self.y = y
        self.values = values
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.scale = scale
        self.range = range
        self.levelCount = levelCount
        self.colorMap = colorMap
        self.marker = marker
        self.width = width
        self.height = height
    }

    /// The values in the scale's coordinate (log10 on a log scale); NaN where not shown.
    var transformed: [[Double]] {
        values.map { row in row.map { scale.accepts($0) ? scale.transform($0) : .nan } }
    }

    /// The colour scale's ends, in the scale's coordinate.
    var colorDomain: ClosedRange<Double> {
        if let range {
            return scale.transform(range.lowerBound)...scale.transform(range.upperBound)
        }
        let finite = transformed.joined().filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), high > low else {
            let v = finite.first ?? 0
            return (v - 1)...(v + 1)
        }
        return low...high
    }

    /// How far apart the contour lines are, in words: "a factor of 1.78 (a quarter of a
    /// decade)" on a log scale, "0.5" on a linear one; empty when fewer than two are drawn.
    public var levelSpacing: String {
        let levels = levels
        guard levels.count >= 2 else { return "" }
        let step = levels[1] - levels[0]
        switch scale {
        case .linear:
            return String(format: "%g", step)
        case .log:
            let decades = [0.25: "a quarter of a decade", 0.5: "half a decade", 1: "a decade"]
            return String(format: "a factor of %.3g", pow(10, step))
                + (decades[step].map { " (\($0))" } ?? " (\(String(format: "%g", step)) decades)")
        }
    }

    /// The contour levels, in the scale's coordinate, strictly inside the colour domain.
    var levels: [Double] {
        let domain = colorDomain
        let ticks: [Double]
        switch scale {
        case .linear:
            ticks = NiceTicks.linear(in: domain, count: levelCount).map(\.value)
        case .log:
            let span = domain.upperBound - domain.lowerBound
            // Steps of a decade, a half or a quarter of one, whichever gives about levelCount.
            let step = [0.25, 0.5, 1, 2].first { span / $0 <= Double(levelCount) } ?? 5
            let first = (domain.lowerBound / step).rounded(.up) * step
            ticks = Array(stride(from: first, through: domain.upperBound, by: step))
        }
        return ticks.filter { $0 > domain.lowerBound && $0 < domain.upperBound }
    }

    /// Draws the colour field, the contour lines and the marker inside the plot, then the
    /// frame with its ticks and titles and the colour bar at the right.
    ///
    /// - Throws: ``PlotError/cairo(operation:status:path:)`` when cairo cannot make the
    ///   field's image surface.
    public func draw(on canvas: Canvas) throws {
        let barRoom = 78.0
        var axes = CartesianAxes(
            title: title, xLabel: xLabel, yLabel: yLabel,
            x: .numeric(.linear, x.first!...x.last!), yScale: .linear, yDomain: y.first!...y.last!)
        axes.rightReserve = barRoom
        let layout = axes.layout(on: canvas)
        guard let xMap = layout.xMap else { return }
        let plot = layout.plot
        let field = transformed
        let domain = colorDomain

        // The field: one image pixel per canvas pixel of the plot.
        let left = plot.minX.rounded()
        let top = plot.minY.rounded()
        let pixelWidth = max(1, Int(plot.maxX.rounded() - left))
        let pixelHeight = max(1, Int(plot.maxY.rounded() - top))
        var rgb = [UInt8](repeating: 255, count: pixelWidth * pixelHeight * 3)
        for row in 0..<pixelHeight {
            let yValue = valueAt(
                pixel: top + Double(row) + 0.5, start: plot.maxY, end: plot.minY, y)
            for column in 0..<pixelWidth {
                let xValue = valueAt(
                    pixel: left + Double(column) + 0.5, start: plot.minX, end: plot.maxX, x)
                let v = interpolate(field, atX: xValue, y: yValue)
                guard v.isFinite else { continue }
                let color = colorMap.color(
                    at: (v - domain.lowerBound) / (domain.upperBound - domain.lowerBound))
                let offset = (row * pixelWidth + column) * 3
                rgb[offset] = UInt8((color.red * 255).rounded())
                rgb[offset + 1] = UInt8((color.green * 255).rounded())
                rgb[offset + 2] = UInt8((color.blue * 255).rounded())
            }
        }
        try canvas.image(
            rgb: rgb, width: pixelWidth, height: pixelHeight, at: Canvas.Point(x: left, y: top))

        // The contour lines.
        canvas.clipped(to: plot) {
            for level in levels {
                for segment in contourSegments(field, level: level) {
                    canvas.line(
                        from: Canvas.Point(
                            x: xMap.pixel(segment.0.x), y: layout.yMap.pixel(segment.0.y)),
                        to: Canvas.Point(
                            x: xMap.pixel(segment.1.x), y: layout.yMap.pixel(segment.1.y)),
                        color: PlotColor(hex: 0xFFFFFF, alpha: 0.75), lineWidth: 1)
                }
            }
            if let marker {
                let center = Canvas.Point(x: xMap.pixel(marker.x), y: layout.yMap.pixel(marker.y))
                canvas.fillCircle(center: center, radius: 4.5, .white)
                canvas.fillCircle(center: center, radius: 3, .black)
            }
        }
        axes.drawFrame(layout, on: canvas)
        drawColorBar(
            Canvas.Rect(x: plot.maxX + 14, y: plot.minY, width: 14, height: plot.height),
            domain: domain, on: canvas)
    }

    /// The data coordinate at pixel `pixel` of an axis from `start` (first value) to `end`.
    private func valueAt(pixel: Double, start: Double, end: Double, _ axis: [Double]) -> Double {
        axis.first! + (pixel - start) / (end - start) * (axis.last! - axis.first!)
    }

    /// Bilinear interpolation of `field` at (x, y); NaN if a corner is NaN.
    private func interpolate(_ field: [[Double]], atX xValue: Double, y yValue: Double) -> Double {
        let (i, s) = cell(xValue, in: x)
        let (j, t) = cell(yValue, in: y)
        let v00 = field[j][i]
        let v10 = field[j][i + 1]
        let v01 = field[j + 1][i]
        let v11 = field[j + 1][i + 1]
        return (1 - t) * ((1 - s) * v00 + s * v10) + t * ((1 - s) * v01 + s * v11)
    }

    /// The grid cell holding `value` and the fraction of the way across it.
    private func cell(_ value: Double, in axis: [Double]) -> (Int, Double) {
        var index = 0
        while index < axis.count - 2 && value > axis[index + 1] { index += 1 }
        let fraction = (value - axis[index]) / (axis[index + 1] - axis[index])
        return (index, min(max(fraction, 0), 1))
    }

    /// Marching squares: the pieces of the curve `field == level`, in data coordinates.
    func contourSegments(_ field: [[Double]], level: Double) -> [(
        (x: Double, y: Double), (x: Double, y: Double)
    )] {
        var segments: [((x: Double, y: Double), (x: Double, y: Double))] = []
        for j in 0..<(y.count - 1) {
            for i in 0..<(x.count - 1) {
                // Corners counter-clockwise from the bottom left.
                let corners = [
                    (x: x[i], y: y[j], v: field[j][i]), (x: x[i + 1], y: y[j], v: field[j][i + 1]),
                    (x: x[i + 1], y: y[j + 1], v: field[j + 1][i + 1]),
                    (x: x[i], y: y[j + 1], v: field[j + 1][i]),
                ]
                guard corners.allSatisfy({ $0.v.isFinite }) else { continue }
                // Where the level crosses each edge.
                var crossings: [(x: Double, y: Double)] = []
                for edge in 0..<4 {
                    let a = corners[edge]
                    let b = corners[(edge + 1) % 4]
                    if (a.v < level) != (b.v < level) {
                        let f = (level - a.v) / (b.v - a.v)
                        crossings.append((a.x + f * (b.x - a.x), a.y + f * (b.y - a.y)))
                    }
                }
                if crossings.count == 2 {
                    segments.append((crossings[0], crossings[1]))
                } else if crossings.count == 4 {
                    // A saddle: pair the crossings by the value at the cell's centre.
                    let center = corners.map(\.v).reduce(0, +) / 4
                    let bottomLeftBelow = corners[0].v < level
                    if (center < level) == bottomLeftBelow {
                        segments.append((crossings[0], crossings[1]))
                        segments.append((crossings[2], crossings[3]))
                    } else {
                        segments.append((crossings[3], crossings[0]))
                        segments.append((crossings[1], crossings[2]))
                    }
                }
            }
        }
        return segments
    }

    private func drawColorBar(_ bar: Canvas.Rect, domain: ClosedRange<Double>, on canvas: Canvas) {
        let span = domain.upperBound - domain.lowerBound
        let valueRange =
            scale == .log ? pow(10, domain.lowerBound)...pow(10, domain.upperBound) : domain
        let ticks = scale.ticks(in: valueRange, count: 6).major.map {
            (position: (scale.transform($0.value) - domain.lowerBound) / span, label: $0.label)
        }
        canvas.colorBar(bar, colorMap: colorMap, ticks: ticks)
    }
}
