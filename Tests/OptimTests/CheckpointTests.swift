import Foundation
import Optim
import TensorCore
import Testing

/// Saving and loading optimizer and scheduler state: a run that stops, goes through JSON and
/// continues in fresh objects must give the very same numbers as a run that never stopped.
@Suite("Checkpoints")
struct CheckpointTests {
    /// Two groups of parameters, one frozen tensor, and quadratic-loss targets.
    struct Problem {
        var parameters: [Tensor]
        var targets: [Tensor]

        init() {
            parameters = [
                parameter([0.5, -1, 2], shape: [3]), parameter([1, 2, 3, 4], shape: [2, 2]),
                parameter([7], shape: [1]),
            ]
            parameters[2].requiresGrad = false
            targets = [
                Tensor(shape: [3], data: [1, 1, 1]), Tensor(shape: [2, 2], data: [0, 0, 0, 0]),
                Tensor(shape: [1], data: [0]),
            ]
        }

        /// The same problem at the same values, as rebuilt from a model checkpoint.
        func reloaded() -> Problem {
            var copy = self
            copy.parameters = copies(of: parameters)
            return copy
        }
    }

    /// A fresh optimizer of `kind` over `problem`'s parameters, in two groups.
    static func makeOptimizer(_ kind: String, _ problem: Problem) throws -> Optimizer {
        let groups = [
            ParameterGroup([problem.parameters[0]], learningRate: 0.05),
            ParameterGroup(Array(problem.parameters[1...]), weightDecay: 0.01),
        ]
        switch kind {
        case "SGD":
            return try SGD(groups: groups, learningRate: 0.1, momentum: 0.9, nesterov: true)
        case "Adam": return try Adam(groups: groups, learningRate: 0.1)
        default: return try AdamW(groups: groups, learningRate: 0.1)
        }
    }

    /// A fresh scheduler for `optimizer`: warm-up then cosine for SGD, 1cycle for the others.
    static func makeScheduler(_ optimizer: Optimizer) throws -> LRScheduler {
        if optimizer is SGD {
            return try SequentialLR(
                optimizer: optimizer,
                schedulers: [
                    LinearLR(optimizer: optimizer, startFactor: 0.2, totalIters: 3),
                    CosineAnnealingLR(optimizer: optimizer, tMax: 9, etaMin: 0.001),
                ],
                milestones: [3])
        }
        return try OneCycleLR(optimizer: optimizer, maxLearningRate: 0.2, totalSteps: 12)
    }

