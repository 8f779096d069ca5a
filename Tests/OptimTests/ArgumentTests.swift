import Optim
import TensorCore
import Testing

/// Bad hyper-parameters are rejected with a message naming the option, as PyTorch rejects
/// them (and a few PyTorch lets through only to fail later, or silently).
@Suite("Argument checks")
struct ArgumentTests {
    @Test func sgdRejectsWhatPyTorchRejects() {
        let p = parameter([1])
        expectOptimError("SGD: invalid learning rate -0.1") {
            _ = try SGD(parameters: [p], learningRate: -0.1)
        }
        expectOptimError("invalid learning rate nan") {
            _ = try SGD(parameters: [p], learningRate: .nan)
        }
        expectOptimError("invalid momentum value -0.5") {
            _ = try SGD(parameters: [p], learningRate: 0.1, momentum: -0.5)
        }
        expectOptimError("invalid weight_decay value -0.0001") {
            _ = try SGD(parameters: [p], learningRate: 0.1, weightDecay: -1e-4)
        }
        expectOptimError("Nesterov momentum requires a momentum and zero dampening") {
            _ = try SGD(parameters: [p], learningRate: 0.1, nesterov: true)
        }
        expectOptimError("Nesterov momentum requires a momentum and zero dampening") {
            _ = try SGD(
                parameters: [p], learningRate: 0.1, momentum: 0.9, dampening: 0.1,
                nesterov: true)
        }
        expectOptimError("SGD: optimizer got an empty parameter list") {
            _ = try SGD(parameters: [], learningRate: 0.1)
        }
    }

    @Test func groupOptionsAreCheckedAndTheGroupNamed() {
        expectOptimError("SGD group 1: invalid learning rate -1") {
            _ = try SGD(
                groups: [
                    ParameterGroup([parameter([1])]),
                    ParameterGroup([parameter([1])], learningRate: -1),
                ],
                learningRate: 0.1)
        }
        expectOptimError("Adam group 0: invalid beta parameter at index 1") {
            _ = try Adam(groups: [ParameterGroup([parameter([1])], betas: (0.9, 1.5))])
        }
    }

    @Test func adamRejectsWhatPyTorchRejects() {
        let p = parameter([1])
        expectOptimError("Adam: invalid learning rate -0.001") {
            _ = try Adam(parameters: [p], learningRate: -1e-3)
        }
        expectOptimError("invalid beta parameter at index 0: 1.0") {
            _ = try Adam(parameters: [p], betas: (1, 0.999))
        }
        expectOptimError("invalid beta parameter at index 1: -0.1") {
            _ = try Adam(parameters: [p], betas: (0.9, -0.1))
        }
        expectOptimError("invalid epsilon value -1e-08") {
            _ = try Adam(parameters: [p], eps: -1e-8)
        }
        expectOptimError("AdamW: invalid weight_decay value -0.01") {
            _ = try AdamW(parameters: [p], weightDecay: -0.01)
        }
    }

    @Test func parametersMustBeDistinctLeaves() throws {
        let p = parameter([1, 2])
        expectOptimError("is not a leaf tensor") {
            _ = try SGD(parameters: [p * 2], learningRate: 0.1)
        }
        expectOptimError("group 1: parameter 0 appears more than once") {
            _ = try SGD(groups: [ParameterGroup([p]), ParameterGroup([p])], learningRate: 0.1)
        }
        expectOptimError("parameter 1 appears more than once") {
            _ = try Adam(parameters: [p, p])
        }
        let optimizer = try SGD(parameters: [p], learningRate: 0.1)
        expectOptimError("appears more than once") {
            try optimizer.addGroup(ParameterGroup([p]))
        }
        #expect(optimizer.groups.count == 1)
    }

    @Test func schedulersRejectBadArguments() throws {
        let optimizer = try SGD(parameters: [parameter([1])], learningRate: 0.1, momentum: 0.9)
        expectOptimError("tMax must be ≥ 1") {
            _ = try CosineAnnealingLR(optimizer: optimizer, tMax: 0)
        }
        expectOptimError("startFactor must be greater than 0") {
            _ = try LinearLR(optimizer: optimizer, startFactor: 0)
        }
        expectOptimError("endFactor must be between 0 and 1") {
            _ = try LinearLR(optimizer: optimizer, endFactor: 1.5)
        }
        expectOptimError("totalIters must be ≥ 1") {
            _ = try LinearLR(optimizer: optimizer, totalIters: 0)
        }
        expectOptimError("gamma must be a finite number ≥ 0") {
            _ = try MultiStepLR(optimizer: optimizer, milestones: [1], gamma: -0.1)
        }
        expectOptimError("expected a positive totalSteps") {
            _ = try OneCycleLR(optimizer: optimizer, maxLearningRate: 1, totalSteps: 0)
        }
        expectOptimError("expected pctStart between 0 and 1") {
            _ = try OneCycleLR(
                optimizer: optimizer, maxLearningRate: 1, totalSteps: 10, pctStart: 1.5)
        }
        expectOptimError("2 maxLearningRates for 1 parameter groups") {
            _ = try OneCycleLR(optimizer: optimizer, maxLearningRates: [1, 2], totalSteps: 10)
        }
        expectOptimError("phase 1 of the schedule has zero length") {
            _ = try OneCycleLR(
                optimizer: optimizer, maxLearningRate: 1, totalSteps: 10, pctStart: 0.1)
        }
        expectOptimError("phase 2 of the schedule has zero length") {
            _ = try OneCycleLR(
                optimizer: optimizer, maxLearningRate: 1, totalSteps: 10, pctStart: 1)
        }
    }

    @Test func sequenceChecksItsSchedulersAndMilestones() throws {
        let optimizer = try SGD(parameters: [parameter([1])], learningRate: 0.1)
        let other = try SGD(parameters: [parameter([1])], learningRate: 0.1)
        let warmup = try LinearLR(optimizer: optimizer)
        let cosine = try CosineAnnealingLR(optimizer: optimizer, tMax: 10)
        expectOptimError("expects at least one scheduler") {
            _ = try SequentialLR(optimizer: optimizer, schedulers: [], milestones: [])
        }
        expectOptimError("one milestone fewer than schedulers") {
            _ = try SequentialLR(
                optimizer: optimizer, schedulers: [warmup, cosine], milestones: [])
        }
        expectOptimError("scheduler 1 (CosineAnnealingLR) has another") {
            _ = try SequentialLR(
                optimizer: optimizer,
                schedulers: [warmup, CosineAnnealingLR(optimizer: other, tMax: 10)],
                milestones: [5])
        }
        expectOptimError("milestones must be positive and strictly increasing") {
            _ = try SequentialLR(
                optimizer: optimizer, schedulers: [warmup, cosine, warmup], milestones: [5, 5])
        }
    }

    @Test func oneCycleNeedsSomethingToCycle() throws {
        // Both optimizers here have a momentum; cycling works on SGD even at momentum 0, as in
        // PyTorch (it becomes SGD with momentum).
        let optimizer = try SGD(parameters: [parameter([1])], learningRate: 0.1)
        _ = try OneCycleLR(optimizer: optimizer, maxLearningRate: 1, totalSteps: 10)
        #expect(optimizer.groups[0].momentum == 0.95)
    }

    @Test func gradientOfTheWrongSizeStopsTheStep() async {
        await #expect(processExitsWith: .failure) {
            let p = Tensor(shape: [2], data: [1, 2], requiresGrad: true)
            let optimizer = try SGD(parameters: [p], learningRate: 0.1)
            p.grad = Tensor(shape: [3], data: [1, 1, 1])
            optimizer.step()
        }
    }
}
