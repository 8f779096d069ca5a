import ExerciseKit
import NN
import Randomness

/// Exercise 04.3 · The option-B projection shortcut.
///
/// Lesson 04, "When the shape changes: three kinds of shortcut": where a block changes the number
/// of channels or the resolution, x cannot be added to F(x) as it is. Option B (torchvision's, the
/// paper's section 3.3) projects it: a 1×1 convolution with the block's stride and no bias, then a
/// batch norm. torchvision calls the pair `downsample`, a `Sequential` whose children are "0" (the
/// convolution) and "1" (the batch norm).
///
/// Task: build that `Sequential`, with a `Conv2d` (kernel 1, the stride, no padding, no
/// bias) whose weights are drawn from `generator`, then a `BatchNorm2d`.
///
/// Shapes: input [N, inputChannels, H, W]; output [N, outputChannels, ⌈H/stride⌉,
/// ⌈W/stride⌉]. Graded by: its state dict against a `BasicBlock`'s `downsample`, name for
/// name and shape for shape, and its output against BN(conv(x, stride)) computed from its
/// own weights, in evaluation mode with random batch-norm statistics.
public func projectionShortcut(
    inputChannels: Int, outputChannels: Int, stride: Int, generator: inout SeededGenerator
) throws -> Sequential {
    throw NotAttempted()  // delete this line and write the exercise
}
