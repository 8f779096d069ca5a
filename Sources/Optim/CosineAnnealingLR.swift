import Foundation

/// Cosine annealing from each group's base rate down to ηmin over tMax steps (Loshchilov &
/// Hutter 2017, SGDR, without restarts): PyTorch's `CosineAnnealingLR`.
///
/// The schedule is
///
///     lr(t) = ηmin + (base − ηmin) · (1 + cos(π·t / tMax)) / 2
///
/// but, like PyTorch, each step computes it *recursively* from the current rate, and these
/// are the values it reproduces (they differ from the closed form in the last bits, and
/// follow any other change made to the rate):
///
///     lr ← ηmin + (lr − ηmin) · (1 + cos(π·t / tMax)) / (1 + cos(π·(t − 1) / tMax))
///
/// except at t = tMax + 1 + 2k·tMax, where that ratio would divide by zero and PyTorch adds
/// (base − ηmin)·(1 − cos(π / tMax)) / 2 instead. Past tMax the rate climbs back up along the
/// cosine (period 2·tMax), as in PyTorch: step it tMax times for a single descent. The
/// closed form is used when `SequentialLR` starts this schedule.
public final class CosineAnnealingLR: LRScheduler {
    /// The number of steps from the base rate down to ηmin.
    public let tMax: Int

    /// ηmin, the rate at step tMax.
    public let etaMin: Double

    /// A cosine schedule on `optimizer`'s groups, from each group's base rate down to `etaMin`
    /// in `tMax` steps. Creating it performs step 0, as every ``LRScheduler`` does.
    ///
    /// - Parameters:
    ///   - optimizer: the optimizer whose learning rates it sets.
    ///   - tMax: steps in the descent, ≥ 1.
    ///   - etaMin: the final rate ηmin (PyTorch's default 0).
    /// - Throws: `OptimError` for tMax < 1 (PyTorch fails dividing by zero at its first
    ///   step) or a non-finite ηmin.
    public init(optimizer: Optimizer, tMax: Int, etaMin: Double = 0) throws(OptimError) {
        try require(tMax >= 1, "CosineAnnealingLR: tMax must be ≥ 1, got \(tMax)")
        try require(etaMin.isFinite, "CosineAnnealingLR: etaMin must be finite, got \(etaMin)")
        self.tMax = tMax
        self.etaMin = etaMin
        super.init(optimizer: optimizer)
    }

    override func learningRatesForLastEpoch() -> [Double] {
        let current = optimizer.learningRates
        if isInitial { return current }
        let t = Double(lastEpoch)
        let period = Double(tMax)
        if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
            return zip(current, baseLearningRates).map { rate, base in
                rate + (base - etaMin) * (1 - cos(Double.pi / period)) / 2
            }
        }
        let ratio = (1 + cos(Double.pi * t / period)) / (1 + cos(Double.pi * (t - 1) / period))
        return current.map { ratio * ($0 - etaMin) + etaMin }
    }

    override func closedFormLearningRates() -> [Double]? {
        let t = Double(lastEpoch)
        return baseLearningRates.map { base in
            etaMin + (base - etaMin) * (1 + cos(Double.pi * t / Double(tMax))) / 2
        }
    }
}
