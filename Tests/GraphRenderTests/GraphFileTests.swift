import Foundation
import GraphRender
import Testing

/// A fresh empty directory for one test; the test removes it with `defer`.
func makeTemporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("GraphRenderTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

func contentsOfDirectory(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

@Suite("Writing image files")
struct GraphFileTests {
    @Test(
        "the format comes from the file extension, in any letter case",
        arguments: [
            ("graph.svg", GraphFormat.svg), ("out/graph.png", .png), ("A.SVG", .svg),
            ("x.svg.png", .png), ("dir.v2/graph.Png", .png),
        ])
    func formatFromPath(path: String, format: GraphFormat) throws {
        #expect(try GraphFormat(path: path) == format)
    }

    @Test(
        "any other path is an error naming it and the supported extensions",
        arguments: ["graph.pdf", "graph", ".svg", "dir.svg/graph", "graph.svg.gz", "graph."])
    func unsupportedPath(path: String) {
        let error = #expect(throws: GraphRenderError.self) { try GraphFormat(path: path) }
        #expect(error == .unsupportedFileExtension(path: path))
        let description = error?.description ?? ""
        #expect(
            description.contains("'\(path)'") && description.contains(".svg, .png"),
            "\(description)")
    }

    @Test("write makes an SVG or PNG file by extension and leaves no temporary files")
    func writesFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let graph = expressionGraph()
        let svgPath = directory.appendingPathComponent("graph.svg").path
        let pngPath = directory.appendingPathComponent("graph.PNG").path

        try GraphRenderer.write(graph, to: svgPath)
        try GraphRenderer.write(graph, to: pngPath)

        let svg = try [UInt8](Data(contentsOf: URL(fileURLWithPath: svgPath)))
        #expect(svg == (try GraphRenderer.render(graph, format: .svg)))
        expectPNG(try [UInt8](Data(contentsOf: URL(fileURLWithPath: pngPath))))
        #expect(try contentsOfDirectory(directory) == ["graph.PNG", "graph.svg"])
    }

    @Test("an unsupported extension writes nothing")
    func unsupportedWritesNothing() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("graph.pdf").path
        #expect(throws: GraphRenderError.unsupportedFileExtension(path: path)) {
            try GraphRenderer.write(expressionGraph(), to: path)
        }
        #expect(try contentsOfDirectory(directory).isEmpty)
    }

    @Test("a failed render leaves an existing file as it was")
    func failedRenderKeepsOldFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("graph.svg").path
        try GraphRenderer.write(expressionGraph(), to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        #expect(throws: GraphRenderError.self) {
            try GraphRenderer.write(dot: "digraph { a -> }", to: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try contentsOfDirectory(directory) == ["graph.svg"])
    }

    @Test("a missing directory is a couldNotWriteFile error naming the path")
    func missingDirectory() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("missing/graph.svg").path
        let error = #expect(throws: GraphRenderError.self) {
            try GraphRenderer.write(expressionGraph(), to: path)
        }
        guard case .couldNotWriteFile(let failedPath, _)? = error else {
            Issue.record("expected couldNotWriteFile, got \(String(describing: error))")
            return
        }
        #expect(failedPath == path)
        #expect(error?.description.contains(path) == true)
        #expect(try contentsOfDirectory(directory).isEmpty)
    }
}
