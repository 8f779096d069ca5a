import ExerciseKit
import TensorCore

/// Exercise 10.1 · Porting an RGB stem to gray images.
///
/// Lesson 10, "Three ways in, before any training": a network pre-trained on color images has a
/// first convolution with weights [K, 3, R, S]. A gray image repeated into three identical
/// channels gives, at every output pixel, Σ_c Σ_r Σ_s w[k, c, r, s] · x[r, s], since x is the
/// same in every channel: so one filter per output channel, the sum of the three color
/// filters, does the same work on the one gray channel, at a third of the cost.
///
/// Task: return the [K, 1, R, S] weights of that one-channel stem.
///
/// Graded by: the identity it must satisfy, conv2d(gray, your weights) =
/// conv2d(gray repeated into 3 channels, RGB weights), on random filters, images, strides and
/// paddings.
public func grayscaleFilters(_ rgb: Tensor) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
