import ExerciseKit
import NN
import Randomness

/// Exercise 04.4 · The plain block: BasicBlock's layers without the shortcut.
///
/// Lesson 04, "The plain twin": to see what the skip connection buys, build the block
/// without it. The plain block computes
/// ReLU(bn2(conv2(ReLU(bn1(conv1(x)))))): the same two 3×3 convolutions (padding 1, no
/// bias, the stride on the first), each followed by batch norm, and no addition. Its
/// gradient has no identity term: with its last batch norm zeroed it passes nothing back,
/// where a residual block still passes the upstream gradient through (wherever its output,
/// ReLU(x), is positive).
///
/// Task: return the plain block as a module built from layers, in the order above
/// (`Sequential(...)` calls them in order), drawing the convolutions' weights from
/// `generator`. Not a `BasicBlock(residual: false)`: that is the library's answer.
///
/// Shapes: x [N, inputChannels, H, W] → [N, channels, ⌈H/stride⌉, ⌈W/stride⌉]. Graded by:
/// `BasicBlock(residual: false)`'s parameter shapes, in order, and its output on the same
/// weights in both modes; no addition in your block's autograd graph; and no gradient
/// reaching x once the last batch norm is zeroed.
public func makePlainBlock(
    inputChannels: Int, channels: Int, stride: Int, generator: inout SeededGenerator
) throws -> Module {
    throw NotAttempted()  // delete this line and write the exercise
}
