import Foundation

/// Prints a notebook to the terminal as it runs: titles, wrapped prose, indented outputs,
/// aligned tables, picture paths and check marks. Colour only on a terminal that wants it.
struct TerminalWriter {
    let color: Bool
    let width = 88

    /// stdout is a terminal, `NO_COLOR` is unset and `TERM` is not "dumb".
    static var stdoutIsColorTerminal: Bool {
        let environment = ProcessInfo.processInfo.environment
        return isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil
            && environment["TERM"] != "dumb"
    }

    private func style(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func emit(_ text: String) {
        print(text)
        fflush(nil)
    }

    func title(_ title: String, subtitle: String?) {
        let rule = String(repeating: "═", count: min(width, title.count + 4))
        emit(style(rule, "1"))
        emit(style("  \(title)", "1"))
        emit(style(rule, "1"))
        if let subtitle { emit(style("  \(subtitle)", "2")) }
    }

    func cellTitle(number: Int, _ title: String) {
        emit("")
        emit(
            style("── \(number). \(title) ", "1;36")
                + style(String(repeating: "─", count: max(0, width - title.count - 8)), "36"))
    }

    func write(_ block: Block) {
        switch block {
        case .prose(let text):
            emit("")
            emit(TextLayout.wrap(text, width: width))
        case .output(let text):
            emit("")
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                emit("    " + line)
            }
        case .code(let text):
            emit("")
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                emit(style("  │ ", "2") + line)
            }
        case .table(let headers, let rows):
            emit("")
            for line in TextLayout.alignedTable(headers: headers, rows: rows) {
                emit("    " + line)
            }
        case .picture(let path, _, let caption):
            emit("")
            emit(style("    [picture] ", "35") + caption + style("  → \(path)", "2"))
        case .check(let claim, let passed, let detail):
            let mark = passed ? style("✔", "32") : style("✘", "1;31")
            emit("  \(mark) \(claim)" + (detail.isEmpty ? "" : style("  (\(detail))", "2")))
        case .failure(let message):
            emit(style("  ✘ \(message)", "1;31"))
        }
    }

    func summary(_ summary: Summary) {
        emit("")
        let time = TextLayout.duration(summary.seconds)
        if summary.failures.isEmpty {
            emit(style("All \(summary.checksPassed) checks passed", "1;32") + " in \(time).")
        } else {
            emit(
                style("\(summary.failures.count) check(s) failed", "1;31")
                    + ", \(summary.checksPassed) passed, in \(time):")
            for failure in summary.failures { emit("  ✘ \(failure)") }
        }
        if let stopped = summary.stoppedEarly { emit(stopped) }
    }

    func note(_ text: String) { emit(style(text, "2")) }
}
