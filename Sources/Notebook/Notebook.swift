import CStdio
import Foundation
@_exported import TextFormat

/// The lesson runtime: a lesson is a sequence of titled cells of prose and outputs.
///
/// ```swift
/// let notebook = Notebook(name: "lesson-01-scalar-autograd", title: "Scalar autograd")
/// notebook.cell("Derivatives by hand") { cell in
///     cell.prose("The slope of f at x is ...")
///     cell.output("f'(3) = 14.0")
///     cell.check("autograd agrees with the hand derivative", abs(a - b) < 1e-9)
/// }
/// notebook.finish()
/// ```
///
/// Each cell prints to the terminal as it runs. With `--markdown DIR` the same run is also
/// written as `DIR/<name>.md`, pictures under `DIR/<name>/`. A lesson checks its own claims
/// with `Cell.check`; `finish()` exits with status 1 if any claim failed or any cell threw,
/// so a lesson that stops teaching the truth fails the test suite.
public final class Notebook {
    /// The executable's name, e.g. `lesson-01-scalar-autograd`: names the transcript file.
    public let name: String
    /// The lesson's title, shown at the top of the terminal output and of the transcript.
    public let title: String
    /// The command-line options this run was started with.
    public let options: NotebookOptions
    /// The package's root directory, where listings are read from.
    public let packageRoot: String

    var intro: [Block] = []
    var cells: [(title: String, blocks: [Block])] = []
    var failures: [String] = []
    var checksPassed = 0
    /// Cells past `--through N`, not run.
    var cellsNotRun = 0
    let started = ContinuousClock.now
    let terminal: TerminalWriter

    /// Parses the lesson's command line (`CommandLine.arguments` by default). `--help` prints
    /// the usage and exits 0; a bad option prints what was wrong and exits 2, and so does a
    /// `--markdown` directory that cannot be created or written in.
    ///
    /// - Parameters:
    ///   - name: the executable's name, `lesson-01-scalar-autograd`: names the transcript
    ///     and the folder of its pictures.
    ///   - title: the lesson's title, printed first.
    ///   - extras: the lesson's own options (`--run DIR`), read back with `value(of:)`.
    ///   - arguments: the command line without the program's name.
    ///   - file: the lesson's `main.swift` (the default, `#filePath`, is right): the package
    ///     root, where `Cell.listing` reads source files, is three folders up.
    public convenience init(
        name: String, title: String, extras: [NotebookOptions.Extra] = [],
        arguments: [String] = Array(CommandLine.arguments.dropFirst()), file: String = #filePath
    ) {
        // Line by line even into a pipe or a file: a lesson that crashes in a late cell
        // keeps the output of the cells before it.
        residual_line_buffer_stdout()
        let options: NotebookOptions
        let usage = NotebookOptions.usage(program: name, extras: extras)
        do {
            options = try NotebookOptions(parsing: arguments, extras: extras)
        } catch {
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            exit(2)
        }
        if options.help {
            print(usage)
            exit(0)
        }
        // Find out now, not after the whole lesson has run, that the transcript cannot be
        // written.
        if let directory = options.markdownDirectory {
            do {
                try Notebook.checkWritable(directory)
                try Notebook.checkNotReplacingFullRun(in: directory, name: name, options: options)
            } catch {
                FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
                exit(2)
            }
        }
        let root = URL(fileURLWithPath: file).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        self.init(name: name, title: title, options: options, packageRoot: root)
    }

    /// A notebook with options already parsed (tests use this). It prints the title at once.
    ///
    /// - Parameters:
    ///   - name: the executable's name: names the transcript and the folder of its pictures.
    ///   - title: the lesson's title.
    ///   - options: the parsed command line.
    ///   - packageRoot: the directory `Cell.listing` reads source files from (default: the
    ///     current directory).
    public init(
        name: String, title: String, options: NotebookOptions,
        packageRoot: String = FileManager.default.currentDirectoryPath
    ) {
        self.name = name
        self.title = title
        self.options = options
        self.packageRoot = packageRoot
        self.terminal = TerminalWriter(color: options.color && TerminalWriter.stdoutIsColorTerminal)
        let subtitles = [
            options.quick ? "quick mode (--quick)" : nil,
            options.lastCell.map { "cells 1 to \($0) only (--through \($0))" },
        ].compactMap { $0 }
        terminal.title(
            title, subtitle: subtitles.isEmpty ? nil : subtitles.joined(separator: ", "))
    }

    /// True in `--quick` mode: lessons shrink their workloads.
    public var isQuick: Bool { options.quick }

    /// Why this run's timings say nothing about the code a student would time, or nil when
    /// they do: `--quick` (workloads too small, and the test suite runs it on a busy
    /// machine), or what a lesson sets, such as a debug build of a lesson whose claims are
    /// about optimised code. `Cell.checkTiming` shows its claim but never fails while this
    /// is set.
    public var timingsNotMeaningful: String? {
        get { options.quick ? "--quick mode" : timingCaveat }
        set { timingCaveat = newValue }
    }
    private var timingCaveat: String?

    /// The value given for one of the lesson's own options (`value(of: "--run")`), or nil.
    public func value(of flag: String) -> String? { options.values[flag] }

    /// `quick` in `--quick` mode, `full` otherwise: `let steps = notebook.quick(20, full: 500)`.
    public func quick<T>(_ quick: T, full: T) -> T { options.quick ? quick : full }

    /// Prose shown before the first cell.
    public func introduction(_ prose: String) {
        intro.append(.prose(prose))
        terminal.write(.prose(prose))
    }

