import Foundation
import Testing

@testable import Notebook

@Suite("Code listings read from source files")
struct ListingTests {
    /// Writes `text` as `Sources/Example.swift` under a fresh root; returns the root.
    private func root(with text: String) throws -> String {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("listing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("Sources"), withIntermediateDirectories: true)
        try text.write(
            to: root.appendingPathComponent("Sources/Example.swift"), atomically: true,
            encoding: .utf8)
        return root.path
    }

    @Test("the lines between the markers, dedented, with their line number")
    func readsBetweenMarkers() throws {
        let source = """
            func f() {
                // listing: body
                let a = 1
                if a > 0 {
                    print(a)
                }
                // listing-end: body
            }
            """
        let listing = try Listing("body", in: "Sources/Example.swift", root: root(with: source))
        #expect(listing.text == "let a = 1\nif a > 0 {\n    print(a)\n}")
        #expect(listing.firstLine == 3)
    }

    @Test(
        "a missing, repeated or reversed marker is an error naming the file and the listing",
        arguments: [
            "// listing: body\nlet a = 1\n",
            "// listing: body\n// listing: body\nlet a = 1\n// listing-end: body\n",
            "// listing-end: body\nlet a = 1\n// listing: body\n",
        ])
    func brokenMarkers(source: String) throws {
        let directory = try root(with: source)
        let error = #expect(throws: NotebookError.self) {
            try Listing("body", in: "Sources/Example.swift", root: directory)
        }
        #expect(error?.description.contains("Example.swift") == true)
        #expect(error?.description.contains("'body'") == true)
    }

    @Test("a file that does not exist is an error")
    func missingFile() {
        #expect(throws: NotebookError.self) {
            try Listing("body", in: "Sources/Nothing.swift", root: "/nonexistent")
        }
    }

    @Test(
        "every listing a lesson shows exists: each `listing(name, in: file)` call has its markers")
    func lessonListingsExist() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let lessons = try FileManager.default.contentsOfDirectory(
            atPath: packageRoot + "/Lessons")
        // `cell.listing("name", in: "file")`, as the lessons write it.
        let call = #/listing\(\s*"([^"]+)",\s*in:\s*"([^"]+)"\s*\)/#
        var found = 0
        for lesson in lessons.sorted() {
            let path = "\(packageRoot)/Lessons/\(lesson)/main.swift"
            guard let source = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for match in source.matches(of: call) {
                let (name, file) = (String(match.1), String(match.2))
                let listing = try Listing(name, in: file, root: packageRoot)
                #expect(!listing.text.isEmpty, "\(lesson): \(name) in \(file) is empty")
                found += 1
            }
        }
        #expect(found >= 10, "only \(found) listings found: did the call's spelling change?")
        // Two that must show what the lessons say they show.
        let basic = try Listing(
            "basic-block-forward", in: "Sources/ResNetModels/BasicBlock.swift", root: packageRoot)
        #expect(basic.text.contains("if let shortcut { out = out + shortcut(identity) }"))
        let step = try Listing(
            "train-step", in: "Sources/Training/TrainingStep.swift", root: packageRoot)
        #expect(step.text.contains("loss.backward()") && step.text.contains("optimizer.step()"))
    }
}

@Suite("Transcripts in Docs/")
struct TranscriptListingTests {
    /// A transcript is made by running its lesson; a later change to code it shows would
    /// leave it showing old code. Every "From `FILE`, lines A–B:" block of Docs/lesson-*.md
    /// must be those lines of FILE as they are now (common indentation removed).
    @Test("the code every transcript shows is the code in the repository now")
    func listingsAreCurrent() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let docs = packageRoot + "/Docs"
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs)
            .filter { $0.hasPrefix("lesson-") && $0.hasSuffix(".md") }.sorted()
        let header = #/From `([^`]+)`, lines (\d+)–(\d+):\n\n```swift\n((?:.*\n)*?)```/#
        var checked = 0
        for page in pages {
            let text = try String(contentsOfFile: "\(docs)/\(page)", encoding: .utf8)
            for match in text.matches(of: header) {
                let (file, first, last) = (String(match.1), Int(match.2)!, Int(match.3)!)
                let source = try String(
                    contentsOfFile: "\(packageRoot)/\(file)", encoding: .utf8
                ).components(separatedBy: "\n")
                #expect(last <= source.count, "\(page): \(file) has \(source.count) lines")
                guard last <= source.count, first >= 1, first <= last else { continue }
                let now = Listing.dedented(source[(first - 1)..<last])
                let shown = String(match.4).dropLast()  // the newline before the fence
                #expect(
                    now == shown,
                    "\(page) shows \(file) lines \(first)–\(last) as they were: run the lesson with --markdown Docs"
                )
                checked += 1
            }
        }
        #expect(checked >= 15, "only \(checked) listings found: did the transcript format change?")
    }
}

