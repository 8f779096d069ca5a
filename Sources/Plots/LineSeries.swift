/// How a series' line is stroked.
public enum LineStyle: Hashable, Sendable {
    /// An unbroken line.
    case solid
    /// Dashes 3.5 line widths plus 2 pixels long, with gaps of 2 line widths plus 1 pixel.
    case dashed
    /// Dots one line width long, with gaps of 1.5 line widths plus 1 pixel.
    case dotted

    /// The dash pattern for a line `lineWidth` pixels wide.
    func dash(lineWidth: Double) -> Canvas.Dash {
        switch self {
        case .solid: return .solid
        case .dashed: return .pattern(on: 3.5 * lineWidth + 2, off: 2 * lineWidth + 1)
        case .dotted: return .pattern(on: lineWidth, off: 1.5 * lineWidth + 1)
        }
    }
}

/// One named line of a `LineChart`, with an optional shaded band around it.
///
/// Points whose x or y is NaN or infinite (or not positive, on a log axis) are skipped and
/// break the line in two, so a diverged run shows where it stopped.
public struct LineSeries: Sendable {
    /// The name shown in the legend (an empty name leaves the series out of it).
    public var name: String
    /// The points, joined in order.
    public var points: [(x: Double, y: Double)]
    /// A shaded region from `lower[i]` to `upper[i]` at `points[i].x` (e.g. mean +- std),
    /// one value per point.
    public var band: (lower: [Double], upper: [Double])?
    /// How the line is stroked: solid, dashed or dotted.
    public var style: LineStyle
    /// nil: the palette colour for the series' position in the chart.
    public var color: PlotColor?
    /// The line's width in pixels (default 2); dashes, dots and markers scale with it.
    public var lineWidth: Double
    /// Draws a dot at each point as well (useful for few, spaced points).
    public var showsMarkers: Bool

    /// A series from `(x, y)` points; every argument after the name is the property of the
    /// same name.
    ///
    /// The band, when given, needs one lower and one upper value per point.
    public init(
        _ name: String, points: [(x: Double, y: Double)],
        band: (lower: [Double], upper: [Double])? = nil, style: LineStyle = .solid,
        color: PlotColor? = nil, lineWidth: Double = 2, showsMarkers: Bool = false
    ) {
        if let band {
            precondition(
                band.lower.count == points.count && band.upper.count == points.count,
                "LineSeries '\(name)': the band needs one lower and one upper value per point"
                    + " (\(points.count) points, \(band.lower.count) lower, \(band.upper.count) upper)"
            )
        }
        self.name = name
        self.points = points
        self.band = band
        self.style = style
        self.color = color
        self.lineWidth = lineWidth
        self.showsMarkers = showsMarkers
    }

    /// A series from matching `x` and `y` arrays (as many x values as y values); the other
    /// arguments are as for ``init(_:points:band:style:color:lineWidth:showsMarkers:)``.
    public init(
        _ name: String, x: [Double], y: [Double],
        band: (lower: [Double], upper: [Double])? = nil, style: LineStyle = .solid,
        color: PlotColor? = nil, lineWidth: Double = 2, showsMarkers: Bool = false
    ) {
        precondition(
            x.count == y.count,
            "LineSeries '\(name)': x has \(x.count) values but y has \(y.count)")
        self.init(
            name, points: Array(zip(x, y)), band: band, style: style, color: color,
            lineWidth: lineWidth, showsMarkers: showsMarkers)
    }
}
