import Checks

/// Why an optimizer or a learning-rate scheduler cannot accept its arguments, or a saved state:
/// the message names the type, the argument and what was expected
/// (`"SGD: invalid learning rate -0.1 (expected a finite number ≥ 0)"`).
///
/// Initialisers and `load(_:)` throw it, as PyTorch raises `ValueError`: hyper-parameters often
/// come from a command line or a configuration file, where a bad value is an input error to
/// report, not a bug. Misuse inside a training loop (stepping `OneCycleLR` past its last step)
/// stops the program instead, like an index out of range.
public typealias OptimError = ArgumentError

/// Throws `OptimError(message)` when `condition` is false.
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(OptimError) {
    if !condition { throw OptimError(message()) }
}
