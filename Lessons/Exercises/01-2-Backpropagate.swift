import ExerciseKit
import ScalarAutograd

/// Exercise 01.2 · `backward()` written by you, with PyTorch's accumulation rule.
///
/// Lesson 01, "Why gradients accumulate (+=, never =)": reverse-mode differentiation seeds
/// ∂output/∂output = 1 and walks the graph from the output to the leaves, each value passing
/// `local gradient × its own gradient` to each of its inputs, a value used twice receiving
/// both contributions. `output.topologicalOrder()` lists every value after its inputs.
///
/// Task: fill in every `grad` that `output.backward()` would fill in, with its semantics:
/// each call ADDS one copy of ∂output/∂leaf to every leaf's `grad` (so calling it twice
/// doubles the leaves' gradients, as in PyTorch), while an interior value's `grad` is SET to
/// this call's ∂output/∂value. Do not call `output.backward()`.
///
/// Shapes: scalars. Graded by: the leaves' gradients against finite differences of random
/// expressions (values reused on several paths), and two calls against twice one call.
public func backpropagate(from output: Value) throws {
    throw NotAttempted()  // delete this line and write the exercise
}
