import Foundation

/// Multiplies every group's learning rate by γ at each milestone: PyTorch's `MultiStepLR`,
/// the schedule of the ResNet paper (He et al. 2015: γ = 0.1 at 32k and 48k iterations on
/// CIFAR-10).
///
///     lr ← lr · γⁿ   at the step where lastEpoch equals a milestone listed n times
///
/// so that, with nothing else changing the rate, lr = base · γ^(milestones ≤ lastEpoch).
/// Milestones count `step()` calls (epochs or batches, as you step it).
public final class MultiStepLR: LRScheduler {
    /// The steps at which the rate decays, sorted (a repeated milestone decays by γ per
    /// repetition).
    public let milestones: [Int]

    /// The decay factor γ.
    public let gamma: Double

    /// A step-decay schedule on `optimizer`'s groups. Creating it performs step 0, which
    /// leaves the rates as they are unless 0 is a milestone.
    ///
    /// - Parameters:
    ///   - optimizer: the optimizer whose learning rates it sets.
    ///   - milestones: the `lastEpoch` values at which to decay, in any order.
    ///   - gamma: γ, a finite number ≥ 0 (PyTorch's default 0.1).
    /// - Throws: `OptimError` for a negative or non-finite γ (PyTorch does not check).
    public init(optimizer: Optimizer, milestones: [Int], gamma: Double = 0.1) throws(OptimError) {
        try require(
            gamma >= 0 && gamma.isFinite,
            "MultiStepLR: gamma must be a finite number ≥ 0, got \(gamma)")
        self.milestones = milestones.sorted()
        self.gamma = gamma
        super.init(optimizer: optimizer)
    }

    override func learningRatesForLastEpoch() -> [Double] {
        let hits = milestones.count { $0 == lastEpoch }
        guard hits > 0 else { return optimizer.learningRates }
        return optimizer.learningRates.map { $0 * pow(gamma, Double(hits)) }
    }

    override func closedFormLearningRates() -> [Double]? {
        let passed = milestones.count { $0 <= lastEpoch }
        return baseLearningRates.map { $0 * pow(gamma, Double(passed)) }
    }
}
