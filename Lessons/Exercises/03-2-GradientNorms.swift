import ExerciseKit
import NN
import TensorCore

/// Exercise 03.2 · The gradient's norm at every layer of a stack.
///
/// Lesson 03, "Fifty layers deep: the gradient reaching each layer": to see the gradient
/// highway, measure ‖∂L/∂xₗ‖ at the input xₗ of every block of a deep stack, for a loss
/// L = Σ upstream ⊙ output. The chain rule runs block by block: the gradient at xₗ is the
/// gradient at xₗ₊₁ pulled back through block l (its vector-Jacobian product).
///
/// Task: run x through `blocks` in order, then backpropagate `upstream` from the output
/// down, and return the gradient's Euclidean norm at every block's input and at the output.
///
/// Shapes: input [N, C, H, W] (every block keeps the shape); upstream shaped like the
/// output. Returns blocks.count + 1 numbers: index l is ‖∂L/∂xₗ‖ for block l's input
/// (l = 0 is the stack's input), the last is ‖∂L/∂output‖ = ‖upstream‖. Graded by: each
/// xₗ made a leaf and backpropagated from alone, on plain and residual stacks.
public func inputGradientNorms(blocks: [Module], input: Tensor, upstream: Tensor) throws
    -> [Double]
{
    throw NotAttempted()  // delete this line and write the exercise
}
