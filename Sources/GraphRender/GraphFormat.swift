/// An image format ``GraphRenderer`` can produce, named by its file extension.
public enum GraphFormat: String, CaseIterable, Hashable, Sendable {
    /// Scalable vector graphics (Graphviz's own SVG writer): text stays text.
    case svg
    /// A raster image, drawn by Graphviz's cairo/pango plugin.
    case png

    /// The file extension, without the dot (`"svg"`, `"png"`).
    public var fileExtension: String { rawValue }

    /// The format for `path`'s extension (any letter case): `.svg` or `.png`.
    /// - Throws: ``GraphRenderError/unsupportedFileExtension(path:)`` for any other path.
    public init(path: String) throws(GraphRenderError) {
        let fileName = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex,
            let format = GraphFormat(rawValue: fileName[fileName.index(after: dot)...].lowercased())
        else {
            throw .unsupportedFileExtension(path: path)
        }
        self = format
    }
}
