import ExerciseKit
import TensorCore

/// Exercise 07.2 · Random crop with padding, at a given offset.
///
/// Lesson 07, "Augmentation": the training images are padded with `padding` zeros on every
/// side, then a window of the original size is cut out at a random place, so each epoch
/// sees each image shifted by up to `padding` pixels, with zeros coming in at the edges.
///
/// Task: return the crop whose window starts at row `top` and column `left` of the padded
/// image (0 ≤ top, left ≤ 2·padding): out[c, i, j] = x[c, i + top − padding,
/// j + left − padding], or 0 where that falls outside x.
///
/// Shapes: image [C, H, W]; returns [C, H, W]. Graded by: the crop at (padding, padding) is
/// the image itself, and every crop is the image shifted by (top − padding, left − padding)
/// with zeros elsewhere, on random images, paddings and offsets.
public func paddedCrop(_ image: Tensor, padding: Int, top: Int, left: Int) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
