import ExerciseKit

/// Exercise 07.3 · One SGD step with momentum and weight decay, as PyTorch takes it.
///
/// Lesson 07, "The training loop": the ResNet paper trains with SGD, momentum 0.9 and
/// weight decay 1e-4 (He et al. 2015, section 3.4). PyTorch's `SGD` (and the library's)
/// adds the decay to the gradient, keeps a velocity per parameter, and applies the learning
/// rate last:
///
///     g = gradient + weightDecay · p
///     v = momentum · v + g        (v = g on the very first step)
///     p = p − learningRate · v
///
/// Task: update `parameter` and `velocity` in place. `velocity` is nil before the first
/// step (set it then); with momentum 0 it may stay nil.
///
/// Shapes: parameter and gradient have the same count; so has velocity once set. Graded
/// by: the library's `SGD` over several steps with random gradients and a learning rate
/// that changes every step (as a schedule changes it), with and without momentum and decay.
public func sgdStep(
    parameter: inout [Float], gradient: [Float], velocity: inout [Float]?,
    learningRate: Float, momentum: Float, weightDecay: Float
) throws {
    throw NotAttempted()  // delete this line and write the exercise
}
