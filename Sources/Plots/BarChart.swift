/// A bar chart: one bar per category, or a group of bars per category when there are
/// several series, on a linear or logarithmic y axis.
///
/// ```swift
/// let chart = BarChart(
///     title: "Gradient norm per layer", yLabel: "‖∂L/∂W‖", categories: layerNames,
///     series: [BarSeries("plain-20", values: plainNorms), BarSeries("ResNet-20", values: resNorms)],
///     yScale: .log)
/// try chart.write(to: "grad-norms.png")
/// ```
///
/// Bars rise from zero on a linear axis and from the bottom of the axis on a log axis, where
/// values at or below zero are skipped (no positive value at all throws
/// `PlotError.noPositiveData`). Long category names are turned 45 degrees, and thinned out
/// when there are too many to label every one.
public struct BarChart: Chart {
    public var title: String
    /// The title under the category names; empty for none.
    public var xLabel: String
    /// The y axis's title, turned to read upwards left of the plot; empty for none.
    public var yLabel: String
    /// The names under the x axis, one slot of bars each, left to right.
    public var categories: [String]
    /// The sets of bars; each needs one value per category. Within a category's slot they
    /// stand side by side in this order.
    public var series: [BarSeries]
    /// How y values are spaced: linear (bars from zero) or logarithmic (bars from the
    /// bottom of the axis).
    public var yScale: AxisScale
    /// The y range shown; nil: from the data. On a log axis its lower bound must be positive.
    public var yRange: ClosedRange<Double>?
    /// Writes each bar's value above it (where it fits).
    public var showsValues: Bool
    /// Where the legend goes; series with an empty name are left out of it.
    public var legend: LegendPlacement
    public var width: Int
    public var height: Int

    /// A bar chart; every argument is a property of the same name, and the defaults give a
    /// 720 x 440 chart with a linear y axis fitted to the data.
    public init(
        title: String = "", xLabel: String = "", yLabel: String = "", categories: [String],
        series: [BarSeries] = [], yScale: AxisScale = .linear, yRange: ClosedRange<Double>? = nil,
        showsValues: Bool = false, legend: LegendPlacement = .automatic,
        width: Int = 720, height: Int = 440
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.yScale = yScale
        self.yRange = yRange
        self.showsValues = showsValues
        self.legend = legend
        self.width = width
        self.height = height
    }

    /// Appends a series; it needs one value per category.
    public mutating func add(_ series: BarSeries) {
        self.series.append(series)
    }
}
