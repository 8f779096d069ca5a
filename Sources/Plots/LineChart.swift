/// A line chart: several named series against shared x and y axes, each linear or
/// logarithmic, with optional shaded bands and a legend.
///
/// ```swift
/// var chart = LineChart(title: "Fashion-MNIST", xLabel: "iteration", yLabel: "test error")
/// chart.add(LineSeries("ResNet-20", x: steps, y: residualError))
/// chart.add(LineSeries("plain-20", x: steps, y: plainError, style: .dashed))
/// try chart.write(to: "error.svg")
/// ```
///
/// Axis ranges are automatic (the data plus 5% on each side, stopping at zero for data that
/// does not cross it) unless `xRange` / `yRange` are set. On a log axis, points at or below
/// zero are skipped; if no value is positive at all, drawing throws
/// `PlotError.noPositiveData`.
public struct LineChart: Chart {
    public var title: String
    /// The x axis's title, under the plot; empty for none.
    public var xLabel: String
    /// The y axis's title, turned to read upwards left of the plot; empty for none.
    public var yLabel: String
    /// How x values are spaced: linear or logarithmic.
    public var xScale: AxisScale
    /// How y values are spaced: linear or logarithmic.
    public var yScale: AxisScale
    /// The x range shown; nil: from the data. On a log axis its lower bound must be positive.
    public var xRange: ClosedRange<Double>?
    /// The y range shown; nil: from the data (bands included). On a log axis its lower bound
    /// must be positive.
    public var yRange: ClosedRange<Double>?
    /// The lines, drawn in order (a later one over an earlier one), bands under all lines.
    public var series: [LineSeries]
    /// Where the legend goes; series with an empty name are left out of it.
    public var legend: LegendPlacement
    public var width: Int
    public var height: Int

    /// A line chart; every argument is a property of the same name, and the defaults give
    /// an empty 720 x 440 chart with linear axes fitted to the data.
    public init(
        title: String = "", xLabel: String = "", yLabel: String = "",
        xScale: AxisScale = .linear, yScale: AxisScale = .linear,
        xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
        series: [LineSeries] = [], legend: LegendPlacement = .automatic,
        width: Int = 720, height: Int = 440
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.xRange = xRange
        self.yRange = yRange
        self.series = series
        self.legend = legend
        self.width = width
        self.height = height
    }

    /// Appends a series; unless it has its own colour it takes the palette's colour for its
    /// position (``PlotColor/series(_:)``).
    public mutating func add(_ series: LineSeries) {
        self.series.append(series)
    }
}
