/// Stops the program with `message` when `condition` is false.
///
/// NN is compiled with `-Ounchecked`, which removes `precondition` checks entirely; this check
/// calls `fatalError`, which always stops. The message is built only when the check fails.
/// Use it for arguments that are bugs in the calling code (a negative channel count, a
/// layer index out of range), and name the layer, the values and what was expected.
@inline(__always)
func nnCheck(
    _ condition: Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError(message(), file: file, line: line) }
}
