import ExerciseKit
import ResNetModels
import TensorCore

/// Exercise 05.2 · The bottleneck's forward pass, from its parts.
///
/// Lesson 05, "Shapes through a bottleneck": a 1×1 convolution reduces the channels to the
/// block's width, a 3×3 works at that width, a 1×1 expands to 4 × width; batch norm after
/// each, a ReLU after the first two, the shortcut added, a ReLU after the sum. The parts are
/// `block.conv1`, `block.bn1`, `block.conv2`, `block.bn2`, `block.conv3`, `block.bn3`,
/// `block.relu` and `block.shortcut` (nil in a plain block). The stride is already inside
/// conv2 (torchvision, "v1.5") or conv1 (the original Caffe release, "v1"), as
/// `block.strideOn` says.
///
/// Task: compute what `block(x)` computes from those parts, without calling `block(x)` or
/// `block.forward(x)`.
///
/// Shapes: x [N, inputChannels, H, W]; returns [N, 4·width, ⌈H/stride⌉, ⌈W/stride⌉].
/// Graded by: the library's block on the same weights and input, in training and
/// evaluation mode, with identity and projection shortcuts, both stride placements, and
/// plain blocks.
public func bottleneckForward(_ block: Bottleneck, _ x: Tensor) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
