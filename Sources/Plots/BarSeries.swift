/// One named set of bars in a `BarChart`: a value per category.
public struct BarSeries: Sendable {
    /// The name shown in the legend (an empty name leaves the series out of it).
    public var name: String
    /// One value per category; NaN leaves the slot empty.
    public var values: [Double]
    /// nil: the palette colour for the series' position in the chart.
    public var color: PlotColor?

    /// A series named `name` with one value per category; `color` nil takes the palette's.
    public init(_ name: String, values: [Double], color: PlotColor? = nil) {
        self.name = name
        self.values = values
        self.color = color
    }
}
