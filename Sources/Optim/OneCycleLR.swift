import Checks
import Foundation

/// The 1cycle policy (Smith & Topin 2018, "Super-Convergence"): PyTorch's `OneCycleLR`.
/// Step it once per *batch*, `totalSteps` times in all.
///
/// The learning rate rises from initial = max / divFactor to max over the first
/// pctStart·totalSteps steps, then anneals to min = initial / finalDivFactor at the last step
/// (`threePhase`: rises, comes back down to initial symmetrically, then anneals to min).
/// Between phase ends it interpolates with
///
///     cos:     end + (start − end) / 2 · (1 + cos(π·pct))
///     linear:  (end − start) · pct + start
///
/// where pct is the fraction of the phase done. Phase ends fall at steps
/// pctStart·totalSteps − 1 (and 2·pctStart·totalSteps − 2 with `threePhase`) and
/// totalSteps − 1, as in PyTorch.
///
/// With `cycleMomentum` (the default, as in PyTorch) the momentum moves the opposite way,
/// from maxMomentum down to baseMomentum while the rate rises and back up after, and is
/// written into the groups: SGD's `momentum`, Adam's β₁. Creating the scheduler sets it to
/// maxMomentum, so this turns plain SGD into SGD with momentum, as PyTorch does. The rates are
/// computed from the phase ends each step (no recursion), and stepping past `totalSteps`
/// stops the program, as PyTorch raises.
public final class OneCycleLR: LRScheduler {
    /// How a phase moves between its end values.
    public enum AnnealStrategy: String, Codable, Sendable {
        /// Half a cosine: slow at both ends.
        case cos
        /// A straight line.
        case linear
    }

    /// The number of `step()` calls the schedule spans.
    public let totalSteps: Int

    /// Each group's peak learning rate.
    public let maxLearningRates: [Double]

    /// Each group's final learning rate, max / divFactor / finalDivFactor.
    public let minLearningRates: [Double]

    /// The interpolation between phase ends.
    public let annealStrategy: AnnealStrategy

    /// The momentum range cycled, or `nil` without momentum cycling.
    public let momentumRange: (base: Double, max: Double)?

    /// One phase: where it ends, and its end values (per group for the rate).
    private struct Phase {
        var endStep: Double
        var startRates: [Double]
        var endRates: [Double]
        var startMomentum: Double
        var endMomentum: Double
    }

    private let phases: [Phase]

    /// The group option cycled as momentum (SGD's `momentum`, Adam's β₁).
    private let momentumKeyPath: WritableKeyPath<ParameterGroup, Double>?

    /// A 1cycle schedule with the same peak rate for every group.
    ///
    /// - Parameters:
    ///   - optimizer: the optimizer whose learning rates (and momentum) it sets.
    ///   - maxLearningRate: the peak rate of every group, finite and ≥ 0.
    ///   - totalSteps: the number of steps, ≥ 1.
    ///   - pctStart: the fraction of the steps spent rising, in [0, 1] (default 0.3).
    ///   - annealStrategy: how each phase moves between its ends (default `.cos`).
    ///   - cycleMomentum: whether the momentum moves against the rate (default true).
    ///   - baseMomentum: the momentum at the peak rate (default 0.85).
    ///   - maxMomentum: the momentum at the lowest rates (default 0.95).
    ///   - divFactor: initial = max / divFactor (> 0, default 25).
    ///   - finalDivFactor: min = initial / finalDivFactor (> 0, default 1e4).
    ///   - threePhase: whether the rate comes back down to initial before annealing to min.
    /// - Throws: `OptimError` as `init(optimizer:maxLearningRates:...)`.
    public convenience init(
        optimizer: Optimizer, maxLearningRate: Double, totalSteps: Int, pctStart: Double = 0.3,
        annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
        baseMomentum: Double = 0.85, maxMomentum: Double = 0.95, divFactor: Double = 25,
        finalDivFactor: Double = 1e4, threePhase: Bool = false
    ) throws(OptimError) {
        try self.init(
            optimizer: optimizer,
            maxLearningRates: Array(repeating: maxLearningRate, count: optimizer.groups.count),
            totalSteps: totalSteps, pctStart: pctStart, annealStrategy: annealStrategy,
            cycleMomentum: cycleMomentum, baseMomentum: baseMomentum, maxMomentum: maxMomentum,
            divFactor: divFactor, finalDivFactor: finalDivFactor, threePhase: threePhase)
    }

