import ExerciseKit
import TensorCore

/// Exercise 10.2 · A gray image repeated into three channels, and its backward.
///
/// Lesson 10, "Three ways in, before any training": the simplest way to feed a gray image to a
/// network trained on color is to repeat it into the three channels the stem expects. The backward
/// of that copy is the adjoint: each gray pixel fed three channels, so its gradient is the sum of
/// theirs. The adjoint identity ⟨repeat(x), g⟩ = ⟨x, repeatᵀ(g)⟩ holds for every x and g, and is
/// how a backward rule is tested without finite differences.
///
/// Task: `repeatToRGB` maps [N, 1, H, W] to [N, 3, H, W], each channel a copy of the gray
/// one; `repeatToRGBBackward` maps a gradient [N, 3, H, W] to [N, 1, H, W]. Plain tensors
/// in and out (read and build `data`; no autograd needed).
///
/// Graded by: the copies, element by element; the adjoint identity on random x and g; and
/// the library's autograd of the same copy.
public func repeatToRGB(_ gray: Tensor) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}

/// The backward of `repeatToRGB`: upstream [N, 3, H, W] → [N, 1, H, W].
public func repeatToRGBBackward(_ upstream: Tensor) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
