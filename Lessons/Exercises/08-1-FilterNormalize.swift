import ExerciseKit
import TensorCore

/// Exercise 08.1 · A filter-normalised direction (Li et al. 2018, section 4).
///
/// Lesson 08, "The loss landscape (Li et al. 2018)": to draw the loss around trained weights w, we
/// move them along a random direction d. Batch norm makes a network indifferent to the scale of
/// each filter, so a raw direction would move small filters a lot and large ones hardly at all. Li
/// et al. rescale the direction filter by filter: d_f ← d_f / ‖d_f‖ · ‖w_f‖, where a filter is one
/// slice along the first axis (one output channel of a convolution [K, C, R, S], one output unit of
/// a linear layer [out, in]). One-dimensional parameters (biases, batch-norm γ and β) are not
/// moved: their direction is all zeros.
///
/// Task: return the filter-normalised version of `direction` for the parameter `weight` (the
/// same shape). A filter of `direction` that is all zeros stays zero.
///
/// Graded by: ‖d_f‖ = ‖w_f‖ for every filter, each d_f a positive multiple of the given one,
/// and zeros for one-dimensional parameters, on random convolution and linear shapes.
public func filterNormalized(_ direction: Tensor, like weight: Tensor) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
