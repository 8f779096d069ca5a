import ExerciseKit
import ResNetModels
import TensorCore

/// Exercise 11.1 · Forward hooks: what each stage of a ResNet outputs.
///
/// Lesson 11, "Forward hooks on the four stages": `module.registerForwardHook { module,
/// input, output in ... }` runs the closure after every forward pass of that module and
/// returns an id for `removeForwardHook(_:)`. The stages of a ResNet are `model.layers`
/// (`layer1`, `layer2`, ...).
///
/// Task: run `model` on `x` once and return the shape of each stage's output, in order,
/// collected by hooks; remove your hooks before returning, so the model is as it was.
///
/// Shapes: x [N, C, H, W]; returns one shape per stage, [N, channels, height, width].
/// Graded by: the stages run one after another by hand on the same input, on ResNets of
/// several depths and input sizes; and a second call, which must give the same shapes (hooks
/// left behind would add to them).
public func stageOutputShapes(_ model: ResNet, _ x: Tensor) throws -> [[Int]] {
    throw NotAttempted()  // delete this line and write the exercise
}