    /// A 1cycle schedule with a peak rate per group. Sets each group's `initialLearningRate`
    /// to max / divFactor (and its momentum to maxMomentum when cycling).
    ///
    /// - Parameters:
    ///   - optimizer: the optimizer whose learning rates (and momentum) it sets.
    ///   - maxLearningRates: the peak rate of each group, finite and ≥ 0.
    ///   - totalSteps: the number of steps, ≥ 1.
    ///   - pctStart: the fraction of the steps spent rising, in [0, 1].
    ///   - annealStrategy: how each phase moves between its ends (default `.cos`).
    ///   - cycleMomentum: whether the momentum moves against the rate (default true); the
    ///     optimizer must have one (SGD's `momentum`, Adam's β₁).
    ///   - baseMomentum: the momentum at the peak rate (default 0.85).
    ///   - maxMomentum: the momentum at the lowest rates (default 0.95).
    ///   - divFactor: initial = max / divFactor (> 0).
    ///   - finalDivFactor: min = initial / finalDivFactor (> 0).
    ///   - threePhase: whether the rate comes back down to initial, symmetrically, before
    ///     annealing to min (default false).
    /// - Throws: `OptimError` for arguments out of range, a count of rates other than the
    ///   number of groups, momenta that are not finite or an optimizer with no momentum to
    ///   cycle, or a phase of zero length (pctStart·totalSteps = 1, or pctStart = 1: PyTorch
    ///   fails dividing by zero there).
    public init(
        optimizer: Optimizer, maxLearningRates: [Double], totalSteps: Int,
        pctStart: Double = 0.3, annealStrategy: AnnealStrategy = .cos,
        cycleMomentum: Bool = true, baseMomentum: Double = 0.85, maxMomentum: Double = 0.95,
        divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false
    ) throws(OptimError) {
        let label = "OneCycleLR"
        try require(
            totalSteps > 0, "\(label): expected a positive totalSteps, got \(totalSteps)")
        try require(
            pctStart >= 0 && pctStart <= 1,
            "\(label): expected pctStart between 0 and 1, got \(pctStart)")
        try require(
            maxLearningRates.count == optimizer.groups.count,
            "\(label): \(maxLearningRates.count) maxLearningRates for "
                + "\(optimizer.groups.count) parameter groups")
        for rate in maxLearningRates {
            try require(
                rate >= 0 && rate.isFinite,
                "\(label): max learning rates must be finite and ≥ 0, got \(rate)")
        }
        for (factor, factorName) in [(divFactor, "divFactor"), (finalDivFactor, "finalDivFactor")] {
            try require(
                factor > 0 && factor.isFinite,
                "\(label): \(factorName) must be a finite number > 0, got \(factor)")
        }
        var keyPath: WritableKeyPath<ParameterGroup, Double>? = nil
        if cycleMomentum {
            try require(
                baseMomentum.isFinite && maxMomentum.isFinite,
                "\(label): momenta must be finite, got \(baseMomentum) and \(maxMomentum)")
            guard let path = optimizer.cycledMomentum else {
                throw OptimError(
                    "\(label): \(optimizer.name) has no momentum or beta1 to cycle; pass "
                        + "cycleMomentum: false")
            }
            keyPath = path
        }

        let initial = maxLearningRates.map { $0 / divFactor }
        let minimum = initial.map { $0 / finalDivFactor }
        let rise = pctStart * Double(totalSteps) - 1
        let last = Double(totalSteps - 1)
        let phases: [Phase]
        if threePhase {
            phases = [
                Phase(
                    endStep: rise, startRates: initial, endRates: maxLearningRates,
                    startMomentum: maxMomentum, endMomentum: baseMomentum),
                Phase(
                    endStep: 2 * pctStart * Double(totalSteps) - 2, startRates: maxLearningRates,
                    endRates: initial, startMomentum: baseMomentum, endMomentum: maxMomentum),
                Phase(
                    endStep: last, startRates: initial, endRates: minimum,
                    startMomentum: maxMomentum, endMomentum: maxMomentum),
            ]
        } else {
            phases = [
                Phase(
                    endStep: rise, startRates: initial, endRates: maxLearningRates,
                    startMomentum: maxMomentum, endMomentum: baseMomentum),
                Phase(
                    endStep: last, startRates: maxLearningRates, endRates: minimum,
                    startMomentum: baseMomentum, endMomentum: maxMomentum),
            ]
        }
        var phaseStart = 0.0
        for (index, phase) in phases.enumerated() {
            try require(
                phase.endStep != phaseStart,
                "\(label): phase \(index + 1) of the schedule has zero length (pctStart "
                    + "\(pctStart), totalSteps \(totalSteps)); choose another pctStart")
            phaseStart = phase.endStep
        }

        self.totalSteps = totalSteps
        self.maxLearningRates = maxLearningRates
        self.minLearningRates = minimum
        self.annealStrategy = annealStrategy
        self.momentumRange = cycleMomentum ? (baseMomentum, maxMomentum) : nil
        self.phases = phases
        self.momentumKeyPath = keyPath
        for index in optimizer.groups.indices {
            optimizer.groups[index].initialLearningRate = initial[index]
            if let keyPath { optimizer.groups[index][keyPath: keyPath] = maxMomentum }
        }
        super.init(optimizer: optimizer)
    }

