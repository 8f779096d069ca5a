/// Text for tick values, written from their exact decimal digits (never from a rounded
/// `Double`), with a real minus sign.
enum TickLabels {
    /// Labels for the values `multiples[i] * 10^exponent` of one linear axis.
    static func linear(multiples: [Int], exponent: Int, values: [Double]) -> [String] {
        let largest = values.map(abs).max() ?? 0
        if largest >= 1e4 {
            // A k / M / G / T suffix, chosen by the largest value: 0, 2k, 4k, ... 10k.
            let group = min(Int(largest.log10.rounded(.down)) / 3, 4)
            let suffix = ["", "k", "M", "G", "T"][group]
            return multiples.map { multiple in
                multiple == 0 ? "0" : decimal(multiple, exponent: exponent - 3 * group) + suffix
            }
        }
        if largest < 1e-3 {
            return multiples.map { multiple in
                multiple == 0 ? "0" : scientific(multiple, exponent: exponent)
            }
        }
        return multiples.map { decimal($0, exponent: exponent) }
    }

    /// Labels for the values `mantissa * 10^exponent` of one log axis: plain digits when
    /// every value lies from 0.001 to 50000 ("0.05", "200"), otherwise powers of ten for all
    /// ("10⁻⁵", "2×10⁶"), so one axis never mixes the two.
    static func logarithmic(_ positions: [(mantissa: Int, exponent: Int)]) -> [String] {
        let plain = positions.allSatisfy { (-3...4).contains($0.exponent) }
        return positions.map { mantissa, exponent in
            if plain { return decimal(mantissa, exponent: exponent) }
            let power = "10" + superscript(exponent)
            return mantissa == 1 ? power : "\(mantissa)×" + power
        }
    }

    /// `n * 10^exponent` in plain digits with `max(0, -exponent)` decimals:
    /// `decimal(25, exponent: -3)` is "0.025", `decimal(4, exponent: 2)` is "400".
    static func decimal(_ n: Int, exponent: Int) -> String {
        let sign = n < 0 ? "−" : ""
        var digits = String(n.magnitude)
        if exponent >= 0 {
            return n == 0 ? "0" : sign + digits + String(repeating: "0", count: exponent)
        }
        let decimals = -exponent
        if digits.count <= decimals {
            digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
        }
        let split = digits.index(digits.endIndex, offsetBy: -decimals)
        let whole = digits[..<split]
        let fraction = digits[split...]
        return (n == 0 ? "" : sign) + whole + "." + fraction
    }

    /// `n * 10^exponent` as "2e-5" (trailing zeros of `n` moved into the exponent).
    static func scientific(_ n: Int, exponent: Int) -> String {
        var n = n
        var exponent = exponent
        while n != 0 && n.isMultiple(of: 10) {
            n /= 10
            exponent += 1
        }
        let sign = n < 0 ? "−" : ""
        return sign + "\(n.magnitude)e" + (exponent < 0 ? "−" : "") + "\(exponent.magnitude)"
    }

    /// An integer in superscript digits: -5 gives "⁻⁵".
    static func superscript(_ value: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(value.magnitude).map { digits[Int(String($0))!] }
        return (value < 0 ? "⁻" : "") + String(body)
    }
}
