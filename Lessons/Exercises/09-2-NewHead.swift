import ExerciseKit
import NN
import Randomness
import ResNetModels

/// Exercise 09.2 · A new head for a new number of classes.
///
/// Lesson 09, "A new head, and what is frozen": fine-tuning keeps the backbone a network
/// learned on one task and replaces its classifier `fc` by a new linear layer from the
/// pooled features (`net.featureCount` of them) to the new task's classes, initialised as
/// PyTorch initialises a `Linear`: weights and bias uniform in ±1/√features.
///
/// Task: give `net` its new head, drawing the head's weights from `generator`. Change
/// nothing else.
///
/// Shapes: logits [N, old classes] before, [N, classes] after. Graded by: the logits'
/// shape; the pooled features and every backbone parameter and statistic bit-identical;
/// the head's shape, trainability and initial range.
public func replaceHead(of net: ResNet, classes: Int, generator: inout SeededGenerator) throws {
    throw NotAttempted()  // delete this line and write the exercise
}
