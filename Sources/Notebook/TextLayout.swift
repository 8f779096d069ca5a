/// Plain-text layout shared by the terminal and Markdown writers.
enum TextLayout {
    /// Wraps paragraphs to `width` columns. Blank lines separate paragraphs; a paragraph whose
    /// lines start with `- `, `|`, or two spaces (lists, tables, indented math) keeps its lines.
    static func wrap(_ text: String, width: Int) -> String {
        let paragraphs = text.components(separatedBy: "\n\n")
        return paragraphs.map { paragraph -> String in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false)
            let keepsLines = lines.contains { line in
                line.hasPrefix("- ") || line.hasPrefix("|") || line.hasPrefix("  ")
                    || line.first?.isNumber == true && line.contains(". ")
            }
            if keepsLines { return paragraph }
            var result: [String] = []
            var current = ""
            for word in paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                if current.isEmpty {
                    current = String(word)
                } else if current.count + 1 + word.count <= width {
                    current += " " + word
                } else {
                    result.append(current)
                    current = String(word)
                }
            }
            if !current.isEmpty { result.append(current) }
            return result.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// True when a cell looks like a number (right-aligned in tables).
    static func isNumeric(_ cell: String) -> Bool {
        let trimmed = cell.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.first else { return false }
        return first.isNumber
            || ((first == "-" || first == "+" || first == "−") && trimmed.count > 1)
    }

    /// A table with columns padded to equal width; numeric columns are right-aligned.
    static func alignedTable(headers: [String], rows: [[String]]) -> [String] {
        let columns = headers.indices
        let widths = columns.map { c in ([headers[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0
        }
        let numeric = columns.map { c in !rows.isEmpty && rows.allSatisfy { isNumeric($0[c]) } }
        func line(_ cells: [String]) -> String {
            columns.map { c in
                let padding = String(repeating: " ", count: widths[c] - cells[c].count)
                return numeric[c] ? padding + cells[c] : cells[c] + padding
            }.joined(separator: "  ")
        }
        let rule = columns.map { String(repeating: "─", count: widths[$0]) }.joined(separator: "  ")
        return [line(headers), rule] + rows.map(line)
    }

    /// "850 ms", "12.3 s", "4 min 05 s".
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return "\((seconds * 10).rounded() / 10) s" }
        let whole = Int(seconds.rounded())
        let remainder = whole % 60
        return "\(whole / 60) min \(remainder < 10 ? "0" : "")\(remainder) s"
    }
}
