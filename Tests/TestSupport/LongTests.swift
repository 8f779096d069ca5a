import Foundation
import Testing

/// Whether this run includes the long tests: `RESIDUAL_LONG_TESTS=1`. A plain `swift test`
/// leaves them out so that a student's run stays within a few minutes on two cores; CI runs
/// them as a step of their own (`.ci/run`):
///
///     RESIDUAL_LONG_TESTS=1 swift test --filter LongTests
public let longTestsEnabled = ProcessInfo.processInfo.environment["RESIDUAL_LONG_TESTS"] == "1"

extension Trait where Self == ConditionTrait {
    /// A test that runs a whole lesson, or builds a package: skipped unless
    /// `RESIDUAL_LONG_TESTS=1`. Such tests live in suites whose type names end in
    /// `LongTests`, so `--filter LongTests` selects exactly them.
    public static var long: Self {
        .enabled(if: longTestsEnabled, "a long test: run it with RESIDUAL_LONG_TESTS=1")
    }
}
