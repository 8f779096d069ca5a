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
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    /// The x range shown; nil: from the data.
    public var xRange: ClosedRange<Double>?
    /// The y range shown; nil: from the data (bands included).
    public var yRange: ClosedRange<Double>?
    public var series: [LineSeries]
    public var legend: LegendPlacement
    public var width: Int
    public var height: Int

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

    /// Appends a series; it takes the next palette colour unless it has its own.
    public mutating func add(_ series: LineSeries) {
        self.series.append(series)
    }
}
