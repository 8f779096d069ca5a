import Foundation

/// How data values are spaced along an axis.
public enum AxisScale: Hashable, Sendable {
    /// Equal steps for equal differences.
    case linear
    /// Equal steps for equal ratios (base 10). Points with a value <= 0 are skipped; a log
    /// axis whose data has no positive value throws `PlotError.noPositiveData`.
    case log

    /// Whether `value` can be placed on an axis of this scale.
    func accepts(_ value: Double) -> Bool {
        value.isFinite && (self == .linear || value > 0)
    }

    /// The coordinate in which the scale is linear (the value itself, or its log10).
    func transform(_ value: Double) -> Double {
        self == .linear ? value : log10(value)
    }

    /// The ticks and minor grid values for `domain`, about `count` ticks.
    func ticks(in domain: ClosedRange<Double>, count: Int) -> (major: [AxisTick], minor: [Double]) {
        switch self {
        case .linear:
            return (NiceTicks.linear(in: domain, count: count), [])
        case .log:
            let major = NiceTicks.logarithmic(in: domain, count: count)
            let majorValues = Set(major.map(\.value))
            let minor = NiceTicks.logarithmicMinor(in: domain).filter { !majorValues.contains($0) }
            return (major, minor)
        }
    }

    /// The range an axis shows for data between `low` and `high` (nil: no data): widened by
    /// `padding` of its span on each side (in log10 space on a log axis), stopping at zero
    /// where linear data does not cross it, so an error curve starts from a 0 line.
    func domain(low: Double?, high: Double?, padding: Double = 0.05) -> ClosedRange<Double> {
        guard let low, let high else { return self == .linear ? 0...1 : 1...10 }
        switch self {
        case .linear:
            if low == high {
                let half = low == 0 ? 1 : abs(low) / 2
                return (low - half)...(high + half)
            }
            let pad = (high - low) * padding
            let lower = low >= 0 && low - pad < 0 ? 0 : low - pad
            let upper = high <= 0 && high + pad > 0 ? 0 : high + pad
            return lower...upper
        case .log:
            let logLow = log10(low)
            let logHigh = log10(high)
            let pad = logLow == logHigh ? 0.5 : (logHigh - logLow) * padding
            return pow(10, logLow - pad)...pow(10, logHigh + pad)
        }
    }
}

/// Maps data values on one axis to pixel positions.
struct AxisMap {
    var scale: AxisScale
    var domain: ClosedRange<Double>
    /// The pixel positions of `domain.lowerBound` and `domain.upperBound` (for a y axis the
    /// first is the larger: y grows downwards).
    var start: Double
    var end: Double

    func pixel(_ value: Double) -> Double {
        let low = scale.transform(domain.lowerBound)
        let high = scale.transform(domain.upperBound)
        let fraction = (scale.transform(value) - low) / (high - low)
        // Far-off values (a fixed range much narrower than the data) are pulled in to
        // coordinates cairo can hold; the plot's clip hides them anyway.
        return min(max(start + fraction * (end - start), -1e6), 1e6)
    }
}
