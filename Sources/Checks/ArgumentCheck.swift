/// Why a function cannot accept its arguments, in one sentence that names the function, the
/// values or shapes it got and what it expected (`"add: shapes [2, 3] and [4] do not
/// broadcast: ..."`, `"SGD: invalid learning rate -0.1 (expected a finite number ≥ 0)"`).
///
/// One type for the whole package, known by the name of where it is thrown: `ShapeError` in
/// TensorCore (shape rules), `OptimError` in Optim (hyper-parameters, saved states). It lives
/// in `Checks`, below every other module, so that a module needs no kernels to report a bad
/// argument.
public struct ArgumentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The full explanation.
    public let message: String

    /// Creates an error with its explanation.
    public init(_ message: String) { self.message = message }

    /// The explanation, ``message``, as it is: what `print(error)` and `"\(error)"` show.
    public var description: String { message }
}

/// Stops the program with `message` when `condition` is false: the package's one check for
/// arguments that are bugs in the calling code (a negative channel count, a shape that does
/// not fit, a layer index out of range). The message names the function, the values and what
/// was expected, and is built only when the check fails.
///
/// Use it rather than `precondition`: the numeric targets are compiled with `-Ounchecked`,
/// which removes `precondition` checks entirely (and bounds checks too), while `fatalError`
/// always stops.
@inlinable @inline(__always)
package func checkArgument(
    _ condition: Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError(message(), file: file, line: line) }
}
