/// Number and shape formatting shared by lessons, so that every lesson prints the same way.
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

    /// `[2, 3, 28, 28]`.
    public static func shape(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}