    /// Where step `stepNumber` falls: its phase, and the fraction of that phase done.
    private func position(at stepNumber: Int) -> (phase: Phase, pct: Double) {
        var startStep = 0.0
        for (index, phase) in phases.enumerated() {
            if Double(stepNumber) <= phase.endStep || index == phases.count - 1 {
                return (phase, (Double(stepNumber) - startStep) / (phase.endStep - startStep))
            }
            startStep = phase.endStep
        }
        fatalError("OneCycleLR: no phase for step \(stepNumber)")  // the last phase takes all
    }

    /// From `start` (pct = 0) to `end` (pct = 1).
    private func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch annealStrategy {
        case .cos: end + (start - end) / 2.0 * (cos(Double.pi * pct) + 1)
        case .linear: (end - start) * pct + start
        }
    }

    override func learningRatesForLastEpoch() -> [Double] {
        checkArgument(
            lastEpoch <= totalSteps,
            "OneCycleLR: tried to step \(lastEpoch) times; the specified number of total steps "
                + "is \(totalSteps)")
        let (phase, pct) = position(at: lastEpoch)
        setMomentum(phase: phase, pct: pct)
        return optimizer.groups.indices.map { index in
            anneal(phase.startRates[index], phase.endRates[index], pct)
        }
    }

    /// Writes the cycled momentum for this point of the schedule into every group.
    private func setMomentum(phase: Phase, pct: Double) {
        guard let momentumKeyPath else { return }
        let momentum = anneal(phase.startMomentum, phase.endMomentum, pct)
        for index in optimizer.groups.indices {
            optimizer.groups[index][keyPath: momentumKeyPath] = momentum
        }
    }

    override func restoreOptimizer() {
        super.restoreOptimizer()
        let (phase, pct) = position(at: lastEpoch)
        setMomentum(phase: phase, pct: pct)
    }
}
