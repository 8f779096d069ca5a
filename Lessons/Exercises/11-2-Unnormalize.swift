import ExerciseKit
import TensorCore

/// Exercise 11.2 · Showing a normalised image: un-normalise it the right way.
///
/// Lesson 11, "Showing the input: un-normalise with the statistics it was normalised with": the
/// model saw (x − mean) / std per channel, with the training set's own mean and std. To draw what
/// it saw as a picture, undo exactly that. A common shortcut, `· 0.5 + 0.5`, is only right when the
/// mean and the std were both 0.5, which Fashion-MNIST's (about 0.29 and 0.35) are not.
///
/// Task: return x · std + mean per channel.
///
/// Shapes: x [N, C, H, W], mean and std C numbers each; returns [N, C, H, W]. Graded by: the
/// round trip, unnormalize(normalize(pixels)) = pixels, on random images with random
/// per-channel statistics.
public func unnormalize(_ x: Tensor, mean: [Float], std: [Float]) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
