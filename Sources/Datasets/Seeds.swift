import Checks
import Randomness

// Deterministic randomness for data: every random choice (a shuffle, a crop offset) comes from
// a generator derived from the user's seed and *where* the choice is made (epoch, batch,
// example), never from shared state, so results do not depend on timing or thread count.

/// Independent streams derived from one seed, one per use.
enum SeedStream: UInt64 {
    /// The permutation of examples for an epoch.
    case shuffle = 1
    /// The random transforms of one batch.
    case transform = 2
    /// Train/validation splits.
    case split = 3
    /// Transforms applied to a whole data set at once.
    case datasetTransform = 4
}

/// A seed fully decided by `seed`, the stream and `coordinates` (epoch, batch, ...), and
/// unrelated to the seeds of other streams or coordinates (each step is a SplitMix64 mix).
func derivedSeed(_ seed: UInt64, _ stream: SeedStream, _ coordinates: Int...) -> UInt64 {
    var generator = SeededGenerator(seed: seed ^ (stream.rawValue &* 0xD1B5_4A32_D192_ED03))
    var mixed = generator.next()
    for value in coordinates {
        var step = SeededGenerator(seed: mixed ^ (UInt64(bitPattern: Int64(value)) &+ 1))
        mixed = step.next()
    }
    return mixed
}

/// A uniform integer in `0..<bound` (`bound > 0`), without modulo bias (Lemire's
/// multiply-and-reject method). Written here rather than `Int.random(in:using:)` so that the
/// numbers a seed gives never change with the standard library's implementation.
func uniformInt(below bound: Int, using generator: inout SeededGenerator) -> Int {
    checkArgument(bound > 0, "uniformInt(below:): bound must be positive, got \(bound)")
    let range = UInt64(bound)
    var product = generator.next().multipliedFullWidth(by: range)
    if product.low < range {
        let threshold = (0 &- range) % range
        while product.low < threshold {
            product = generator.next().multipliedFullWidth(by: range)
        }
    }
    return Int(product.high)
}

/// `0..<count` in a random order decided by `generator` (Fisher–Yates, from the back).
func permutation(_ count: Int, using generator: inout SeededGenerator) -> [Int] {
    var order = Array(0..<count)
    var i = count - 1
    while i > 0 {
        order.swapAt(i, uniformInt(below: i + 1, using: &generator))
        i -= 1
    }
    return order
}
