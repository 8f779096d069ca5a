import Foundation

/// Number and shape text, one way for the whole package: lessons (through Notebook), model
/// summaries and graphs, the ablation's summary files and `resnet-lab` all print with it.
public enum Format {
    /// `12345678` as `12,345,678` (negative numbers keep their sign).
    public static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = n < 0 ? "-" : ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// `count(1, "epoch")` is `1 epoch`, `count(3, "epoch")` is `3 epochs`: a number and
    /// its noun, plural where it should be (`plural` for nouns that do not just take an s).
    public static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }

    /// Items as an English list: `list(["a"])` is `a`, `list(["a", "b"])` is `a and b`,
    /// `list(["a", "b", "c"])` is `a, b and c`; empty for none.
    public static func list(_ items: [String]) -> String {
        items.count < 2
            ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// `[2, 3, 28, 28]`.
    public static func shape(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// `x` with `digits` digits after the point: `fixed(3.14159, 2)` is `3.14`.
    public static func fixed(_ x: Double, _ digits: Int = 4) -> String {
        String(format: "%.\(digits)f", x)
    }

    /// `fixed` for a Float.
    public static func fixed(_ x: Float, _ digits: Int = 4) -> String {
        fixed(Double(x), digits)
    }

    /// `x` in scientific notation with two digits after the point: `1.23e-05`.
    public static func scientific(_ x: Double) -> String { String(format: "%.2e", x) }

    /// `scientific` for a Float.
    public static func scientific(_ x: Float) -> String { scientific(Double(x)) }
}

/// The largest |a[i] − b[i]|: how far two results that should agree are apart (infinity
/// when their lengths differ).
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
