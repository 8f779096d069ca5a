import ExerciseKit

/// Exercise 12.2 · A filter in Winograd's domain: U = G g Gᵀ.
///
/// Lesson 12, "F(2×2, 3×3) and F(4×4, 3×3)": an m×m block of outputs of a 3×3 convolution is
/// Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A. The filter's transform U = G g Gᵀ is computed once per
/// filter and reused for every block of every image.
///
/// Task: return G g Gᵀ, where `G` has m + 2 rows and 3 columns (the lesson prints it for
/// m = 2 and m = 4) and `g` is the 3×3 filter, both as arrays of rows.
///
/// Shapes: g [3][3], G [m+2][3]; returns [m+2][m+2]. Graded by: for F(2×2, 3×3) and
/// F(4×4, 3×3) and random filters and input blocks, Aᵀ [ U ⊙ (Bᵀ d B) ] A with your U equals
/// the direct 3×3 sums over the block.
public func winogradFilterTransform(_ g: [[Double]], G: [[Double]]) throws -> [[Double]] {
    throw NotAttempted()  // delete this line and write the exercise
}
