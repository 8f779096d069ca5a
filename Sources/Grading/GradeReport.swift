import ExerciseKit
import Foundation

/// How one exercise stands.
public enum GradeStatus: String, Codable, Sendable {
    case passed
    case failed
    case notAttempted = "not attempted"
}

/// The outcome of grading one exercise: its status, and in words a student can act on what
/// was checked and, on a failure, which identity broke, where, by how much, and the seed
/// that reproduces it.
public struct GradeReport: Sendable {
    public var status: GradeStatus
    /// One line per check made, in order; on a failure the last explains it.
    public var lines: [String]

    public var text: String { lines.joined(separator: "\n") }

    public init(status: GradeStatus, lines: [String]) {
        self.status = status
        self.lines = lines
    }
}

/// A check that did not hold: the message names the identity, the case and the numbers.
public struct IdentityBroken: Error, CustomStringConvertible {
    public let description: String
}

/// The checks of one grading, and its seed (every failure message names it).
public struct Checks {
    public let seed: UInt64
    /// What passed so far.
    var passed: [String] = []

    init(seed: UInt64) { self.seed = seed }

    /// Records `identity` as holding when `holds`; otherwise stops the grading with
    /// `identity` and `detail` (where, expected, got, tolerance) and the seed.
    public mutating func require(
        _ holds: Bool, _ identity: String, _ detail: @autoclosure () -> String
    ) throws(IdentityBroken) {
        guard holds else {
            throw IdentityBroken(
                description: "identity broken: \(identity)\n  \(detail())\n  (seed \(seed): "
                    + "`RESIDUAL_GRADE_SEED=\(seed)` reproduces it)")
        }
    }

    /// Notes a group of checks that all held.
    public mutating func held(_ what: String) { passed.append("✓ \(what)") }

    /// Requires |got − expected| ≤ tolerance · max(1, |expected|) for every element, naming
    /// the first element out of bounds with `label(index)`.
    public mutating func requireClose(
        _ got: [Double], _ expected: [Double], tolerance: Double, _ identity: String,
        where label: (Int) -> String
    ) throws(IdentityBroken) {
        try require(
            got.count == expected.count, identity,
            "expected \(expected.count) numbers, got \(got.count)")
        for index in expected.indices {
            let bound = tolerance * max(1, abs(expected[index]))
            let difference = abs(got[index] - expected[index])
            try require(
                difference <= bound, identity,
                "at \(label(index)): expected \(expected[index]), got \(got[index]), "
                    + "tolerance \(bound)")
        }
    }
}

/// The seed graders use: `RESIDUAL_GRADE_SEED` when set (to reproduce a failure), else `base`.
public func gradingSeed(_ base: UInt64) -> UInt64 {
    ProcessInfo.processInfo.environment["RESIDUAL_GRADE_SEED"].flatMap { UInt64($0) } ?? base
}

/// Runs `body`, exercise `id`'s checks with `seed`, and turns what happens into a report:
/// `NotAttempted` from the student's code is *not attempted* with the first hint, a broken
/// identity is *failed* with its message, any other error the student's code throws is
/// *failed* naming it.
public func grade(
    _ id: String, seed: UInt64, _ body: (inout Checks) throws -> Void
) -> GradeReport {
    guard let exercise = Catalogue.exercise(id) else {
        preconditionFailure("grade: no exercise \(id) in the catalogue")
    }
    let firstHint = exercise.hints[0]
    var checks = Checks(seed: seed)
    do {
        try body(&checks)
        return GradeReport(status: .passed, lines: checks.passed + ["passed (seed \(seed))"])
    } catch is NotAttempted {
        return GradeReport(status: .notAttempted, lines: ["not attempted yet. Hint: \(firstHint)"])
    } catch let broken as IdentityBroken {
        return GradeReport(status: .failed, lines: checks.passed + ["✗ \(broken.description)"])
    } catch {
        return GradeReport(
            status: .failed,
            lines: checks.passed + ["✗ your code threw \(error) (seed \(seed))"])
    }
}
