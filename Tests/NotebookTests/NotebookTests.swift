import Foundation
import Testing

@testable import Notebook

@Suite("Notebook options")
struct NotebookOptionsTests {
    @Test func parsesEveryOption() throws {
        let options = try NotebookOptions(parsing: ["--quick", "--markdown", "Docs", "--no-color"])
        #expect(options.quick)
        #expect(options.markdownDirectory == "Docs")
        #expect(!options.color)
        #expect(try NotebookOptions(parsing: ["--out", "/tmp/x"]).outputDirectory == "/tmp/x")
        #expect(try NotebookOptions(parsing: []) == NotebookOptions())
    }

    @Test func unknownOptionNamesTheFlag() {
        #expect(throws: NotebookError.self) { try NotebookOptions(parsing: ["--fast"]) }
        do {
            _ = try NotebookOptions(parsing: ["--fast"])
        } catch {
            #expect(error.description.contains("'--fast'"))
        }
    }

    @Test func directoryFlagsNeedAValue() {
        #expect(throws: NotebookError.self) { try NotebookOptions(parsing: ["--markdown"]) }
        #expect(throws: NotebookError.self) { try NotebookOptions(parsing: ["--out", "--quick"]) }
    }

    @Test("--through takes a positive whole number, and a bad one is named")
    func through() throws {
        #expect(NotebookOptions.usage(program: "lesson").contains("[--through N]"))
        do {
            _ = try NotebookOptions(parsing: ["--fast"])
        } catch {
            #expect(error.description.contains("--through N"))
        }
        #expect(try NotebookOptions(parsing: ["--through", "3", "--quick"]).lastCell == 3)
        #expect(try NotebookOptions(parsing: []).lastCell == nil)
        for bad in [
            ["--through", "0"], ["--through", "two"], ["--through", "-1"], ["--through"],
        ] {
            do {
                _ = try NotebookOptions(parsing: bad)
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(error.description.contains("--through needs"), "\(error)")
                #expect(error.description.contains(bad.count > 1 ? "'\(bad[1])'" : "nothing"))
            }
        }
    }
}

@Suite("Notebook transcript")
struct NotebookTranscriptTests {
    private func makeNotebook(_ directory: String) -> Notebook {
        var options = NotebookOptions()
        options.quick = true
        options.markdownDirectory = directory
        options.color = false
        return Notebook(name: "lesson-99-test", title: "A test lesson", options: options)
    }

    @Test("a cell's result reaches later cells; a failed cell's dependants are reported, not run")
    func cellResults() {
        let notebook = makeNotebook(FileManager.default.temporaryDirectory.path)
        let number = notebook.cell("Produces") { _ -> Int in 42 }
        let failed = notebook.cell("Fails") { _ -> Int in throw NotebookError.badArgument("no") }
        var seen: [Int] = []
        notebook.cell("Reads", using: number) { _, value in seen.append(value) }
        notebook.cell("Reads the failed one", using: failed) { _, value in seen.append(value) }
        #expect(number == 42 && failed == nil)
        #expect(seen == [42], "the dependant of a failed cell must not run")
        #expect(notebook.failures.count == 2)
        #expect(notebook.failures.last?.contains("not run: 'Reads the failed one' needs") == true)
    }

