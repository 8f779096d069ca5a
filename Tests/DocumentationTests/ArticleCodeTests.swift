import Foundation
import Notebook
import Testing

/// The code in the documentation catalogs (`Sources/*/*.docc/**/*.md`) is real code: every
/// Swift block is a listing, the lines between `// listing: NAME` and `// listing-end: NAME` in
/// a file that builds (a library source, or an example in this target that runs as a test),
/// announced by the comment line `<!-- listing: NAME in PATH -->` just above the block. A block
/// that is deliberately not compiled (a package manifest) says so with
/// `<!-- not compiled: REASON -->`.
///
/// Measured numbers are quoted, not retyped: the comment line `<!-- quote: PATH -->` (a
/// transcript or data file the code wrote, `Docs/lesson-03-gradient-highway.md`) above a
/// paragraph or table says that each of its lines occurs verbatim in that file.
@Suite("Code in the documentation articles")
struct ArticleCodeTests {
    /// The package root, three folders above this file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// One fenced block of an article and the comment above it.
    struct Block {
        let article: String
        let line: Int
        let language: String
        let annotation: String?
        let text: String
    }

    /// Every Markdown file under `Sources/*/*.docc`: its path from the package root, and its
    /// lines.
    static func pages() throws -> [(path: String, lines: [String])] {
        let sources = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(atPath: sources.path) else { return [] }
        var pages: [(path: String, lines: [String])] = []
        for case let path as String in walker
        where path.hasSuffix(".md") && path.contains(".docc/") {
            let text = try String(
                contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            pages.append(("Sources/" + path, text.components(separatedBy: "\n")))
        }
        return pages
    }

    /// Every fenced block of every catalog page.
    static func blocks() throws -> [Block] {
        var blocks: [Block] = []
        for (path, lines) in try pages() {
            var index = 0
            while index < lines.count {
                let line = lines[index].trimmingCharacters(in: .whitespaces)
                guard line.hasPrefix("```") else {
                    index += 1
                    continue
                }
                let start = index
                var body: [String] = []
                index += 1
                while index < lines.count,
                    !lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("```")
                {
                    body.append(lines[index])
                    index += 1
                }
                let above = lines[..<start].last {
                    !$0.trimmingCharacters(in: .whitespaces).isEmpty
                }
                blocks.append(
                    Block(
                        article: path, line: start + 1,
                        language: String(line.dropFirst(3)),
                        annotation: above.flatMap { $0.hasPrefix("<!--") ? $0 : nil },
                        text: body.joined(separator: "\n")))
                index += 1
            }
        }
        return blocks
    }

    @Test("the catalogs have Swift code to check")
    func thereIsCode() throws {
        #expect(try Self.blocks().filter { $0.language == "swift" }.count >= 5)
    }

    @Test("each Swift block is the listing it names, or says why it is not compiled")
    func swiftBlocksAreListings() throws {
        for block in try Self.blocks() where block.language == "swift" {
            let annotation = block.annotation ?? ""
            if annotation.hasPrefix("<!-- not compiled: ") { continue }
            let pattern = /<!-- listing: (\S+) in (\S+) -->/
            guard let match = annotation.wholeMatch(of: pattern) else {
                Issue.record(
                    "\(block.article):\(block.line): a Swift block without `<!-- listing: NAME in PATH -->` above it"
                )
                continue
            }
            let listing = try Listing(
                String(match.1), in: String(match.2), root: Self.root.path)
            #expect(
                block.text == listing.text,
                "\(block.article):\(block.line) differs from listing \(match.1) in \(match.2)")
        }
    }

    /// Every `<!-- quote: PATH -->` in the catalogs with the lines of the paragraph or table
    /// below it (up to the next blank line), and where it is.
    static func quotes() throws -> [(article: String, line: Int, file: String, lines: [String])] {
        var quotes: [(article: String, line: Int, file: String, lines: [String])] = []
        for (path, lines) in try pages() {
            for (index, line) in lines.enumerated() {
                guard let match = line.wholeMatch(of: /<!-- quote: (\S+) -->/) else { continue }
                let quoted = lines[(index + 1)...].prefix {
                    !$0.trimmingCharacters(in: .whitespaces).isEmpty
                }
                quotes.append((path, index + 1, String(match.1), Array(quoted)))
            }
        }
        return quotes
    }

    @Test("each quoted paragraph or table occurs line by line in the file it names")
    func quotesAreVerbatim() throws {
        for quote in try Self.quotes() {
            let source = try String(
                contentsOf: Self.root.appendingPathComponent(quote.file), encoding: .utf8)
            let sourceLines = Set(source.components(separatedBy: "\n"))
            #expect(!quote.lines.isEmpty, "\(quote.article):\(quote.line): nothing quoted")
            for line in quote.lines {
                #expect(
                    sourceLines.contains(line),
                    "\(quote.article):\(quote.line): not in \(quote.file): \(line)")
            }
        }
    }
}
