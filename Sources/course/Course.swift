import ArgumentParser
import CourseBindings
import Foundation
import Grading

/// `swift run course`: the exercises of every lesson, graded by the identities that define
/// them; what is done, and what to do next.
@main
struct CourseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "Grade the course's exercises: which pass, which fail, what to do next.",
        discussion: """
            Each exercise is one function in a file of its own under Lessons/Exercises, \
            graded by the identities that define it (finite differences, the library's own \
            result, the gradient through a skip connection) on seeded random cases. \
            RESIDUAL_EXERCISES=solutions grades the reference solutions instead; \
            RESIDUAL_GRADE_SEED=N reruns a grading with the seed a failure names.
            """,
        subcommands: [Status.self, Check.self, Hint.self, GradeOne.self],
        defaultSubcommand: Status.self)
}

/// The table of every exercise, and the next one to do.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Every exercise by lesson: passed, failed or not attempted.")

    @Flag(
        help: "Print [{\"id\", \"lesson\", \"title\", \"file\", \"status\"}] instead of the table.")
    var json = false

    func run() throws {
        let source = ExerciseSource.current
        let graded = Course.exercises.map { ($0, Isolated.grade($0)) }
        if json {
            let entries = graded.map { exercise, report in
                StatusEntry(
                    id: exercise.info.id, lesson: exercise.info.lesson, title: exercise.info.title,
                    file: exercise.info.file, status: report.status.rawValue)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            return
        }
        if source == .solutions { print("grading the reference solutions (RESIDUAL_EXERCISES)\n") }
        print("| id | lesson | exercise | status |")
        print("| --- | ---: | --- | --- |")
        for (exercise, report) in graded {
            let mark =
                switch report.status {
                case .passed: "✓ passed"
                case .failed: "✗ failed"
                case .notAttempted: "· not attempted"
                }
            print(
                "| \(exercise.info.id) | \(exercise.info.lesson) | \(exercise.info.title) | \(mark) |"
            )
        }
        let passed = graded.filter { $0.1.status == .passed }.count
        print("\n\(passed) of \(graded.count) passed.")
        if let (next, report) = graded.first(where: { $0.1.status != .passed }) {
            print(
                "Next: \(next.info.id), \(next.info.title), in \(next.info.file)\n"
                    + (report.status == .failed
                        ? "It fails: `swift run course check \(next.info.id)` says why.\n"
                        : "Hint: \(next.info.hints[0])\n")
                    + "Check it with `swift run course check \(next.info.id)`.")
        } else {
            print("Every exercise passes.")
        }
    }
}

struct StatusEntry: Codable {
    var id: String
    var lesson: Int
    var title: String
    var file: String
    var status: String
}

/// Grades one exercise and prints its whole report.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade one exercise: exit 0 passed, 1 failed, 2 not attempted.")

    @Argument(help: "The exercise, e.g. 01.1 (`swift run course` lists them).")
    var id: String

    func run() throws {
        let exercise = try find(id)
        let report = Isolated.grade(exercise)
        print("\(exercise.info.id) · \(exercise.info.title) (\(exercise.info.file))")
        print(report.text)
        switch report.status {
        case .passed: return
        case .failed: throw ExitCode(1)
        case .notAttempted: throw ExitCode(2)
        }
    }
}

/// The exercise's hints, one more each time it is asked.
struct Hint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The next hint of an exercise (one more each time; --all for every one).")

    @Argument(help: "The exercise, e.g. 01.1.")
    var id: String

    @Flag(help: "Every hint at once.")
    var all = false

    @Flag(help: "Start this exercise's hints again from the first.")
    var reset = false

    func run() throws {
        let exercise = try find(id)
        let hints = exercise.info.hints
        var given = HintLog.read()
        if reset { given[id] = 0 }
        let shown = all ? hints.count : min((given[id] ?? 0) + 1, hints.count)
        for (index, hint) in hints.prefix(shown).enumerated() {
            print("hint \(index + 1) of \(hints.count): \(hint)")
        }
        if shown < hints.count {
            print("(`swift run course hint \(id)` again for the next one)")
        }
        given[id] = shown
        HintLog.write(given)
    }
}

/// How many hints each exercise has shown, kept in `.build/course-hints.json` (beside the
/// build, out of git; deleting it starts the hints again).
enum HintLog {
    static let path = ".build/course-hints.json"

    static func read() -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder().decode([String: Int].self, from: data)) ?? [:]
    }

    static func write(_ given: [String: Int]) {
        guard let data = try? JSONEncoder().encode(given) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// The exercise named `id`, or a usage error listing the ids.
func find(_ id: String) throws -> CourseExercise {
    guard let exercise = Course.exercise(id) else {
        throw ValidationError(
            "no exercise '\(id)'; the exercises are "
                + Course.exercises.map(\.info.id).joined(separator: ", "))
    }
    return exercise
}

/// Grades one exercise in this process and prints its report as JSON: what `Isolated` runs
/// in a child process.
struct GradeOne: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade-one", abstract: "Grade one exercise in this process (internal).",
        shouldDisplay: false)

    @Argument var id: String

    func run() throws {
        let report = try find(id).grade()
        let entry = GradedEntry(status: report.status.rawValue, lines: report.lines)
        print(String(decoding: try JSONEncoder().encode(entry), as: UTF8.self))
    }
}

struct GradedEntry: Codable {
    var status: String
    var lines: [String]
}

/// Grades each exercise in a child process of its own (`course grade-one ID`), so that code
/// which stops the program (a shape the library refuses, an index out of range) is reported
/// as that exercise failing, with the message it stopped on, instead of ending the course.
enum Isolated {
    static func grade(_ exercise: CourseExercise) -> GradeReport {
        guard let executable = Bundle.main.executableURL else { return exercise.grade() }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["grade-one", exercise.info.id]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return exercise.grade()
        }
        // Read both pipes before waiting, so that a long report cannot fill one and block.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationReason == .exit, process.terminationStatus == 0,
            let entry = try? JSONDecoder().decode(GradedEntry.self, from: outputData),
            let status = GradeStatus(rawValue: entry.status)
        {
            return GradeReport(status: status, lines: entry.lines)
        }
        let message =
            String(decoding: errorData, as: UTF8.self)
            .split(separator: "\n").first { $0.contains("Fatal error") || $0.contains("error:") }
            .map(String.init) ?? "signal \(process.terminationStatus)"
        return GradeReport(
            status: .failed,
            lines: [
                "✗ your code stopped the program before the grader could finish: \(message)",
                "  (run `swift run course check \(exercise.info.id)` again after a fix; a "
                    + "shape the library refuses is the usual cause)",
            ])
    }
}
