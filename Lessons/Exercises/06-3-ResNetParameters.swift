import ExerciseKit

/// Exercise 06.3 · Any ImageNet ResNet's parameter count, by formula.
///
/// Lesson 06, "Every variant, counted": every ImageNet ResNet is a stem (a 7×7 convolution with
/// `stageWidths[0]` filters, no bias, and its batch norm), stages of blocks, and a linear
/// classifier. Stage s has `blocksPerStage[s]` blocks of width `stageWidths[s]`; a basic
/// block is two 3×3 convolutions (width → width), a bottleneck 1×1 (to width), 3×3, 1×1 (to
/// 4·width); each convolution has no bias and is followed by a batch norm (2 parameters per
/// channel). The first block of stage s > 0 has stride 2. A block whose stride is not 1 or
/// whose input channels differ from its output channels has an option-B projection: a 1×1
/// convolution and its batch norm. The classifier maps the last stage's output channels
/// (features) to `classes` with a bias.
///
/// Task: return the parameter count without building the network (building it and asking
/// `parameterCount` is the library's answer; the grader cannot tell, so it is up to you).
///
/// Shapes: blocksPerStage and stageWidths have one entry per stage. Graded by: the built
/// `ResNet`'s count on random small configurations, and torchvision's ResNet-18, 34, 50,
/// 101 and 152 (11,689,512 to 60,192,808).
public func resnetParameterCount(
    bottleneck: Bool, blocksPerStage: [Int], stageWidths: [Int], inputChannels: Int,
    classes: Int
) throws -> Int {
    throw NotAttempted()  // delete this line and write the exercise
}
