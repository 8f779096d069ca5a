import Foundation

/// Writes a notebook's transcript as GitHub-flavoured Markdown, pictures by relative path.
enum MarkdownWriter {
    /// How a transcript's header begins, before the command that made it.
    static let headerOpening = "> This page is the transcript of a real run of `"

    /// The command in a transcript's header (`swift run lesson-04-residual-block --quick`),
    /// or nil when `text` has no such header.
    static func runCommand(inTranscript text: String) -> String? {
        guard let start = text.range(of: headerOpening),
            let end = text[start.upperBound...].firstIndex(of: "`")
        else { return nil }
        return String(text[start.upperBound..<end])
    }

    static func render(_ notebook: Notebook, summary: Summary) -> String {
        var out: [String] = []
        out.append("# \(notebook.title)")
        out.append("")
        out.append(
            headerOpening + "swift run \(notebook.name)"
                + (summary.quick ? " --quick" : "")
                + (summary.lastCell.map { " --through \($0)" } ?? "")
                + "`, written by the lesson itself with `--markdown Docs`. Every number and picture "
                + "below was computed by that run.")
        for block in notebook.intro { out.append(contentsOf: render(block)) }
        for (number, cell) in notebook.cells.enumerated() {
            out.append("")
            out.append("## \(number + 1). \(cell.title)")
            for block in cell.blocks { out.append(contentsOf: render(block)) }
        }
        out.append("")
        out.append("---")
        out.append("")
        let time = TextLayout.duration(summary.seconds)
        if summary.failures.isEmpty {
            out.append("All \(summary.checksPassed) checks passed in \(time).")
        } else {
            out.append(
                "\(summary.failures.count) check(s) FAILED, \(summary.checksPassed) passed, in \(time):"
            )
            for failure in summary.failures { out.append("- ✘ \(failure)") }
        }
        if let stopped = summary.stoppedEarly {
            out.append("")
            out.append(stopped)
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func render(_ block: Block) -> [String] {
        switch block {
        case .prose(let text):
            return ["", text]
        case .output(let text):
            return ["", "```text", text, "```"]
        case .code(let text):
            return ["", "```swift", text, "```"]
        case .table(let headers, let rows):
            let numeric = headers.indices.map { c in
                !rows.isEmpty && rows.allSatisfy { TextLayout.isNumeric($0[c]) }
            }
            func escape(_ cell: String) -> String {
                cell.replacingOccurrences(of: "|", with: "\\|")
            }
            var lines = ["", "| " + headers.map(escape).joined(separator: " | ") + " |"]
            lines.append("|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined())
            for row in rows { lines.append("| " + row.map(escape).joined(separator: " | ") + " |") }
            return lines
        case .picture(_, let markdownPath, let caption):
            return ["", "![\(caption)](\(markdownPath))", "", "*\(caption)*"]
        case .check(let claim, let passed, let detail):
            let mark = passed ? "✔" : "✘ FAILED:"
            return ["", "\(mark) \(claim)" + (detail.isEmpty ? "" : " (\(detail))")]
        case .failure(let message):
            return ["", "**✘ \(message)**"]
        }
    }

    /// Writes atomically: a reader never sees half a transcript.
    static func write(_ notebook: Notebook, summary: Summary, to path: String) throws(NotebookError)
    {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
            try Data(render(notebook, summary: summary).utf8).write(
                to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotWrite(path: path, reason: error.localizedDescription)
        }
    }
}
