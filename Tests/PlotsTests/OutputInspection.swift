import Foundation
import Plots
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What a test needs to know about a rendered SVG document.
struct SVGDocument {
    var rootAttributes: [String: String] = [:]
    var title = ""
    var description = ""
}

/// Parses `bytes` as XML, records a failure at the caller if it is not well formed, and
/// returns the root's attributes with the text of `<title>` and `<desc>`.
func parseSVG(
    _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
) -> SVGDocument {
    let reader = SVGReader()
    let parser = XMLParser(data: Data(bytes))
    parser.delegate = reader
    let parsed = parser.parse()
    #expect(
        parsed, "SVG is not well-formed XML: \(String(describing: parser.parserError))",
        sourceLocation: sourceLocation)
    return reader.document
}

private final class SVGReader: NSObject, XMLParserDelegate {
    var document = SVGDocument()
    private var current: String?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String]
    ) {
        if elementName == "svg" && document.rootAttributes.isEmpty {
            document.rootAttributes = attributes
        }
        current = elementName
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        current = nil
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        switch current {
        case "title": document.title += string
        case "desc": document.description += string
        default: break
        }
    }
}

/// The width and height in a PNG's IHDR chunk, after checking the 8-byte signature;
/// nil (with a recorded failure) when the bytes are not a PNG.
func pngSize(
    _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
) -> (width: Int, height: Int)? {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count >= 24, Array(bytes[0..<8]) == signature,
        Array(bytes[12..<16]) == Array("IHDR".utf8)
    else {
        Issue.record("not a PNG (first bytes \(bytes.prefix(16)))", sourceLocation: sourceLocation)
        return nil
    }
    func bigEndian(_ offset: Int) -> Int {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
    }
    return (bigEndian(16), bigEndian(20))
}

/// Expects every string of `expected` among the lines of the SVG's `<desc>` (the text the
/// chart drew).
func expectDrawn(
    _ expected: [String], in document: SVGDocument,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let drawn = Set(document.description.split(separator: "\n").map(String.init))
    for text in expected {
        #expect(drawn.contains(text), "'\(text)' was not drawn", sourceLocation: sourceLocation)
    }
}
