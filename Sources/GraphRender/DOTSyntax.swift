/// How names and text are spelled in DOT source, in one place.
///
/// DOT's quoted strings know one escape of their own, `\"`; Graphviz then reads backslash
/// sequences inside labels (`\n`, `\l`, `\N`, and `\\` for one backslash). Escaping `\` as
/// `\\`, `"` as `\"` and each line break as `\n` therefore shows any text exactly as given.
enum DOTSyntax {
    /// Words DOT reserves (in any letter case); as names they must be quoted.
    static let keywords: Set<String> = ["node", "edge", "graph", "digraph", "subgraph", "strict"]

    /// `text` between double quotes, escaped so Graphviz displays it unchanged.
    static func quoted(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n", "\r\n", "\r": result += "\\n"
            default: result.append(character)
            }
        }
        result += "\""
        return result
    }

    /// A node, graph or attribute name: bare when it is a plain identifier
    /// (`[A-Za-z_][A-Za-z0-9_]*`, not a keyword) or a plain decimal number, quoted otherwise.
    static func id(_ text: String) -> String {
        isBareIdentifier(text) || isBareNumber(text) ? text : quoted(text)
    }

    private static func isBareIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLetterOrUnderscore(first) else { return false }
        guard text.utf8.allSatisfy({ isLetterOrUnderscore($0) || isDigit($0) }) else {
            return false
        }
        return !keywords.contains(text.lowercased())
    }

    /// Digits with at most one `.` inside them (`2`, `0.5`); no sign, no exponent.
    private static func isBareNumber(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(isDigit) }
    }

    private static func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
