import Foundation
import Optim
import TensorCore
import TestSupport
import Testing

/// Learning-rate schedules worked out by hand, with one group at learning rate 1.
@Suite("Schedulers by hand")
struct SchedulerTests {
    /// An SGD optimizer over one parameter with learning rate `rate` (and momentum 0.9).
    func optimizer(learningRate rate: Double = 1) throws -> SGD {
        try SGD(parameters: [parameter([0])], learningRate: rate, momentum: 0.9)
    }

    /// The first group's rate after creation and after each of `steps` steps.
    func rates(_ scheduler: LRScheduler, steps: Int) -> [Double] {
        var rates = [scheduler.learningRate]
        for _ in 0..<steps {
            scheduler.optimizer.step()
            scheduler.step()
            rates.append(scheduler.learningRate)
        }
        return rates
    }

    @Test func multiStepDecaysAtEachMilestone() throws {
        // γ = 0.5 at epochs 2 and 4: 1, 1, 0.5, 0.5, 0.25, 0.25
        let scheduler = try MultiStepLR(optimizer: optimizer(), milestones: [2, 4], gamma: 0.5)
        #expect(rates(scheduler, steps: 5) == [1, 1, 0.5, 0.5, 0.25, 0.25])
        #expect(scheduler.lastEpoch == 5)
    }

    @Test func cosineFallsToEtaMinThenClimbsBack() throws {
        // tMax = 2: lr(t) = (1 + cos(πt/2)) / 2 = 1, 0.5, 0; then back up: 0.5, 1.
        let scheduler = try CosineAnnealingLR(optimizer: optimizer(), tMax: 2)
        expectClose(rates(scheduler, steps: 4), [1, 0.5, 0, 0.5, 1], relative: 1e-12)
    }

    @Test func cosineClosedFormAgreesWithTheRecursion() throws {
        // ηmin + (base − ηmin)(1 + cos(πt/T))/2 with base 0.1, ηmin 0.001, T = 10.
        let scheduler = try CosineAnnealingLR(
            optimizer: optimizer(learningRate: 0.1), tMax: 10, etaMin: 0.001)
        let closedForm: [Double] = (0...10).map { t in
            let cosine = cos(Double.pi * Double(t) / 10)
            return 0.001 + (0.1 - 0.001) * (1 + cosine) / 2
        }
        expectClose(rates(scheduler, steps: 10), closedForm, relative: 1e-12)
    }

    @Test func linearWarmupRisesToTheBaseRate() throws {
        // start 0.5, end 1, 2 steps: 0.5, 0.75, 1, then stays.
        let scheduler = try LinearLR(
            optimizer: optimizer(), startFactor: 0.5, endFactor: 1, totalIters: 2)
        expectClose(rates(scheduler, steps: 4), [0.5, 0.75, 1, 1, 1], relative: 1e-12)
    }

    @Test func oneCycleLinearRisesThenAnneals() throws {
        // max 1, div 10 → initial 0.1, final div 100 → min 0.001; 10 steps, pct 0.3:
        // phase ends at steps 0.3·10 − 1 = 2 and 9.
        //   step 0: 0.1   step 1: halfway, 0.55   step 2: 1
        //   step 3: 1 + (0.001 − 1)·(1/7)   ...   step 9: 0.001
        //   step 10 (allowed, as in PyTorch): 1 + (0.001 − 1)·(8/7)
        let optimizer = try optimizer()
        let scheduler = try OneCycleLR(
            optimizer: optimizer, maxLearningRate: 1, totalSteps: 10, annealStrategy: .linear,
            baseMomentum: 0.85, maxMomentum: 0.95, divFactor: 10, finalDivFactor: 100)
        #expect(optimizer.groups[0].initialLearningRate == 0.1)
        #expect(optimizer.groups[0].momentum == 0.95)
        let values = rates(scheduler, steps: 10)
        expectClose(Array(values[0...3]), [0.1, 0.55, 1, 1 - 0.999 / 7], relative: 1e-12)
        expectClose([values[9], values[10]], [0.001, 1 - 0.999 * 8 / 7], relative: 1e-12)
        // Momentum runs the other way: 0.95 at the start and end, 0.85 at the peak.
        #expect(abs(optimizer.groups[0].momentum - (0.85 + 0.1 * 8 / 7)) < 1e-12)
    }

