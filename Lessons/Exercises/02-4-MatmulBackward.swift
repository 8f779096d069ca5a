import ExerciseKit
import TensorCore

/// Exercise 02.4 · The backward of a matrix product.
///
/// Lesson 02, "A linear layer and cross-entropy": C = A B, with C[i, j] = Σₖ A[i, k] B[k, j].
/// Given the upstream gradient G = ∂L/∂C, the rule returns ∂L/∂A and ∂L/∂B. It is the
/// rule behind every linear layer (and, through im2col, every convolution).
///
/// Task: return (∂L/∂A, ∂L/∂B) for C = A B, computed from a, b and upstream (with loops
/// over `data`, or with the library's `matmul` and `transposed` as you like), without
/// calling `backward()` (the point is to write the rule, not to ask autograd for it).
///
/// Shapes: a [M, K], b [K, N], upstream [M, N]; returns ([M, K], [K, N]). Graded by: finite
/// differences of L = Σ G ⊙ (A B) entry by entry, and the library's autograd, on random
/// shapes (square ones included, where a misplaced transpose still has the right shape).
public func matmulBackward(_ a: Tensor, _ b: Tensor, upstream: Tensor) throws -> (
    a: Tensor, b: Tensor
) {
    throw NotAttempted()  // delete this line and write the exercise
}
