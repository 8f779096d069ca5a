/// Compact text charts for live feedback in a terminal: lines drawn with braille dots,
/// sparklines and horizontal bars. Pure Swift; nothing here touches cairo.
///
/// ```swift
/// print(TerminalChart.lines(series: [("train", trainLoss), ("test", testLoss)]))
/// print("loss " + TerminalChart.sparkline(lossHistory, width: 40))
/// print(TerminalChart.bars(labels: layerNames, values: gradientNorms))
/// ```
///
/// Widths count characters, one terminal column each (braille and block characters are
/// single-width in monospaced fonts).
public enum TerminalChart {
    /// One character per value, its height in eight steps from the smallest value (▁) to the
    /// largest (█); a constant series is all ▄, NaN and infinite values are spaces.
    ///
    /// - Parameters:
    ///   - values: the series, oldest first.
    ///   - width: at most this many characters, positive: longer histories are averaged in
    ///     equal buckets (NaN and infinite values left out of each average). nil: one per
    ///     value.
    public static func sparkline(_ values: [Double], width: Int? = nil) -> String {
        let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let shown = width.map { resample(values, to: $0) } ?? values
        let finite = shown.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else {
            return String(repeating: " ", count: shown.count)
        }
        return String(
            shown.map { value -> Character in
                guard value.isFinite else { return " " }
                guard high > low else { return "▄" }
                return levels[Int(((value - low) / (high - low) * 7).rounded())]
            })
    }

    /// `values` averaged down to at most `count` equal buckets.
    static func resample(_ values: [Double], to count: Int) -> [Double] {
        precondition(count > 0, "TerminalChart.sparkline: width must be positive, got \(count)")
        guard values.count > count else { return values }
        return (0..<count).map { bucket in
            let slice = values[
                (bucket * values.count / count)..<((bucket + 1) * values.count / count)]
            let finite = slice.filter(\.isFinite)
            return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
        }
    }

    /// One horizontal bar per label, lengths proportional to the values (to an eighth of a
    /// character), the value written after each bar. Every line is exactly `width`
    /// characters; labels longer than 24 characters are shortened with "…".
    ///
    /// - Parameters:
    ///   - labels: the name before each bar.
    ///   - values: non-negative, one per label; NaN draws no bar.
    ///   - width: the length of every line in characters (default 60); it must leave room
    ///     for at least one character of bar beside the longest label and value.
    public static func bars(labels: [String], values: [Double], width: Int = 60) -> String {
        precondition(
            labels.count == values.count,
            "TerminalChart.bars: \(labels.count) labels for \(values.count) values")
        precondition(
            !values.contains { $0 < 0 },
            "TerminalChart.bars: values must be non-negative, got \(values.filter { $0 < 0 })")
        let names = labels.map { shortened($0, to: 24) }
        let texts = values.map(NumberText.compact)
        let nameWidth = names.map(\.count).max() ?? 0
        let valueWidth = texts.map(\.count).max() ?? 0
        let barWidth = width - nameWidth - valueWidth - 2
        precondition(
            barWidth >= 1,
            "TerminalChart.bars: width \(width) leaves no room for bars beside labels"
                + " \(nameWidth) and values \(valueWidth) characters wide")
        let largest = values.filter(\.isFinite).max() ?? 0

        let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var lines: [String] = []
        for (index, value) in values.enumerated() {
            var bar = ""
            if value.isFinite && largest > 0 {
                let length = Int((value / largest * Double(barWidth * 8)).rounded())
                bar = String(repeating: "█", count: length / 8)
                if length % 8 > 0 { bar.append(eighths[length % 8 - 1]) }
            }
            lines.append(
                padded(names[index], to: nameWidth) + " " + padded(bar, to: barWidth) + " "
                    + padded(texts[index], to: valueWidth, leading: true))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Text helpers

    /// `text` with spaces added (after it, or before it when `leading`) to `width` characters.
    static func padded(_ text: String, to width: Int, leading: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return leading ? padding + text : text + padding
    }

    /// `text` cut to at most `width` characters, the last one "…" when cut.
    static func shortened(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}
