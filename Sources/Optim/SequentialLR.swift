/// Runs schedulers one after another, switching at milestones: PyTorch's `SequentialLR`,
/// the way to put a warm-up in front of another schedule.
///
/// ```swift
/// let warmup = try LinearLR(optimizer: optimizer, startFactor: 0.1, totalIters: 5)
/// let cosine = try CosineAnnealingLR(optimizer: optimizer, tMax: 95)
/// let scheduler = try SequentialLR(
///     optimizer: optimizer, schedulers: [warmup, cosine], milestones: [5])
/// ```
///
/// Create the schedulers first, on the same optimizer, then the sequence, and step only the
/// sequence. It resets the rates to the groups' initial ones, takes back the step each
/// scheduler made at creation, and restarts the first. At step `milestones[i]` it restarts
/// scheduler i + 1 at its epoch 0 (from its closed form: the base rate for a cosine or
/// multi-step schedule, base · startFactor for `LinearLR`), and steps it from then on; so
/// each scheduler counts its epochs from its own start.
public final class SequentialLR: LRScheduler {
    /// The schedulers, in the order they run.
    public let schedulers: [LRScheduler]

    /// The steps at which the next scheduler takes over, increasing.
    public let milestones: [Int]

    /// A sequence of `schedulers` on `optimizer`, switching at `milestones`; creating it resets
    /// the rates to the groups' initial ones and restarts the first scheduler.
    ///
    /// - Parameters:
    ///   - optimizer: the optimizer whose learning rates the schedulers set.
    ///   - schedulers: at least one, all created on `optimizer`.
    ///   - milestones: one fewer than the schedulers, strictly increasing and > 0.
    /// - Throws: `OptimError` when the counts disagree, a scheduler belongs to another
    ///   optimizer, or the milestones are not increasing positive numbers (PyTorch leaves
    ///   those unchecked).
    public init(optimizer: Optimizer, schedulers: [LRScheduler], milestones: [Int])
        throws(OptimError)
    {
        let label = "SequentialLR"
        try require(!schedulers.isEmpty, "\(label): expects at least one scheduler, got none")
        for (index, scheduler) in schedulers.enumerated() {
            try require(
                scheduler.optimizer === optimizer,
                "\(label): expects all schedulers to belong to the same optimizer, but "
                    + "scheduler \(index) (\(scheduler.name)) has another")
        }
        try require(
            milestones.count == schedulers.count - 1,
            "\(label): expects one milestone fewer than schedulers, got \(schedulers.count) "
                + "schedulers and \(milestones.count) milestones")
        try require(
            milestones.allSatisfy { $0 > 0 }
                && zip(milestones, milestones.dropFirst()).allSatisfy { $0 < $1 },
            "\(label): milestones must be positive and strictly increasing, got \(milestones)")
        self.schedulers = schedulers
        self.milestones = milestones
        super.init(sequenceOver: optimizer)
        for index in optimizer.groups.indices {
            optimizer.groups[index].learningRate = baseLearningRates[index]
        }
        undoInitialStep()
        schedulers[0].initialStep()
        lastLearningRates = schedulers[0].lastLearningRates
    }

    /// The scheduler in charge at `epoch`: PyTorch's `bisect_right(milestones, epoch)`.
    private func activeIndex(at epoch: Int) -> Int {
        milestones.count { $0 <= epoch }
    }

    override public func step() {
        lastEpoch += 1
        let index = activeIndex(at: lastEpoch)
        let scheduler = schedulers[index]
        if index > 0 && milestones[index - 1] == lastEpoch {
            scheduler.jump(toEpoch: 0)
        } else {
            scheduler.step()
        }
        lastLearningRates = scheduler.lastLearningRates
    }

    override func undoInitialStep() {
        for scheduler in schedulers { scheduler.undoInitialStep() }
    }

    override var children: [LRScheduler] { schedulers }

    override func restoreOptimizer() {
        schedulers[activeIndex(at: lastEpoch)].restoreOptimizer()
        super.restoreOptimizer()
    }
}
