import Checks

/// What every learning-rate scheduler shares, like PyTorch's
/// `torch.optim.lr_scheduler.LRScheduler`: it owns a step counter (`lastEpoch`) and, at each
/// `step()`, writes the next learning rate into every group of its optimizer.
///
/// Call `step()` once per *epoch* or once per *batch*: the scheduler only counts calls, so
/// its lengths (`milestones`, `tMax`, `totalSteps`) are in whatever unit you step it in. As in
/// PyTorch, call it after `optimizer.step()`:
///
/// ```swift
/// let scheduler = try MultiStepLR(optimizer: optimizer, milestones: [91, 136], gamma: 0.1)
/// for epoch in 0..<182 {
///     for batch in loader { ...; optimizer.step() }
///     scheduler.step()
/// }
/// ```
///
/// Creating a scheduler already performs step 0 (`lastEpoch == 0`): it records each group's
/// learning rate as that group's `initialLearningRate` (unless an earlier scheduler did) and
/// sets the learning rates for the first epoch. `lastLearningRates` always equals the
/// groups' learning rates after a step.
///
/// The schedules compute in `Double` with PyTorch's formulas, in PyTorch's order of
/// operations, so `lastLearningRates` reproduces PyTorch's `get_last_lr()` (to the last bit
/// in the tests).
public class LRScheduler {
    /// The optimizer whose learning rates this scheduler sets.
    public let optimizer: Optimizer

    /// Each group's learning rate before any scheduling: the base the schedule scales.
    public internal(set) var baseLearningRates: [Double]

    /// How many times `step()` has been called since creation (0 right after creation).
    /// PyTorch's `last_epoch`.
    public internal(set) var lastEpoch: Int

    /// The learning rates the last step set, one per group (PyTorch's `get_last_lr()`).
    public internal(set) var lastLearningRates: [Double]

    /// Steps since the initial one (PyTorch's `_step_count`).
    var stepCount = 0

    /// True while the step made at creation runs.
    var isInitial = false

    /// Records the groups' initial learning rates and performs the initial step (epoch 0).
    init(optimizer: Optimizer) {
        self.optimizer = optimizer
        for index in optimizer.groups.indices
        where optimizer.groups[index].initialLearningRate == nil {
            optimizer.groups[index].initialLearningRate = optimizer.groups[index].learningRate
        }
        self.baseLearningRates = optimizer.groups.map {
            $0.initialLearningRate ?? $0.learningRate
        }
        self.lastEpoch = -1
        self.lastLearningRates = optimizer.learningRates
        initialStep()
    }

    /// For `SequentialLR`, which steps its schedulers instead of computing rates itself: no
    /// initial step, `lastEpoch` 0.
    init(sequenceOver optimizer: Optimizer) {
        self.optimizer = optimizer
        self.baseLearningRates = optimizer.groups.map {
            $0.initialLearningRate ?? $0.learningRate
        }
        self.lastEpoch = 0
        self.lastLearningRates = optimizer.learningRates
    }

    /// The scheduler's name in saved states: its type's name (`"MultiStepLR"`).
    public var name: String { String(describing: type(of: self)) }

    /// The learning rate of the first group after the last step: the one to print when there
    /// is a single group.
    public var learningRate: Double { lastLearningRates[0] }

    /// Advances one epoch (or batch) and sets every group's learning rate for it.
    public func step() {
        stepCount += 1
        lastEpoch += 1
        setLearningRates(learningRatesForLastEpoch())
    }

    /// The learning rates for `lastEpoch`, computed as PyTorch's `get_lr()` does: most
    /// schedules update the groups' current rates (recursively), so that they compose with
    /// other changes. Each subclass implements its schedule.
    func learningRatesForLastEpoch() -> [Double] {
        fatalError("\(name): every scheduler subclass computes its learning rates")
    }

    /// The learning rates for `lastEpoch` from the base rates alone (PyTorch's
    /// `_get_closed_form_lr`), where the schedule has such a formula; `nil` otherwise.
    func closedFormLearningRates() -> [Double]? { nil }

    /// Moves straight to `epoch` (PyTorch's `_update_lr(epoch)`): `SequentialLR` restarts each
    /// later scheduler at epoch 0 this way, through the closed form where there is one.
    func jump(toEpoch epoch: Int) {
        lastEpoch = epoch
        setLearningRates(closedFormLearningRates() ?? learningRatesForLastEpoch())
    }

