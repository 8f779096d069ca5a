import ExerciseKit
import ScalarAutograd

/// Exercise 01.1 · A new scalar operation: tanh, with its local derivative.
///
/// Lesson 01, "The chain rule, run backwards over a graph": every operation on `Value`s returns a
/// new `Value` holding its forward result and ∂(result)/∂(input) for each input, and `backward()`
/// does the rest. See how `Value.exp()` is written in
/// `Sources/ScalarAutograd/Value+Operations.swift`.
///
/// Task: return tanh(x) as a `Value` whose input is `x` and whose local gradient is
/// d tanh(x)/dx, evaluated at `x.data`. Use `Foundation.tanh` (or `Glibc.tanh`) on Doubles
/// for the number; do not call `x.tanh()`, which is the library's answer.
///
/// Shapes: scalars. Graded by: the forward value against the C library's tanh; the
/// gradient against central finite differences and against 1 − tanh²(x), alone and inside
/// a larger expression, at random points (large ones too, where tanh saturates).
public func scalarTanh(_ x: Value) throws -> Value {
    throw NotAttempted()  // delete this line and write the exercise
}