@Suite("Options of a lesson's own")
struct ExtraOptionTests {
    let extras = [NotebookOptions.Extra("--run", value: "DIR", help: "the run to read")]

    @Test func parsesAValue() throws {
        let options = try NotebookOptions(parsing: ["--quick", "--run", "runs/a"], extras: extras)
        #expect(options.values["--run"] == "runs/a")
        #expect(options.quick)
    }

    @Test func needsAValueAndIsUnknownElsewhere() {
        #expect(throws: NotebookError.self) {
            try NotebookOptions(parsing: ["--run"], extras: extras)
        }
        #expect(throws: NotebookError.self) { try NotebookOptions(parsing: ["--run", "x"]) }
    }

    @Test func usageListsIt() {
        let usage = NotebookOptions.usage(program: "lesson-x", extras: extras)
        #expect(usage.contains("[--run DIR]"))
        #expect(usage.contains("the run to read"))
    }
}

@Suite("The transcript directory")
struct TranscriptDirectoryTests {
    @Test func emptyDirectoryIsRefused() {
        #expect(throws: NotebookError.self) { try NotebookOptions(parsing: ["--markdown", ""]) }
        #expect(throws: NotebookError.self) { try NotebookOptions(parsing: ["--out", " "]) }
    }

    @Test func unwritableDirectoryIsFoundAtOnce() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "not-a-directory-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: NotebookError.self) {
            try Notebook.checkWritable(file.appendingPathComponent("Docs").path)
        }
        #expect(error?.description.contains(file.lastPathComponent) == true)
        let fine = FileManager.default.temporaryDirectory.appendingPathComponent(
            "transcripts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: fine) }
        try Notebook.checkWritable(fine.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fine.path).isEmpty)
    }

    /// A directory holding `lesson.md` that begins as a run of `command` wrote it.
    private func directory(withTranscriptOf command: String?) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "transcripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let command {
            let header = "# Lesson\n\n\(MarkdownWriter.headerOpening)\(command)`, written by...\n"
            try Data(header.utf8).write(to: directory.appendingPathComponent("lesson.md"))
        }
        return directory
    }

    @Test(
        "a --quick or --through run refuses to replace a full run's transcript, naming it",
        arguments: [["--quick"], ["--through", "2"], ["--quick", "--through", "1"]])
    func partialRunKeepsAFullTranscript(flags: [String]) throws {
        let full = try directory(withTranscriptOf: "swift run lesson")
        defer { try? FileManager.default.removeItem(at: full) }
        let options = try NotebookOptions(parsing: flags + ["--markdown", full.path])
        let error = #expect(throws: NotebookError.self) {
            try Notebook.checkNotReplacingFullRun(in: full.path, name: "lesson", options: options)
        }
        #expect(error?.description.contains(full.appendingPathComponent("lesson.md").path) == true)
        #expect(error?.description.contains(flags[0]) == true)
        // A file that is not a transcript at all is kept too.
        try Data("notes".utf8).write(to: full.appendingPathComponent("lesson.md"))
        #expect(throws: NotebookError.self) {
            try Notebook.checkNotReplacingFullRun(in: full.path, name: "lesson", options: options)
        }
    }

    @Test("a partial run may replace a partial transcript or none, and a full run any")
    func whatMayBeReplaced() throws {
        let quick = try NotebookOptions(parsing: ["--quick"])
        let whole = NotebookOptions()
        for command in ["swift run lesson --quick", "swift run lesson --through 3", nil] {
            let directory = try directory(withTranscriptOf: command)
            defer { try? FileManager.default.removeItem(at: directory) }
            try Notebook.checkNotReplacingFullRun(
                in: directory.path, name: "lesson", options: quick)
        }
        let full = try directory(withTranscriptOf: "swift run lesson")
        defer { try? FileManager.default.removeItem(at: full) }
        try Notebook.checkNotReplacingFullRun(in: full.path, name: "lesson", options: whole)
        // Another lesson's transcript in the same directory is not this one's.
        try Notebook.checkNotReplacingFullRun(in: full.path, name: "other", options: quick)
    }
}
