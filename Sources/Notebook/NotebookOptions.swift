/// The command-line options every lesson understands.
///
/// - `--quick`: shrink every workload (fewer steps, smaller data) so the lesson finishes in
///   seconds; the test suite runs each lesson this way.
/// - `--markdown DIR`: also write the transcript to `DIR/<lesson>.md`, its pictures to
///   `DIR/<lesson>/`. `Docs/` is made this way.
/// - `--out DIR`: where pictures go when no `--markdown` is given
///   (default `lesson-output/<lesson>`).
/// - `--no-color`: plain terminal output (also when `NO_COLOR` is set or output is not a TTY).
public struct NotebookOptions: Equatable, Sendable {
    public var quick = false
    public var markdownDirectory: String?
    public var outputDirectory: String?
    public var color = true
    public var help = false

    public init() {}

    /// Parses lesson arguments (without the program name).
    public init(parsing arguments: [String]) throws(NotebookError) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": quick = true
            case "--no-color": color = false
            case "-h", "--help": help = true
            case "--markdown", "--out":
                guard let value = rest.popFirst(), !value.hasPrefix("--") else {
                    throw .badArgument("\(argument) needs a directory, e.g. \(argument) Docs")
                }
                if argument == "--markdown" {
                    markdownDirectory = value
                } else {
                    outputDirectory = value
                }
            default:
                throw .badArgument(
                    "unknown option '\(argument)'; expected --quick, --markdown DIR, --out DIR, "
                        + "--no-color or --help")
            }
        }
    }

    /// The usage text printed by `--help`.
    public static func usage(program: String) -> String {
        """
        usage: \(program) [--quick] [--markdown DIR] [--out DIR] [--no-color]

          --quick          small workloads: finishes in seconds (used by the tests)
          --markdown DIR   also write DIR/\(program).md and its pictures to DIR/\(program)/
          --out DIR        where pictures go without --markdown (default lesson-output/\(program))
          --no-color       plain terminal output
        """
    }
}

/// What can go wrong while running a notebook itself (not a failed claim: see `Cell.check`).
public enum NotebookError: Error, CustomStringConvertible, Equatable {
    case badArgument(String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .badArgument(let message): "bad argument: \(message)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