    @Test(arguments: ["SGD", "Adam", "AdamW"])
    func optimizerResumesBitForBit(_ kind: String) throws {
        let straight = Problem()
        let optimizer = try Self.makeOptimizer(kind, straight)
        for _ in 0..<6 { trainingStep(optimizer, straight.parameters, targets: straight.targets) }

        let first = Problem()
        let stopped = try Self.makeOptimizer(kind, first)
        for _ in 0..<3 { trainingStep(stopped, first.parameters, targets: first.targets) }
        let saved = try jsonRoundTrip(stopped.stateDict())
        #expect(saved == stopped.stateDict())

        let second = first.reloaded()
        let resumed = try Self.makeOptimizer(kind, second)
        try resumed.load(saved)
        for _ in 0..<3 { trainingStep(resumed, second.parameters, targets: second.targets) }

        for (a, b) in zip(straight.parameters, second.parameters) { #expect(a.data == b.data) }
        #expect(resumed.stateDict() == optimizer.stateDict())
        #expect(second.parameters[2].data == [7])
    }

    /// Training with a scheduler stops at step 5 of 12, and resumes in new objects; the
    /// optimizer's and scheduler's states are loaded in either order.
    @Test(arguments: ["SGD", "Adam"], [true, false])
    func trainingWithASchedulerResumesBitForBit(_ kind: String, optimizerFirst: Bool) throws {
        let straight = Problem()
        let optimizer = try Self.makeOptimizer(kind, straight)
        let scheduler = try Self.makeScheduler(optimizer)
        var straightRates: [Double] = []
        for _ in 0..<12 {
            trainingStep(optimizer, straight.parameters, targets: straight.targets)
            scheduler.step()
            straightRates += scheduler.lastLearningRates
        }

        let first = Problem()
        let stoppedOptimizer = try Self.makeOptimizer(kind, first)
        let stoppedScheduler = try Self.makeScheduler(stoppedOptimizer)
        var rates: [Double] = []
        for _ in 0..<5 {
            trainingStep(stoppedOptimizer, first.parameters, targets: first.targets)
            stoppedScheduler.step()
            rates += stoppedScheduler.lastLearningRates
        }
        let savedOptimizer = try jsonRoundTrip(stoppedOptimizer.stateDict())
        let savedScheduler = try jsonRoundTrip(stoppedScheduler.stateDict())
        #expect(savedScheduler == stoppedScheduler.stateDict())

        let second = first.reloaded()
        let resumedOptimizer = try Self.makeOptimizer(kind, second)
        let resumedScheduler = try Self.makeScheduler(resumedOptimizer)
        if optimizerFirst {
            try resumedOptimizer.load(savedOptimizer)
            try resumedScheduler.load(savedScheduler)
        } else {
            try resumedScheduler.load(savedScheduler)
            try resumedOptimizer.load(savedOptimizer)
        }
        #expect(resumedOptimizer.stateDict() == stoppedOptimizer.stateDict())
        for _ in 5..<12 {
            trainingStep(resumedOptimizer, second.parameters, targets: second.targets)
            resumedScheduler.step()
            rates += resumedScheduler.lastLearningRates
        }

        #expect(rates == straightRates)
        for (a, b) in zip(straight.parameters, second.parameters) { #expect(a.data == b.data) }
        #expect(resumedOptimizer.stateDict() == optimizer.stateDict())
        #expect(resumedScheduler.stateDict() == scheduler.stateDict())
    }

    @Test func savedStateNumbersParametersAcrossGroups() throws {
        let problem = Problem()
        let optimizer = try Self.makeOptimizer("Adam", problem)
        trainingStep(optimizer, problem.parameters, targets: problem.targets)
        let state = optimizer.stateDict()
        #expect(state.optimizer == "Adam")
        #expect(state.groups.map(\.parameterCount) == [1, 2])
        #expect(state.groups[1].weightDecay == 0.01 && state.groups[1].beta1 == 0.9)
        #expect(state.groups[0].momentum == nil)
        #expect(state.parameters.count == 3)
        #expect(state.parameters[1]?.expAvg?.count == 4)
        #expect(state.parameters[2] == nil)  // frozen
    }

    @Test func loadRejectsAStateThatDoesNotFit() throws {
        let problem = Problem()
        let sgd = try Self.makeOptimizer("SGD", problem)
        trainingStep(sgd, problem.parameters, targets: problem.targets)
        let saved = sgd.stateDict()

        let adam = try Self.makeOptimizer("Adam", Problem())
        expectOptimError("saved by SGD") { try adam.load(saved) }

        let oneGroup = try SGD(parameters: Problem().parameters, learningRate: 0.1)
        expectOptimError("2 parameter groups") { try oneGroup.load(saved) }

        var resized = saved
        resized.parameters[1]?.momentumBuffer = [1, 2]
        let target = try Self.makeOptimizer("SGD", Problem())
        expectOptimError("momentumBuffer has 2 elements") { try target.load(resized) }
        #expect(target.stateDict().parameters.allSatisfy { $0 == nil })  // nothing changed

        var badRate = saved
        badRate.groups[0].learningRate = -1
        expectOptimError("invalid learning rate") { try target.load(badRate) }
        #expect(target.groups[0].learningRate == 0.05)

        let scheduler = try MultiStepLR(optimizer: target, milestones: [1])
        expectOptimError("saved by SequentialLR") {
            try scheduler.load(Self.makeScheduler(sgd).stateDict())
        }
    }
}
