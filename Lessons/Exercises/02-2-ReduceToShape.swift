import ExerciseKit
import TensorCore

/// Exercise 02.2 · The backward of a broadcasting addition.
///
/// Lesson 02, "Broadcasting, and why its backward is a sum": in c = a + b with a [2, 3, 4] and b
/// [3, 1], b is repeated along the axes where it has size 1 or is missing, so each element of b
/// takes part in several sums and its gradient is the SUM of the gradients of all the elements of c
/// it reached.
///
/// Task: given ∂L/∂c (shape of c) and the shape of one input, return ∂L/∂input: sum the
/// gradient over the leading axes the input does not have, and over the axes where the
/// input has size 1 (keeping them, with size 1). Shapes are aligned from the right, as in
/// NumPy and PyTorch.
///
/// Shapes: gradient [d₀, …, dₖ₋₁]; shape of rank ≤ k, broadcastable to it; returns a tensor
/// of `shape`. Graded by: the library's autograd of `a + b` on random broadcastable pairs.
public func reduceToShape(_ gradient: Tensor, _ shape: [Int]) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
