// Number and shape text for tables and graph labels, without locale surprises.

/// `1234567` → `"1,234,567"` (`-1234` → `"-1,234"`).
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return value < 0 ? "-" + result : result
}

/// `value` rounded to `decimals` places: `fixed(0.6021, decimals: 2)` → `"0.60"`.
func fixed(_ value: Double, decimals: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((abs(value) * scale).rounded())
    let whole = scaled / Int(scale)
    let fraction = String(scaled % Int(scale))
    let padded = String(repeating: "0", count: decimals - fraction.count) + fraction
    let sign = value < 0 && scaled != 0 ? "-" : ""
    return decimals == 0 ? sign + String(whole) : sign + String(whole) + "." + padded
}

/// `[1, 64, 56, 56]` → `"[1, 64, 56, 56]"`.
func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
