import Randomness
import TensorCore
import TestSupport
import Testing

/// Runs `GradientCheck.check` and records a failure, with the full report, at the caller.
func expectGradientsMatch(
    _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 1e-2,
    sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) -> Tensor
) {
    let result = GradientCheck.check(
        inputs, epsilon: epsilon, tolerance: tolerance, function)
    #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
}

/// A tensor with seeded values of magnitude in [0.2, 1.2) and random sign: at least ten
/// finite-difference steps away from the kink of relu (and from zero, for division).
func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ -> Float in
        let magnitude = 0.2 + generator.nextUnitFloat()
        return generator.nextUnitFloat() < 0.5 ? -magnitude : magnitude
    }
    return Tensor(shape: shape, data: values)
}

/// A tensor whose values are distinct multiples of 0.1 in a seeded order (no two within
/// two finite-difference steps, so `max` has no ties to straddle).
func distinctValues(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    let count = shape.reduce(1, *)
    var values = (0..<count).map { Float($0) * 0.1 - Float(count) * 0.05 }
    values.shuffle(using: &generator)
    return Tensor(shape: shape, data: values)
}