    /// The step made at creation (PyTorch's `_initial_step`).
    func initialStep() {
        stepCount = 0
        isInitial = true
        step()
        isInitial = false
    }

    /// Takes back the step made at creation (PyTorch's `recursive_undo`), for `SequentialLR`.
    func undoInitialStep() {
        lastEpoch -= 1
    }

    /// Writes `rates` into the optimizer's groups and remembers them.
    func setLearningRates(_ rates: [Double]) {
        checkArgument(
            rates.count == optimizer.groups.count,
            "\(name): \(rates.count) learning rates for \(optimizer.groups.count) parameter "
                + "groups (groups added after the scheduler was created are not scheduled)")
        for (index, rate) in rates.enumerated() {
            optimizer.groups[index].learningRate = rate
        }
        lastLearningRates = optimizer.learningRates
    }

    // MARK: - Saving and loading

    /// The schedulers this one drives (`SequentialLR`'s), saved inside its state.
    var children: [LRScheduler] { [] }

    /// The scheduler's position, to save in a checkpoint (PyTorch's `state_dict()`). Its
    /// configuration (milestones, tMax, ...) is not included: rebuild the scheduler with the
    /// same arguments, then `load(_:)`.
    public func stateDict() -> SchedulerState {
        SchedulerState(
            scheduler: name, lastEpoch: lastEpoch, stepCount: stepCount,
            baseLearningRates: baseLearningRates, lastLearningRates: lastLearningRates,
            schedulers: children.map { $0.stateDict() })
    }

    /// Restores a position saved by `stateDict()`, and sets the optimizer's learning rates
    /// (and `OneCycleLR`'s momentum) to the saved step's, so that training continues exactly
    /// as if it had not stopped, whether or not the optimizer's own state was loaded first.
    ///
    /// - Throws: `OptimError`, changing nothing, when the state is from another kind of
    ///   scheduler or another number of groups or sub-schedulers.
    public func load(_ saved: SchedulerState) throws(OptimError) {
        try checkLoadable(saved, label: "\(name).load")
        assign(saved)
        restoreOptimizer()
    }

    /// Checks that `saved` fits this scheduler (and its children).
    func checkLoadable(_ saved: SchedulerState, label: String) throws(OptimError) {
        try require(
            saved.scheduler == name, "\(label): the state was saved by \(saved.scheduler)")
        let groups = optimizer.groups.count
        try require(
            saved.baseLearningRates.count == groups && saved.lastLearningRates.count == groups,
            "\(label): the state has \(saved.lastLearningRates.count) learning rates, the "
                + "optimizer \(groups) parameter groups")
        try require(
            saved.schedulers.count == children.count,
            "\(label): the state holds \(saved.schedulers.count) schedulers, this one "
                + "\(children.count)")
        for (index, (child, childState)) in zip(children, saved.schedulers).enumerated() {
            try child.checkLoadable(childState, label: "\(label): scheduler \(index)")
        }
    }

    /// Copies the saved position into this scheduler and its children.
    func assign(_ saved: SchedulerState) {
        lastEpoch = saved.lastEpoch
        stepCount = saved.stepCount
        baseLearningRates = saved.baseLearningRates
        lastLearningRates = saved.lastLearningRates
        for (child, childState) in zip(children, saved.schedulers) { child.assign(childState) }
    }

    /// Puts the optimizer's hyper-parameters back to this scheduler's last step.
    func restoreOptimizer() {
        for (index, rate) in lastLearningRates.enumerated() {
            optimizer.groups[index].learningRate = rate
        }
    }
}

/// A scheduler's position, for checkpoints: PyTorch's `scheduler.state_dict()` less the
/// configuration. Codable (JSON keeps every `Double` bit for bit).
public struct SchedulerState: Codable, Equatable, Sendable {
    /// The scheduler's type name (`"CosineAnnealingLR"`), checked on load.
    public var scheduler: String
    /// Steps since creation (`LRScheduler.lastEpoch`).
    public var lastEpoch: Int
    /// Steps since the initial one (PyTorch's `_step_count`).
    public var stepCount: Int
    /// Each group's base rate (`LRScheduler.baseLearningRates`).
    public var baseLearningRates: [Double]
    /// The rates the last step set, one per group (`LRScheduler.lastLearningRates`).
    public var lastLearningRates: [Double]
    /// `SequentialLR`'s schedulers, in order; empty for the others.
    public var schedulers: [SchedulerState]
}
