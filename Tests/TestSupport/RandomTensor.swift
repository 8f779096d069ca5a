import Randomness
import TensorCore

/// A tensor with seeded values uniform in [low, high).
public func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1)
    -> Tensor
{
    var generator = SeededGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, generator: &generator)
}
