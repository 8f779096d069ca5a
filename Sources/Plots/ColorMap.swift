/// A colour scale: maps a position in 0...1 to a colour.
///
/// All three are sequential (light to dark or dark to light in one steady direction) and
/// stay readable in greyscale and for colour-blind readers.
public enum ColorMap: Hashable, Sendable {
    /// Dark purple through teal to yellow (matplotlib's default, by van der Walt & Smith).
    case viridis
    /// White to dark blue (ColorBrewer's Blues): the usual confusion-matrix look.
    case blues
    /// Black to white: grayscale images.
    case grays

    /// The colour at `position` (clamped to 0...1; NaN gives the low end).
    public func color(at position: Double) -> PlotColor {
        let stops = self.stops
        let t = position.isNaN ? 0 : min(max(position, 0), 1)
        let scaled = t * Double(stops.count - 1)
        let index = min(Int(scaled), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], scaled - Double(index))
    }

    /// Evenly spaced colours along the scale, interpolated linearly in between.
    var stops: [PlotColor] {
        switch self {
        case .viridis:
            return [
                0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E,
                0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725,
            ].map { PlotColor(hex: $0) }
        case .blues:
            return [
                0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6,
                0x4292C6, 0x2171B5, 0x08519C, 0x08306B,
            ].map { PlotColor(hex: $0) }
        case .grays:
            return [.black, .white]
        }
    }
}
