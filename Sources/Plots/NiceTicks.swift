import Foundation

/// One labelled position on an axis.
public struct AxisTick: Hashable, Sendable {
    /// The position on the axis, in data units.
    public var value: Double
    /// The text written at the tick (`"0.2"`, `"10k"`, `"10⁻⁵"`).
    public var label: String

    /// A tick at `value` labelled `label`.
    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}

/// Tick positions that people read easily: multiples of 1, 2 or 5 times a power of ten on a
/// linear axis, powers of ten ("decades") on a logarithmic one.
///
/// Tick values are computed from integers (`n * 10^e` as `Double(n) / 10^-e`), so a tick
/// at 0.3 is exactly the `Double` literal `0.3`, never `0.30000000000000004`.
public enum NiceTicks {
    /// About `count` ticks inside `range`, at multiples of a 1-2-5 step.
    ///
    /// `0...1` gives 0.0, 0.2, ..., 1.0; `0...1000` gives 0, 200, ..., 1000.
    /// Labels share one number of decimals; from 10,000 up they use k, M, G suffixes.
    public static func linear(in range: ClosedRange<Double>, count: Int = 6) -> [AxisTick] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite, count > 0 else { return [] }
        let (mantissa, exponent) = step(span: span, count: count)
        let step = decimalValue(mantissa, exponent: exponent)
        let first = Int((range.lowerBound / step - 1e-9).rounded(.up))
        let last = Int((range.upperBound / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        let multiples = (first...last).map { $0 * mantissa }
        let values = multiples.map { decimalValue($0, exponent: exponent) }
        let labels = TickLabels.linear(multiples: multiples, exponent: exponent, values: values)
        return zip(values, labels).map { AxisTick(value: $0, label: $1) }
    }

    /// Ticks for a logarithmic axis over `range` (both bounds positive).
    ///
    /// Three or more decades inside the range: the powers of ten, or every n-th of them
    /// (the smallest n that leaves at most `count`) when there would be more than `count`.
    /// Fewer: 1, 2 and 5 times each power of ten. Narrower than that (fewer than two such
    /// values): linear ticks.
    public static func logarithmic(in range: ClosedRange<Double>, count: Int = 6) -> [AxisTick] {
        guard range.lowerBound > 0, range.upperBound > range.lowerBound,
            range.upperBound.isFinite, count > 0
        else { return [] }
        let lowDecade = Int((range.lowerBound.log10 - 1e-9).rounded(.up))
        let highDecade = Int((range.upperBound.log10 + 1e-9).rounded(.down))
        let decades = highDecade - lowDecade + 1

        var positions: [(mantissa: Int, exponent: Int)] = []
        if decades >= 3 {
            let stride = (decades + count - 1) / count
            positions = (lowDecade...highDecade).filter { $0.isMultiple(of: stride) }.map {
                (1, $0)
            }
        } else {
            for exponent in (lowDecade - 1)...(highDecade + 1) {
                for mantissa in [1, 2, 5]
                where range.contains(decimalValue(mantissa, exponent: exponent)) {
                    positions.append((mantissa, exponent))
                }
            }
        }
        guard positions.count >= 2 else { return linear(in: range, count: min(count, 4)) }
        let labels = TickLabels.logarithmic(positions)
        return zip(positions, labels).map { position, label in
            AxisTick(
                value: decimalValue(position.mantissa, exponent: position.exponent), label: label)
        }
    }

    /// Light extra grid lines for a log axis: 2...9 times each power of ten inside `range`,
    /// when it spans at most six decades (more would be a grey blur). Never a major tick.
    public static func logarithmicMinor(in range: ClosedRange<Double>) -> [Double] {
        guard range.lowerBound > 0, range.upperBound > range.lowerBound,
            range.upperBound.isFinite,
            range.upperBound.log10 - range.lowerBound.log10 <= 6
        else { return [] }
        let lowDecade = Int(range.lowerBound.log10.rounded(.down))
        let highDecade = Int(range.upperBound.log10.rounded(.down))
        var values: [Double] = []
        for exponent in lowDecade...highDecade {
            for mantissa in 2...9 {
                let value = decimalValue(mantissa, exponent: exponent)
                if range.contains(value) { values.append(value) }
            }
        }
        return values
    }

    /// The 1-2-5 step that cuts `span` into about `count` parts: `mantissa * 10^exponent`
    /// with `mantissa` 1, 2 or 5.
    public static func step(span: Double, count: Int) -> (mantissa: Int, exponent: Int) {
        precondition(
            span > 0 && span.isFinite && count > 0,
            "NiceTicks.step: need a positive finite span and count, got \(span) and \(count)")
        let raw = span / Double(count)
        var exponent = Int(raw.log10.rounded(.down))
        let normalized = raw / decimalValue(1, exponent: exponent)
        let mantissa: Int
        switch normalized {
        case ..<1.5: mantissa = 1
        case ..<3.5: mantissa = 2
        case ..<7.5: mantissa = 5
        default:
            mantissa = 1
            exponent += 1
        }
        return (mantissa, exponent)
    }

    /// `n * 10^exponent`, correctly rounded (powers of ten up to 10^22 are exact doubles).
    static func decimalValue(_ n: Int, exponent: Int) -> Double {
        var power = 1.0
        for _ in 0..<abs(exponent) { power *= 10 }
        return exponent >= 0 ? Double(n) * power : Double(n) / power
    }
}

extension Double {
    /// The base-10 logarithm.
    var log10: Double { Foundation.log10(self) }
}
