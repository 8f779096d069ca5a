import Foundation

/// One piece of a cell's content, in the order it was produced.
enum Block: Equatable {
    case prose(String)
    case output(String)
    case code(String)
    case table(headers: [String], rows: [[String]])
    case picture(path: String, markdownPath: String, caption: String)
    case check(claim: String, passed: Bool, detail: String)
    case failure(String)
}

/// A titled cell of a lesson: what it says (`prose`), what it computed (`output`,
/// `table`, `picture`) and what it claims (`check`). Content prints as it is added.
public final class Cell {
    unowned let notebook: Notebook
    let index: Int

    init(notebook: Notebook, index: Int) {
        self.notebook = notebook
        self.index = index
    }

    func append(_ block: Block) {
        notebook.cells[index].blocks.append(block)
        notebook.terminal.write(block)
    }

    /// Explanatory text. Markdown-light: blank lines separate paragraphs, lines starting
    /// with `- ` are list items, `inline code` and $math$ are kept as written.
    public func prose(_ text: String) { append(.prose(text)) }

    /// Text the code produced, shown verbatim in a monospaced block.
    public func output(_ text: String) { append(.output(text)) }

    /// A snippet of Swift shown to the reader (not executed by the notebook).
    public func code(_ swift: String) { append(.code(swift)) }

    /// A table; every row must have as many cells as there are headers.
    public func table(_ headers: [String], _ rows: [[String]]) {
        for (i, row) in rows.enumerated() where row.count != headers.count {
            preconditionFailure(
                "Cell.table: row \(i) has \(row.count) cells but there are \(headers.count) headers"
            )
        }
        append(.table(headers: headers, rows: rows))
    }

    /// A picture: `write` receives the path to write `fileName` to (.svg or .png), in the
    /// Markdown directory's `<lesson>/` folder or in the `--out` folder.
    ///
    /// - Parameters:
    ///   - fileName: the picture's file name, `curves.svg`; its folder is the notebook's.
    ///   - caption: the text under the picture in the transcript.
    ///   - write: writes the picture to the path it is given (`chart.write(to:)`,
    ///     `GraphRenderer.write(_:to:layout:)`).
    /// - Throws: ``NotebookError/cannotWrite(path:reason:)`` when the picture folder cannot
    ///   be created or `write` returns without writing the file; whatever `write` throws.
    public func picture(
        _ fileName: String, caption: String, _ write: (_ path: String) throws -> Void
    ) throws {
        let directory = try notebook.pictureDirectory()
        let path = (directory.absolute as NSString).appendingPathComponent(fileName)
        try write(path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw NotebookError.cannotWrite(path: path, reason: "the picture was not written")
        }
        let markdownPath = (directory.relativeToMarkdown as NSString).appendingPathComponent(
            fileName)
        append(.picture(path: path, markdownPath: markdownPath, caption: caption))
    }

    /// A claim the lesson makes about its own results. A failed claim is shown, and makes
    /// the lesson exit with status 1 at `finish()`.
    @discardableResult
    public func check(_ claim: String, _ passed: Bool, _ detail: String = "") -> Bool {
        if passed {
            notebook.checksPassed += 1
        } else {
            notebook.failures.append(detail.isEmpty ? claim : "\(claim) (\(detail))")
        }
        append(.check(claim: claim, passed: passed, detail: detail))
        return passed
    }

    /// A claim about speed ("the fast kernel is faster"). Checked like `check` in a full
    /// run; where `notebook.timingsNotMeaningful` gives a reason (`--quick` mode, whose
    /// workloads are too small to time and which the test suite runs on a busy machine), the
    /// timing is shown but never fails the lesson.
    @discardableResult
    public func checkTiming(_ claim: String, _ passed: Bool, _ detail: String = "") -> Bool {
        guard let reason = notebook.timingsNotMeaningful else {
            return check(claim, passed, detail)
        }
        let verdict = passed ? "holds" : "does not hold"
        output(
            "timing, not checked in \(reason): \"\(claim)\" \(verdict)"
                + (detail.isEmpty ? "" : " (\(detail))"))
        return passed
    }

    /// True in `--quick` mode.
    public var isQuick: Bool { notebook.isQuick }
}
