/// Scales each group's base rate by a factor that moves linearly from `startFactor` to
/// `endFactor` over `totalIters` steps, then stays: PyTorch's `LinearLR`. With
/// `startFactor < 1`, `endFactor = 1` it is the usual linear warm-up (Goyal et al. 2017);
/// chain it with another schedule through `SequentialLR`.
///
///     lr(t) = base · (s + (e − s) · min(t, T) / T)
///
/// Like PyTorch, each step after the first computes it recursively from the current rate
/// (these are the values reproduced):
///
///     t = 0:       lr ← lr · s
///     1 ≤ t ≤ T:   lr ← lr · (1 + (e − s) / (T·s + (t − 1)·(e − s)))
///     t > T:       lr unchanged
public final class LinearLR: LRScheduler {
    /// The factor at step 0, in (0, 1].
    public let startFactor: Double

    /// The factor from step `totalIters` on, in [0, 1].
    public let endFactor: Double

    /// The number of steps from `startFactor` to `endFactor`.
    public let totalIters: Int

    /// A linear schedule of factors on `optimizer`'s groups. Creating it performs step 0,
    /// which multiplies each group's current rate by `startFactor`.
    ///
    /// - Parameters:
    ///   - optimizer: the optimizer whose learning rates it sets.
    ///   - startFactor: s in (0, 1] (PyTorch's default 1/3).
    ///   - endFactor: e in [0, 1] (default 1).
    ///   - totalIters: T ≥ 1 (default 5).
    /// - Throws: `OptimError` for factors out of range (as PyTorch) or T < 1.
    public init(
        optimizer: Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1,
        totalIters: Int = 5
    ) throws(OptimError) {
        try require(
            startFactor > 0 && startFactor <= 1,
            "LinearLR: startFactor must be greater than 0 and at most 1, got \(startFactor)")
        try require(
            endFactor >= 0 && endFactor <= 1,
            "LinearLR: endFactor must be between 0 and 1, got \(endFactor)")
        try require(totalIters >= 1, "LinearLR: totalIters must be ≥ 1, got \(totalIters)")
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalIters = totalIters
        super.init(optimizer: optimizer)
    }

    override func learningRatesForLastEpoch() -> [Double] {
        let current = optimizer.learningRates
        if lastEpoch == 0 { return current.map { $0 * startFactor } }
        if isInitial || lastEpoch > totalIters { return current }
        let change = endFactor - startFactor
        let denominator = Double(totalIters) * startFactor + Double(lastEpoch - 1) * change
        return current.map { $0 * (1.0 + change / denominator) }
    }

    override func closedFormLearningRates() -> [Double]? {
        let progress = Double(min(totalIters, lastEpoch))
        return baseLearningRates.map { base in
            base * (startFactor + (endFactor - startFactor) * progress / Double(totalIters))
        }
    }
}
