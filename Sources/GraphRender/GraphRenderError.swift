/// Why Graphviz could not turn a graph into an image, or the image into a file.
///
/// Graphviz's own messages (`Error: syntax error in line 3 near '->'`) are captured and
/// carried in `message`; ``description`` says which step failed.
public enum GraphRenderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `gvContext()` returned NULL: Graphviz could not start (out of memory, broken install).
    case graphvizUnavailable
    /// The DOT text did not parse (`agmemread` failed).
    case invalidDOT(message: String)
    /// The layout engine failed or is unknown, or Graphviz reported an error while laying
    /// out (a malformed HTML-like label is reported here).
    case layoutFailed(layout: String, message: String)
    /// `gvRenderData` failed or produced nothing.
    case renderFailed(format: GraphFormat, message: String)
    /// The path's extension names no ``GraphFormat``.
    case unsupportedFileExtension(path: String)
    /// Rendering worked but the file could not be written.
    case couldNotWriteFile(path: String, reason: String)

    /// The failure in one sentence: the step that failed and Graphviz's message, or a
    /// placeholder when Graphviz gave none.
    public var description: String {
        switch self {
        case .graphvizUnavailable:
            return "could not start Graphviz: gvContext() returned NULL"
        case .invalidDOT(let message):
            return "Graphviz could not parse the DOT text: " + Self.orPlaceholder(message)
        case .layoutFailed(let layout, let message):
            return "Graphviz layout '\(layout)' failed: " + Self.orPlaceholder(message)
        case .renderFailed(let format, let message):
            return "Graphviz could not render the graph as \(format.rawValue): "
                + Self.orPlaceholder(message)
        case .unsupportedFileExtension(let path):
            let supported = GraphFormat.allCases.map { "." + $0.fileExtension }
            return "cannot write graph to '\(path)': unsupported file extension "
                + "(supported: \(supported.joined(separator: ", ")))"
        case .couldNotWriteFile(let path, let reason):
            return "could not write graph file '\(path)': \(reason)"
        }
    }

    private static func orPlaceholder(_ message: String) -> String {
        message.isEmpty ? "(Graphviz gave no message)" : message
    }
}
