import ExerciseKit
import ResNetModels
import TensorCore

/// Exercise 04.1 · `BasicBlock`'s forward pass, from its parts.
///
/// Lesson 04, "One block, one line at a time": two 3×3 convolutions, each followed by batch norm,
/// a ReLU between them, the shortcut added, and a ReLU after the sum. The block's layers
/// are its properties: `block.conv1`, `block.bn1`, `block.relu`, `block.conv2`,
/// `block.bn2`, and `block.shortcut` (nil in a plain block; the identity or a 1×1
/// projection otherwise). Each is called like a function: `block.conv1(x)`.
///
/// Task: compute what `block(x)` computes, using those parts, without calling `block(x)` or
/// `block.forward(x)`.
///
/// Shapes: x [N, C, H, W]; returns [N, C', H / stride, W / stride]. Graded by: the library's
/// block on the same weights and input, in training and evaluation mode, for identity and
/// projection (stride 2) shortcuts and for plain blocks.
public func basicBlockForward(_ block: BasicBlock, _ x: Tensor) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
