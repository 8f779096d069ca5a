/// The command-line options every lesson understands.
///
/// - `--quick`: shrink every workload (fewer steps, smaller data) so the lesson finishes in
///   seconds; the test suite runs each lesson this way.
/// - `--markdown DIR`: also write the transcript to `DIR/<lesson>.md`, its pictures to
///   `DIR/<lesson>/`. `Docs/` is made this way.
/// - `--out DIR`: where pictures go when no `--markdown` is given
///   (default `lesson-output/<lesson>`).
/// - `--no-color`: plain terminal output (also when `NO_COLOR` is set or output is not a TTY).
/// - `--through N`: run cells 1 to N only; the later cells are not run (the summary says how
///   many). What a lesson computes outside its cells still runs (lesson 08 trains or loads
///   its ablation before its first cell).
public struct NotebookOptions: Equatable, Sendable {
    /// An option of one lesson's own, taking a value: `--run DIR`.
    public struct Extra: Equatable, Sendable {
        /// `--run`.
        public var flag: String
        /// What the value is, for the usage line: `DIR`.
        public var value: String
        /// One line on what the option does, printed by `--help` after the flag and value.
        public var help: String

        /// An option `flag VALUE`, described in `--help` by `help`.
        ///
        /// - Parameters:
        ///   - flag: the option as typed, `--run`.
        ///   - value: what its value is, for the usage line: `DIR`.
        ///   - help: one line on what the option does.
        public init(_ flag: String, value: String, help: String) {
            self.flag = flag
            self.value = value
            self.help = help
        }
    }

    /// `--quick` was given: lessons shrink their workloads.
    public var quick = false
    /// The `--markdown DIR` directory, where the transcript and its pictures go; nil when not
    /// given.
    public var markdownDirectory: String?
    /// The `--out DIR` directory, where pictures go when there is no `--markdown`; nil when
    /// not given (pictures then go to `lesson-output/<lesson>`).
    public var outputDirectory: String?
    /// False when `--no-color` was given. Colour also needs a terminal that wants it:
    /// standard output a TTY, `NO_COLOR` unset and `TERM` not `dumb`.
    public var color = true
    /// `--help` or `-h` was given: the lesson prints its usage and exits.
    public var help = false
    /// The `--through N` cell: the last one run; nil when not given (every cell runs).
    public var lastCell: Int?
    /// The values given for the lesson's own options, by flag.
    public var values: [String: String] = [:]

    /// The options of a run given no arguments: full workloads, colour, no transcript.
    public init() {}

    /// Parses lesson arguments (without the program name); `extras` are the lesson's own
    /// options.
    ///
    /// - Parameters:
    ///   - arguments: the command line after the program's name, e.g.
    ///     `["--quick", "--markdown", "Docs"]`.
    ///   - extras: the lesson's own options, each taking one value.
    /// - Throws: ``NotebookError/badArgument(_:)`` for an unknown option, for an option that
    ///   needs a value and comes last or just before another `--` option, for a blank
    ///   `--markdown` or `--out` directory, and for a `--through` that is not a positive
    ///   whole number.
    public init(parsing arguments: [String], extras: [Extra] = []) throws(NotebookError) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if let extra = extras.first(where: { $0.flag == argument }) {
                guard let value = rest.popFirst(), !value.hasPrefix("--") else {
                    throw .badArgument("\(argument) needs a value: \(argument) \(extra.value)")
                }
                values[argument] = value
                continue
            }
            switch argument {
            case "--quick": quick = true
            case "--no-color": color = false
            case "-h", "--help": help = true
            case "--through":
                let value = rest.popFirst()
                guard let value, let last = Int(value), last > 0 else {
                    throw .badArgument(
                        "--through needs the number of the last cell to run (1 or more), got "
                            + (value.map { "'\($0)'" } ?? "nothing"))
                }
                lastCell = last
            case "--markdown", "--out":
                guard let value = rest.popFirst(), !value.hasPrefix("--"),
                    !value.trimmingCharacters(in: .whitespaces).isEmpty
                else {
                    throw .badArgument("\(argument) needs a directory, e.g. \(argument) Docs")
                }
                if argument == "--markdown" {
                    markdownDirectory = value
                } else {
                    outputDirectory = value
                }
            default:
                let own = extras.map { "\($0.flag) \($0.value), " }.joined()
                throw .badArgument(
                    "unknown option '\(argument)'; expected --quick, --markdown DIR, --out DIR, "
                        + "--through N, \(own)--no-color or --help")
            }
        }
    }

    /// The usage text printed by `--help`.
    public static func usage(program: String, extras: [Extra] = []) -> String {
        let own = extras.map { " [\($0.flag) \($0.value)]" }.joined()
        let ownHelp = extras.map { extra in
            "\n  "
                + "\(extra.flag) \(extra.value)".padding(toLength: 15, withPad: " ", startingAt: 0)
                + "  " + extra.help
        }.joined()
        return """
            usage: \(program) [--quick] [--markdown DIR] [--out DIR] [--through N] [--no-color]\(own)

              --quick          small workloads: finishes in seconds (used by the tests)
              --markdown DIR   also write DIR/\(program).md and its pictures to DIR/\(program)/
              --out DIR        where pictures go without --markdown (default lesson-output/\(program))
              --through N      run cells 1 to N only, then stop (the later cells are not run)
              --no-color       plain terminal output
            """ + ownHelp
    }
}

/// What can go wrong while running a notebook itself (not a failed claim: see `Cell.check`).
public enum NotebookError: Error, CustomStringConvertible, Equatable {
    /// The command line has an unknown option or an option without its value; the message
    /// says which and what was expected.
    case badArgument(String)
    /// A directory or file of the run (the `--markdown` directory, a picture, the
    /// transcript) could not be created or written; `reason` says why.
    case cannotWrite(path: String, reason: String)
    /// A `--quick` or `--through N` run was asked to write its transcript over `path`, the
    /// transcript of a full run (or a file that is not a transcript); `options` are the flags
    /// that make the run partial.
    case wouldReplaceFullRun(path: String, options: String)
    /// A code listing's markers are not where the lesson expects them.
    case missingListing(file: String, name: String, reason: String)
    /// A cell needs what an earlier cell failed to produce.
    case missingInput(cell: String)

    /// The error in one line, as a lesson prints it: `bad argument: ...`,
    /// `cannot write PATH: ...`.
    public var description: String {
        switch self {
        case .badArgument(let message): "bad argument: \(message)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .wouldReplaceFullRun(let path, let options):
            "\(path) is not a partial run's transcript (it is a full run's, or another file); "
                + "this \(options) run would replace it and its pictures with a partial one. Give "
                + "--markdown another directory, or run without \(options)"
        case .missingListing(let file, let name, let reason):
            "cannot show the listing '\(name)' of \(file): \(reason)"
        case .missingInput(let cell):
            "not run: '\(cell)' needs the result of an earlier cell that failed (see above)"
        }
    }
}
