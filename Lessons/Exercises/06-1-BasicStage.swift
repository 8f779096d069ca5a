import ExerciseKit
import NN
import Randomness
import ResNetModels

/// Exercise 06.1 · A stage of basic blocks, and ResNet-18 from four of them.
///
/// Lesson 06, "Building the stages": a stage (torchvision's `_make_layer`) is `blocks` basic
/// blocks of width `channels`. Only the first takes `inputChannels` and `stride`; it gets
/// the shortcut that bridges a change of shape (option B: a 1×1 projection and its batch
/// norm, made by `BasicBlock` itself when `shortcut: .b`). The others keep the shape.
/// ResNet-18 is a stem and four such stages of two blocks: (64 → 64, stride 1),
/// (64 → 128, 2), (128 → 256, 2), (256 → 512, 2), then the classifier.
///
/// Task: build the stage as a `Sequential` of `BasicBlock`s (`Sequential([block0, block1])`
/// names them "0", "1", as torchvision does), drawing each block's weights from `generator`
/// in order. Do not call `ResNet.makeLayer`, which is the library's answer.
///
/// Shapes: input [N, inputChannels, H, W]; output [N, channels, ⌈H/stride⌉, ⌈W/stride⌉].
/// Graded by: `ResNet.makeLayer(.basic, …)` with the same seed, name for name, value for
/// value and output for output; and ResNet-18's 11,689,512 parameters from your four stages.
public func makeBasicStage(
    inputChannels: Int, channels: Int, blocks: Int, stride: Int,
    generator: inout SeededGenerator
) throws -> Sequential {
    throw NotAttempted()  // delete this line and write the exercise
}
