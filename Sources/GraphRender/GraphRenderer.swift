import Foundation

/// Lays out and draws DOT graphs with Graphviz (libgvc), as SVG or PNG.
///
/// ```swift
/// let svg = try GraphRenderer.render(graph, format: .svg)   // the file's bytes
/// try GraphRenderer.write(graph, to: "Docs/images/expression.png")
/// ```
///
/// Calls are serialised (Graphviz is not thread-safe), so any thread may call them. Every
/// failure is a ``GraphRenderError`` carrying Graphviz's own message; warnings from a
/// render that succeeds are dropped.
public enum GraphRenderer {
    /// The bytes of `graph` drawn as `format`.
    ///
    /// - Parameters:
    ///   - graph: the graph to lay out and draw.
    ///   - format: the image format of the bytes returned.
    ///   - layout: a Graphviz layout engine: `dot` (layered, for computation graphs),
    ///     `neato`, `fdp`, `circo`, `twopi`, ...
    /// - Returns: the image file's bytes: SVG text in UTF-8, or a PNG image.
    /// - Throws: ``GraphRenderError/graphvizUnavailable``,
    ///   ``GraphRenderError/invalidDOT(message:)``,
    ///   ``GraphRenderError/layoutFailed(layout:message:)`` (an unknown `layout` too) or
    ///   ``GraphRenderError/renderFailed(format:message:)``, with Graphviz's message.
    public static func render(
        _ graph: DOTGraph, format: GraphFormat, layout: String = "dot"
    ) throws(GraphRenderError) -> [UInt8] {
        try render(dot: graph.source, format: format, layout: layout)
    }

    /// The bytes of the DOT text `dot` drawn as `format`.
    ///
    /// - Parameters:
    ///   - dot: a whole graph in the DOT language, as ``DOTGraph/source`` writes it.
    ///   - format: the image format of the bytes returned.
    ///   - layout: a Graphviz layout engine (`dot`, `neato`, ...).
    /// - Returns: the image file's bytes.
    /// - Throws: the errors of ``render(_:format:layout:)``; text that does not parse, or
    ///   holds a NUL byte, is ``GraphRenderError/invalidDOT(message:)``.
    public static func render(
        dot: String, format: GraphFormat, layout: String = "dot"
    ) throws(GraphRenderError) -> [UInt8] {
        try Graphviz.render(dot: dot, format: format, layout: layout)
    }

    /// `graph` drawn as SVG text.
    ///
    /// - Throws: the errors of ``render(_:format:layout:)``.
    public static func svg(_ graph: DOTGraph, layout: String = "dot") throws(GraphRenderError)
        -> String
    {
        String(decoding: try render(graph, format: .svg, layout: layout), as: UTF8.self)
    }

    /// Draws `graph` into the file at `path`, as SVG or PNG by its extension.
    ///
    /// The image is written to a temporary file beside `path` and renamed over it, so
    /// `path` holds either its old contents or the whole new image, never part of one.
    /// - Throws: ``GraphRenderError/unsupportedFileExtension(path:)`` before any work for an
    ///   extension other than `.svg` or `.png`; the render's errors; and
    ///   ``GraphRenderError/couldNotWriteFile(path:reason:)`` when the file cannot be written.
    public static func write(
        _ graph: DOTGraph, to path: String, layout: String = "dot"
    ) throws(GraphRenderError) {
        try write(dot: graph.source, to: path, layout: layout)
    }

    /// Draws the DOT text `dot` into the file at `path`; see ``write(_:to:layout:)``.
    ///
    /// - Throws: the errors of ``write(_:to:layout:)``.
    public static func write(
        dot: String, to path: String, layout: String = "dot"
    ) throws(GraphRenderError) {
        let format = try GraphFormat(path: path)
        let bytes = try render(dot: dot, format: format, layout: layout)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .couldNotWriteFile(path: path, reason: error.localizedDescription)
        }
    }
}
