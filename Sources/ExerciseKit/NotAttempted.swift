/// What an exercise stub throws until the student writes it: its only line. The graders
/// report it as *not attempted* (with the exercise's first hint), never as a failure, so a
/// fresh clone builds, runs and passes `swift test` with every exercise untouched.
///
/// ```swift
/// public func scalarTanh(_ x: Value) throws -> Value {
///     throw NotAttempted()  // delete this line and write the exercise
/// }
/// ```
public struct NotAttempted: Error, Equatable, Sendable {
    /// The error a stub throws; it carries nothing, since the grader knows which exercise
    /// it ran.
    public init() {}
}
