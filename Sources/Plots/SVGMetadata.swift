/// Adds a `<title>` and a `<desc>` to the SVG cairo wrote.
///
/// Cairo turns text into glyph outlines, so an SVG chart holds none of its words. The title
/// and the list of every string drawn go in as standard SVG metadata: screen readers, search
/// and tests can read them, and nothing changes on screen.
enum SVGMetadata {
    static func insert(title: String, text: [String], into svg: [UInt8]) -> [UInt8] {
        guard let tagEnd = endOfOpeningSVGTag(in: svg) else { return svg }
        let metadata =
            "\n<title>\(escaped(title))</title>\n<desc>\(escaped(text.joined(separator: "\n")))</desc>"
        var result = Array(svg[...tagEnd])
        result.append(contentsOf: Array(metadata.utf8))
        result.append(contentsOf: svg[(tagEnd + 1)...])
        return result
    }

    /// The index of the `>` that closes the first `<svg ...>` tag.
    private static func endOfOpeningSVGTag(in svg: [UInt8]) -> Int? {
        let opening = Array("<svg".utf8)
        guard svg.count > opening.count else { return nil }
        for start in 0...(svg.count - opening.count)
        where svg[start..<start + opening.count].elementsEqual(opening) {
            return svg[(start + opening.count)...].firstIndex(of: UInt8(ascii: ">"))
        }
        return nil
    }

    /// `text` with the characters that are special in XML replaced by entities.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
