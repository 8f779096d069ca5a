/// Stops the program with `message` when `condition` is false.
///
/// ResNetModels is compiled with `-Ounchecked`, which removes `precondition` checks entirely;
/// this check calls `fatalError`, which always stops. Messages name the type or factory, the
/// argument, the value it got and what was expected. The message is built only on failure.
@inline(__always)
func modelCheck(
    _ condition: Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError(message(), file: file, line: line) }
}
