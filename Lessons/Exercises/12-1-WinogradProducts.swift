import ExerciseKit

/// Exercise 12.1 · Winograd's F(2, 3): two outputs from four products.
///
/// Lesson 12, "Winograd in one dimension, by hand": two neighbouring outputs of a 3-tap
/// filter g over four inputs d, y₀ = d₀g₀ + d₁g₁ + d₂g₂ and y₁ = d₁g₀ + d₂g₁ + d₃g₂, take six
/// multiplications as written. Winograd's F(2, 3) needs four, m₁ ... m₄, each one input
/// combination times one filter combination, from which y₀ = m₁ + m₂ + m₃ and
/// y₁ = m₂ − m₃ − m₄.
///
/// Task: return the four products [m₁, m₂, m₃, m₄].
///
/// Shapes: d 4 numbers, g 3 numbers; returns 4 numbers. Graded by: on random d and g, exactly
/// four products come back, and m₁ + m₂ + m₃ and m₂ − m₃ − m₄ are the two direct sums.
public func winogradProducts(d: [Double], g: [Double]) throws -> [Double] {
    throw NotAttempted()  // delete this line and write the exercise
}