    /// Runs one titled cell. An error thrown by `body` is reported as a failure of this
    /// cell; later cells still run, and `finish()` exits non-zero. A cell past `--through N`
    /// is not run (nor shown) and counts as not run in the summary.
    public func cell(_ title: String, _ body: (Cell) throws -> Void) {
        _ = runCell(title, body)
    }

    /// Runs one titled cell that produces a value for later cells (the data, a trained
    /// model): returns it, or nil when the cell failed (reported as with `cell(_:_:)`) or was
    /// past `--through N`.
    @discardableResult
    public func cell<Result>(_ title: String, _ body: (Cell) throws -> Result) -> Result? {
        runCell(title, body)
    }

    private func runCell<Result>(_ title: String, _ body: (Cell) throws -> Result) -> Result? {
        let number = cells.count + 1
        if let last = options.lastCell, number > last {
            cellsNotRun += 1
            return nil
        }
        cells.append((title, []))
        terminal.cellTitle(number: number, title)
        let cell = Cell(notebook: self, index: cells.count - 1)
        do {
            return try body(cell)
        } catch {
            let message = "cell \(number) (\(title)) stopped with an error: \(error)"
            failures.append(message)
            cell.append(.failure(message))
            return nil
        }
    }

    /// Runs one titled cell on what an earlier cell produced. When that cell failed
    /// (`input` is nil) this one is not run: it is reported as a failure that names why,
    /// instead of each cell unwrapping and re-explaining.
    @discardableResult
    public func cell<Input, Result>(
        _ title: String, using input: Input?, _ body: (Cell, Input) throws -> Result
    ) -> Result? {
        runCell(title) { cell -> Result in
            guard let input else { throw NotebookError.missingInput(cell: title) }
            return try body(cell, input)
        }
    }

    /// Creates `directory` if needed and checks that a file can be written in it.
    /// - Throws: `NotebookError.cannotWrite` naming the directory and the reason.
    static func checkWritable(_ directory: String) throws(NotebookError) {
        let probe = (directory as NSString).appendingPathComponent(".write-check-\(getpid())")
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: probe))
            try FileManager.default.removeItem(atPath: probe)
        } catch {
            throw .cannotWrite(
                path: directory,
                reason: "--markdown needs a directory it can write the transcript to: "
                    + error.localizedDescription)
        }
    }

    /// A `--quick` or `--through N` run writes a shorter transcript than a full run, and
    /// pictures from smaller workloads: with `--markdown DIR` it would replace a full run's
    /// `DIR/<name>.md` (the committed one in `Docs/`, say) and its pictures. Refused: such a
    /// run may replace only a transcript that was itself partial, or none.
    /// - Throws: `NotebookError.wouldReplaceFullRun` naming the transcript and the options.
    static func checkNotReplacingFullRun(
        in directory: String, name: String, options: NotebookOptions
    ) throws(NotebookError) {
        let partial = [
            options.quick ? "--quick" : nil, options.lastCell.map { "--through \($0)" },
        ].compactMap { $0 }
        guard !partial.isEmpty else { return }
        let path = (directory as NSString).appendingPathComponent("\(name).md")
        guard let data = FileManager.default.contents(atPath: path) else { return }
        if let command = MarkdownWriter.runCommand(
            inTranscript: String(decoding: data, as: UTF8.self)),
            command.contains(" --quick") || command.contains(" --through ")
        {
            return
        }
        throw .wouldReplaceFullRun(path: path, options: partial.joined(separator: " "))
    }

    /// The directory pictures are written to, created on first use.
    func pictureDirectory() throws(NotebookError) -> (absolute: String, relativeToMarkdown: String)
    {
        let directory: String
        if let markdown = options.markdownDirectory {
            directory = (markdown as NSString).appendingPathComponent(name)
        } else {
            directory =
                options.outputDirectory
                ?? ("lesson-output" as NSString).appendingPathComponent(name)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: error.localizedDescription)
        }
        return (directory, name)
    }

    /// Prints the summary, writes the Markdown transcript if asked, and exits: status 0 when
    /// every check passed and no cell threw, 1 otherwise or when the transcript cannot be
    /// written.
    public func finish() -> Never {
        let elapsed = ContinuousClock.now - started
        let seconds =
            Double(elapsed.components.seconds)
            + Double(elapsed.components.attoseconds) * 1e-18
        let summary = makeSummary(seconds: seconds)
        terminal.summary(summary)
        if let directory = options.markdownDirectory {
            let path = (directory as NSString).appendingPathComponent("\(name).md")
            do {
                try MarkdownWriter.write(self, summary: summary, to: path)
                terminal.note("transcript written to \(path)")
            } catch {
                terminal.note("\(error)")
                exit(1)
            }
        }
        exit(failures.isEmpty ? 0 : 1)
    }
}

extension Notebook {
    /// The run so far as `finish()` reports it, `seconds` after it started.
    func makeSummary(seconds: Double) -> Summary {
        Summary(
            checksPassed: checksPassed, failures: failures, seconds: seconds, quick: isQuick,
            lastCell: options.lastCell, cellsNotRun: cellsNotRun)
    }
}

/// The closing line of a run.
struct Summary {
    let checksPassed: Int
    let failures: [String]
    let seconds: Double
    let quick: Bool
    /// `--through N`'s N, and how many cells it left out.
    var lastCell: Int? = nil
    var cellsNotRun = 0

    /// "Stopped after cell 3 (--through 3): 2 later cells not run.", or nil when every cell
    /// ran.
    var stoppedEarly: String? {
        guard let lastCell, cellsNotRun > 0 else { return nil }
        return "Stopped after cell \(lastCell) (--through \(lastCell)): "
            + "\(Format.count(cellsNotRun, "later cell")) not run."
    }
}
