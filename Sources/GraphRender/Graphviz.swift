import CGraphviz
import Foundation

/// The only code that calls libgvc and libcgraph: one DOT text in, one image out.
///
/// Graphviz keeps global state (its error handler, error level and parser), so it is not
/// thread-safe: every call runs under `lock`. Each call frees the graph, layout and image
/// data it made, in reverse order, with `defer`.
///
/// Each layout runs on a new thread. Graphviz 2.43 reads stack memory it never wrote while
/// it lays out some graphs (clusters side by side, as in a ResNet drawn block by block), so
/// on a used stack the picture depended on whatever ran before it: lesson 06's ResNet-18 came
/// out in a different width on nearly every run. A new thread's stack is fresh (zero) memory,
/// so the same graph now gives the same picture. (Graphviz also keeps state from one layout
/// to the next: its own `dot` command, given one graph three times, draws it two ways. A
/// program that renders the same graphs in the same order, as each lesson does, gets the
/// same pictures every time.)
///
/// The Graphviz context (loaded plugins and settings) is made once and kept for the life of
/// the process, as Graphviz's own `dot` command does for many graphs: with Graphviz 2.43 a
/// `gvContext()` / `gvFreeContext()` pair per call leaks about 4 KB (measured here).
enum Graphviz {
    private static let lock = NSLock()

    /// The process's Graphviz context, made by the first call; touched only under `lock`.
    nonisolated(unsafe) private static var sharedContext: OpaquePointer?

    /// Graphviz's messages during the current call. Written only by `collectMessage`, which
    /// Graphviz calls synchronously from inside a call that holds `lock`; read only there.
    nonisolated(unsafe) private static var messages = ""

    /// Lays out `dot` with `layout` and renders it as `format`.
    static func render(dot: String, format: GraphFormat, layout: String)
        throws(GraphRenderError) -> [UInt8]
    {
        final class Outcome: @unchecked Sendable {
            var result: Result<[UInt8], GraphRenderError>?
        }
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            outcome.result = Result { () throws(GraphRenderError) in
                try renderOnThisThread(dot: dot, format: format, layout: layout)
            }
            finished.signal()
        }
        thread.stackSize = layoutStackSize
        thread.start()
        finished.wait()
        return try outcome.result!.get()
    }

    /// The stack of the thread a layout runs on: Graphviz recurses through the graph.
    private static let layoutStackSize = 16 << 20

    /// `render`'s work, on the calling thread.
    private static func renderOnThisThread(dot: String, format: GraphFormat, layout: String)
        throws(GraphRenderError) -> [UInt8]
    {
        if dot.utf8.contains(0) {
            throw .invalidDOT(message: "the DOT text contains a NUL byte")
        }
        lock.lock()
        defer { lock.unlock() }

        // Route Graphviz's messages (it prints them to stderr by default) into `messages`,
        // and start from a clean error level (`agerrors()` remembers the worst so far).
        messages = ""
        _ = agreseterrors()
        let previousHandler = agseterrf(collectMessage)
        defer { _ = agseterrf(previousHandler) }

        // The context first: it sets the default node label (`\N`) that parsing relies on.
        if sharedContext == nil { sharedContext = gvContext() }
        guard let context = sharedContext else { throw .graphvizUnavailable }

        // Each resource's `defer` is registered as soon as it exists, before any check that
        // may throw, so a graph that parsed with errors is still closed.
        let graph = dot.withCString { agmemread($0) }
        defer { if let graph { _ = agclose(graph) } }
        guard let graph, !sawError else {
            // Text with no graph in it (empty, only comments) fails without a message.
            let message = takeMessages()
            throw .invalidDOT(message: message.isEmpty ? "no graph in the DOT text" : message)
        }

        // gvFreeLayout is safe after a failed layout too (it frees what was made).
        let layoutStatus = gvLayout(context, graph, layout)
        defer { _ = gvFreeLayout(context, graph) }
        guard layoutStatus == 0, !sawError else {
            throw .layoutFailed(layout: layout, message: takeMessages())
        }

        var data: UnsafeMutablePointer<CChar>? = nil
        var length: UInt32 = 0
        let status = gvRenderData(context, graph, format.rawValue, &data, &length)
        defer { if let data { gvFreeRenderData(data) } }
        guard status == 0, !sawError, let data, length > 0 else {
            throw .renderFailed(format: format, message: takeMessages())
        }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(length)))
    }

    /// Whether Graphviz reported an error (not just a warning) since `agreseterrors()`.
    private static var sawError: Bool {
        agerrors() >= Int32(AGERR.rawValue)
    }

    /// The messages collected so far, one per line, trimmed.
    private static func takeMessages() -> String {
        let text = messages.trimmingCharacters(in: .whitespacesAndNewlines)
        messages = ""
        return text
    }

    /// Graphviz's error handler: it passes each message in pieces (`"Error"`, `": "`, the
    /// text with its newline), so they are appended as they come.
    private static let collectMessage: agusererrf = { piece in
        if let piece {
            Graphviz.messages += String(cString: piece)
        }
        return 0
    }
}