    @Test("--through N runs cells 1 to N, and the summary and transcript say how many were not")
    func throughStopsEarly() {
        var options = NotebookOptions()
        options.color = false
        options.quick = true
        options.lastCell = 2
        let notebook = Notebook(name: "lesson-99-test", title: "A test lesson", options: options)
        var ran: [String] = []
        notebook.cell("One") { _ in ran.append("one") }
        let two = notebook.cell("Two") { cell -> Int in
            ran.append("two")
            cell.check("two checks", true)
            return 2
        }
        let three = notebook.cell("Three", using: two) { _, value -> Int in
            ran.append("three")
            return value + 1
        }
        notebook.cell("Four") { _ in ran.append("four") }
        #expect(ran == ["one", "two"])
        #expect(three == nil)
        #expect(notebook.failures.isEmpty, "cells past --through are not failures")
        #expect(notebook.cells.map(\.title) == ["One", "Two"])
        let summary = notebook.makeSummary(seconds: 1)
        #expect(
            summary.stoppedEarly == "Stopped after cell 2 (--through 2): 2 later cells not run.")
        let markdown = MarkdownWriter.render(notebook, summary: summary)
        #expect(markdown.contains("`swift run lesson-99-test --quick --through 2`,"))
        #expect(markdown.contains("All 1 checks passed"))
        #expect(markdown.hasSuffix("Stopped after cell 2 (--through 2): 2 later cells not run.\n"))
        #expect(!markdown.contains("## 3."))
        // With every cell run, nothing is said.
        #expect(
            Summary(checksPassed: 0, failures: [], seconds: 1, quick: false, lastCell: 9)
                .stoppedEarly == nil)
    }

    @Test("a timing claim fails a full run, and is only shown where timings mean nothing")
    func timingClaims() {
        var options = NotebookOptions()
        options.color = false
        let full = Notebook(name: "lesson-99-test", title: "A test lesson", options: options)
        full.cell("Times") { cell in cell.checkTiming("fast", false, "2× slower") }
        #expect(full.timingsNotMeaningful == nil)
        #expect(full.failures == ["fast (2× slower)"])

        let debug = Notebook(name: "lesson-99-test", title: "A test lesson", options: options)
        debug.timingsNotMeaningful = "a debug build"
        debug.cell("Times") { cell in cell.checkTiming("fast", false) }
        #expect(debug.failures.isEmpty)

        options.quick = true
        let quick = Notebook(name: "lesson-99-test", title: "A test lesson", options: options)
        #expect(quick.timingsNotMeaningful == "--quick mode")
        quick.cell("Times") { cell in cell.checkTiming("fast", false) }
        #expect(quick.failures.isEmpty)
    }

    @Test("cells, tables, pictures and checks become Markdown in order")
    func markdownStructure() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notebook-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let notebook = makeNotebook(directory)
        notebook.introduction("Why this lesson exists.")
        notebook.cell("First") { cell in
            cell.prose("Some prose.")
            cell.output("x = 1")
            cell.table(["name", "value"], [["a", "1.5"], ["b|c", "-2"]])
            cell.check("one equals one", true)
        }
        notebook.cell("Second") { cell in
            try cell.picture("p.svg", caption: "A picture") { path in
                try Data("<svg/>".utf8).write(to: URL(fileURLWithPath: path))
            }
            cell.check("two is odd", false, "it is not")
        }
        notebook.cell("Third") { _ in throw NotebookError.badArgument("boom") }

        #expect(notebook.checksPassed == 1)
        #expect(notebook.failures.count == 2)
        let markdown = MarkdownWriter.render(
            notebook,
            summary: Summary(
                checksPassed: 1, failures: notebook.failures, seconds: 0.5, quick: true))
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        #expect(lines.first == "# A test lesson")
        let first = try #require(lines.firstIndex(of: "## 1. First"))
        let second = try #require(lines.firstIndex(of: "## 2. Second"))
        #expect(first < second)
        #expect(lines.contains("| name | value |"))
        #expect(lines.contains("| --- | ---: |"))
        #expect(lines.contains("| b\\|c | -2 |"))
        #expect(lines.contains("![A picture](lesson-99-test/p.svg)"))
        #expect(lines.contains("✔ one equals one"))
        #expect(lines.contains("✘ FAILED: two is odd (it is not)"))
        #expect(markdown.contains("2 check(s) FAILED"))
        #expect(FileManager.default.fileExists(atPath: directory + "/lesson-99-test/p.svg"))
    }

    @Test("the transcript file is written where --markdown says")
    func writesFile() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notebook-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let notebook = makeNotebook(directory)
        notebook.cell("Only") { $0.output("42") }
        let path = directory + "/lesson-99-test.md"
        try MarkdownWriter.write(
            notebook, summary: Summary(checksPassed: 0, failures: [], seconds: 1, quick: false),
            to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("```text\n42\n```"))
    }
}

@Suite("Text layout")
struct TextLayoutTests {
    @Test func wrapsProseButKeepsLists() {
        let wrapped = TextLayout.wrap(String(repeating: "word ", count: 40), width: 30)
        #expect(wrapped.split(separator: "\n").allSatisfy { $0.count <= 30 })
        let list = "- one\n- two"
        #expect(TextLayout.wrap(list, width: 5) == list)
    }

    @Test func alignsNumericColumnsRight() {
        let lines = TextLayout.alignedTable(
            headers: ["k", "v"], rows: [["a", "1"], ["bb", "100"]])
        #expect(lines[2] == "a     1")
        #expect(lines[3] == "bb  100")
    }

    @Test func durations() {
        #expect(TextLayout.duration(0.25) == "250 ms")
        #expect(TextLayout.duration(12.34) == "12.3 s")
        #expect(TextLayout.duration(245) == "4 min 05 s")
    }
}

@Suite("Format")
struct FormatTests {
    @Test func groupsThousands() {
        #expect(Format.grouped(0) == "0")
        #expect(Format.grouped(999) == "999")
        #expect(Format.grouped(1000) == "1,000")
        #expect(Format.grouped(11_689_512) == "11,689,512")
        #expect(Format.grouped(-1234) == "-1,234")
    }

    @Test func lists() {
        #expect(Format.list([]) == "")
        #expect(Format.list(["a"]) == "a")
        #expect(Format.list(["a", "b"]) == "a and b")
        #expect(Format.list(["a", "b", "c"]) == "a, b and c")
    }

    @Test func shapes() {
        #expect(Format.shape([2, 3, 28, 28]) == "[2, 3, 28, 28]")
        #expect(Format.shape([]) == "[]")
    }
}
