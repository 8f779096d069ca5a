import ExerciseKit
import TensorCore

/// Exercise 02.3 · A 2-D convolution as loops.
///
/// Lesson 02, "Convolution as loops, then as a matrix multiply": out[n, k, i, j] = bias[k] + Σ_c
/// Σ_r Σ_s x[n, c, i·stride + r − padding, j·stride + s − padding] · weight[k, c, r, s], where a
/// position outside the image reads zero (the padding).
///
/// Task: write it with plain loops over `x.data` and `weight.data` (row-major, NCHW), no
/// library convolution.
///
/// Shapes: x [N, C, H, W], weight [K, C, R, S], bias [K] or nil; returns [N, K, Ho, Wo] with
/// Ho = (H + 2·padding − R) / stride + 1, likewise Wo. Graded by: the library's `conv2d` on
/// random shapes, kernel sizes, strides and paddings.
public func conv2dLoops(
    _ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int
) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
