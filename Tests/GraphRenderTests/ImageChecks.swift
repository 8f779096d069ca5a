import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What a test needs to know about an SVG document: it parsed as XML, its root element,
/// the text of its `<text>` elements, and the `class` of its `<g>` groups (`node`, `edge`,
/// `cluster`).
struct SVGSummary {
    var rootElement: String?
    var texts: [String] = []
    var groupClasses: [String] = []

    func count(ofClass name: String) -> Int {
        groupClasses.filter { $0 == name }.count
    }
}

/// Parses `bytes` as XML; records an issue (at the caller) and returns nil when it is not.
func parseSVG(
    _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
) -> SVGSummary? {
    let collector = SVGCollector()
    let parser = XMLParser(data: Data(bytes))
    parser.delegate = collector
    guard parser.parse() else {
        let reason = parser.parserError.map { "\($0)" } ?? "unknown error"
        Issue.record("the SVG is not well-formed XML: \(reason)", sourceLocation: sourceLocation)
        return nil
    }
    return collector.summary
}

private final class SVGCollector: NSObject, XMLParserDelegate {
    var summary = SVGSummary()
    private var currentText: String?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        if summary.rootElement == nil { summary.rootElement = elementName }
        if elementName == "text" { currentText = "" }
        if elementName == "g", let groupClass = attributes["class"] {
            summary.groupClasses.append(groupClass)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        currentText? += string
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        if elementName == "text", let text = currentText {
            summary.texts.append(text)
            currentText = nil
        }
    }
}

/// Checks that `bytes` is a PNG file: the 8-byte signature, an `IHDR` chunk first with a
/// width and height of at least `minimumSide` pixels, and an `IEND` chunk last.
func expectPNG(
    _ bytes: [UInt8], minimumSide: Int = 10, sourceLocation: SourceLocation = #_sourceLocation
) {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count > 45 else {
        Issue.record(
            "a \(bytes.count)-byte file is too small to be a PNG image",
            sourceLocation: sourceLocation)
        return
    }
    #expect(Array(bytes[0..<8]) == signature, "PNG signature", sourceLocation: sourceLocation)
    #expect(
        String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR",
        sourceLocation: sourceLocation)
    let width = bigEndian(bytes[16..<20])
    let height = bigEndian(bytes[20..<24])
    #expect(
        width >= minimumSide && height >= minimumSide,
        "PNG is \(width)x\(height) pixels", sourceLocation: sourceLocation)
    #expect(
        String(decoding: bytes[(bytes.count - 8)..<(bytes.count - 4)], as: UTF8.self)
            == "IEND", sourceLocation: sourceLocation)
}

private func bigEndian(_ bytes: ArraySlice<UInt8>) -> Int {
    bytes.reduce(0) { $0 << 8 | Int($1) }
}
