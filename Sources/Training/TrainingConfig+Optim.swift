import Optim
import TensorCore

extension TrainingConfig {
    /// The optimizer this configuration names, over `parameters`.
    /// - Throws: `TrainingError.invalidConfiguration` for settings the optimizer refuses.
    public func makeOptimizer(parameters: [Tensor]) throws(TrainingError) -> Optimizer {
        do {
            switch optimizer {
            case .sgd:
                return try SGD(
                    parameters: parameters, learningRate: learningRate, momentum: momentum,
                    weightDecay: weightDecay, nesterov: nesterov)
            case .adam:
                return try Adam(
                    parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
            case .adamw:
                return try AdamW(
                    parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
            }
        } catch {
            throw .invalidConfiguration("--optimizer \(optimizer.rawValue): \(error)")
        }
    }

    /// Buffers the optimizer keeps per parameter: SGD's velocity (none without momentum),
    /// Adam's two moments.
    public var optimizerBufferCount: Int {
        switch optimizer {
        case .sgd: momentum > 0 ? 1 : 0
        case .adam, .adamw: 2
        }
    }

    /// The learning-rate schedule, stepped once per batch, for a run of `totalSteps` steps of
    /// which the first `warmupEpochs · stepsPerEpoch` warm up linearly from a tenth of the
    /// learning rate. nil for a constant rate without warm-up.
    ///
    /// - multistep: ×0.1 at 50% and 75% of the steps after the warm-up;
    /// - cosine: from the learning rate to 0 over the steps after the warm-up;
    /// - onecycle: `OneCycleLR` over all the steps (momentum cycled too).
    /// - Throws: `TrainingError.invalidConfiguration` when the run is too short for the
    ///   schedule.
    public func makeScheduler(
        for optimizer: Optimizer, totalSteps: Int, stepsPerEpoch: Int
    ) throws(TrainingError) -> LRScheduler? {
        let warmupSteps = warmupEpochs * stepsPerEpoch
        try requireSetting(
            warmupSteps < totalSteps,
            "--warmup-epochs \(warmupEpochs): the warm-up (\(warmupSteps) "
                + "steps) must be shorter than the run (\(totalSteps) steps)")
        let afterWarmup = totalSteps - warmupSteps
        do {
            // As in PyTorch, the warm-up is created first, then the schedule it hands over to.
            let warmup =
                warmupSteps > 0
                ? try LinearLR(
                    optimizer: optimizer, startFactor: 0.1, endFactor: 1, totalIters: warmupSteps)
                : nil
            let main: LRScheduler?
            switch schedule {
            case .none:
                main = nil
            case .multistep:
                let milestones = [afterWarmup / 2, afterWarmup * 3 / 4].map { max(1, $0) }
                main = try MultiStepLR(optimizer: optimizer, milestones: milestones, gamma: 0.1)
            case .cosine:
                main = try CosineAnnealingLR(optimizer: optimizer, tMax: max(1, afterWarmup))
            case .onecycle:
                let cycles = self.optimizer != .sgd || momentum > 0
                main = try OneCycleLR(
                    optimizer: optimizer, maxLearningRate: learningRate, totalSteps: totalSteps,
                    cycleMomentum: cycles)
            }
            guard let warmup, let main else { return warmup ?? main }
            return try SequentialLR(
                optimizer: optimizer, schedulers: [warmup, main], milestones: [warmupSteps])
        } catch {
            throw .invalidConfiguration("--schedule \(schedule.rawValue): \(error)")
        }
    }
}
