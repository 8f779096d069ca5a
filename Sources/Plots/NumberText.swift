import Foundation

/// Short text for a single number (bar values, terminal chart labels).
enum NumberText {
    /// About three significant digits: "0.912", "12.3", "1234", "195k", "1.2M", "3.4e-5".
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "∞" : "−∞") }
        let sign = value < 0 ? "−" : ""
        let magnitude = abs(value)
        switch magnitude {
        case 0:
            return "0"
        case 1e4...:
            let groups = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
            let (scale, suffix) = groups.first { magnitude >= $0.0 } ?? (1e3, "k")
            return sign + significant(magnitude / scale, digits: 3) + suffix
        case 100...:
            return sign + String(Int(magnitude.rounded()))
        case 0.01...:
            return sign + significant(magnitude, digits: 3)
        default:
            let exponent = Int(log10(magnitude).rounded(.down))
            let mantissa = significant(magnitude / pow(10, Double(exponent)), digits: 2)
            return sign + mantissa + "e−" + String(-exponent)
        }
    }

    /// A positive `value` rounded to `digits` significant digits, trailing zeros dropped.
    static func significant(_ value: Double, digits: Int) -> String {
        let decimals = max(0, digits - 1 - Int(log10(value).rounded(.down)))
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