    @Test func oneCycleCyclesAdamsBeta1() throws {
        let optimizer = try Adam(parameters: [parameter([0])], learningRate: 0.01)
        let scheduler = try OneCycleLR(
            optimizer: optimizer, maxLearningRate: 0.01, totalSteps: 10, pctStart: 0.5)
        #expect(optimizer.groups[0].betas.0 == 0.95)
        for _ in 0..<4 { scheduler.step() }  // step 4 is the peak (0.5·10 − 1)
        #expect(abs(optimizer.groups[0].betas.0 - 0.85) < 1e-12)
        #expect(optimizer.groups[0].betas.1 == 0.999)
    }

    @Test func oneCycleWithoutMomentumLeavesMomentumAlone() throws {
        let optimizer = try optimizer()
        _ = try OneCycleLR(
            optimizer: optimizer, maxLearningRate: 1, totalSteps: 10, cycleMomentum: false)
        #expect(optimizer.groups[0].momentum == 0.9)
    }

    @Test func sequenceRestartsTheNextSchedulerAtItsMilestone() throws {
        // Warm-up 0.5 → 1 over 2 steps, then MultiStepLR(γ 0.1 at its own epoch 1) from
        // step 2: 0.5, 0.75, 1 (multi-step epoch 0), 0.1 (its epoch 1), 0.1.
        let optimizer = try optimizer()
        let warmup = try LinearLR(
            optimizer: optimizer, startFactor: 0.5, endFactor: 1, totalIters: 2)
        let decay = try MultiStepLR(optimizer: optimizer, milestones: [1], gamma: 0.1)
        let scheduler = try SequentialLR(
            optimizer: optimizer, schedulers: [warmup, decay], milestones: [2])
        expectClose(rates(scheduler, steps: 4), [0.5, 0.75, 1, 0.1, 0.1], relative: 1e-12)
        #expect(scheduler.lastEpoch == 4)
        #expect(decay.lastEpoch == 2)
    }

    @Test func firstSchedulerRecordsTheInitialRate() throws {
        let optimizer = try optimizer(learningRate: 0.2)
        let warmup = try LinearLR(optimizer: optimizer, startFactor: 0.1)
        #expect(optimizer.groups[0].initialLearningRate == 0.2)
        #expect(abs(optimizer.groups[0].learningRate - 0.02) < 1e-15)
        // A second scheduler keeps the recorded base, not the warmed-down rate.
        let cosine = try CosineAnnealingLR(optimizer: optimizer, tMax: 10)
        #expect(cosine.baseLearningRates == [0.2])
        #expect(warmup.baseLearningRates == [0.2])
    }

    @Test func schedulersSetEveryGroup() throws {
        let optimizer = try SGD(
            groups: [
                ParameterGroup([parameter([0])], learningRate: 0.1),
                ParameterGroup([parameter([0])], learningRate: 0.01),
            ],
            learningRate: 0.1)
        let scheduler = try MultiStepLR(optimizer: optimizer, milestones: [1], gamma: 0.5)
        scheduler.step()
        #expect(scheduler.lastLearningRates == [0.05, 0.005])
        #expect(optimizer.learningRates == [0.05, 0.005])
    }

    @Test func oneCycleStopsWhenSteppedPastItsEnd() async {
        await #expect(processExitsWith: .failure) {
            let optimizer = try SGD(parameters: [parameter([0])], learningRate: 0.1)
            let scheduler = try OneCycleLR(optimizer: optimizer, maxLearningRate: 1, totalSteps: 3)
            for _ in 0..<4 { scheduler.step() }  // steps 1, 2, 3 are fine; 4 > totalSteps
        }
    }
}
