import Foundation
import Optim
import TensorCore
import TestSupport
import Testing

/// Expects `body` to throw an `OptimError` whose message contains `fragment`.
func expectOptimError(
    _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    let error = #expect(throws: OptimError.self, sourceLocation: sourceLocation) { try body() }
    if let error {
        #expect(
            error.message.contains(fragment), "message \"\(error.message)\" lacks \"\(fragment)\"",
            sourceLocation: sourceLocation)
    }
}

/// A parameter (a leaf that requires gradients) holding `values`.
func parameter(_ values: [Float], shape: [Int]? = nil) -> Tensor {
    Tensor(shape: shape ?? [values.count], data: values, requiresGrad: true)
}

/// Sets `p.grad` to `values` (shaped like `p`).
func setGradient(_ p: Tensor, _ values: [Float]) {
    p.grad = Tensor(shape: p.shape, data: values)
}

/// Copies of `tensors` (same values, shapes and `requiresGrad`), as a model reloaded from a
/// checkpoint would hold.
func copies(of tensors: [Tensor]) -> [Tensor] {
    tensors.map { Tensor(shape: $0.shape, data: $0.data, requiresGrad: $0.requiresGrad) }
}

/// One quadratic-loss step: zero the gradients, L = Σᵢ Σ (pᵢ − targetᵢ)², backward, step.
func trainingStep(_ optimizer: Optimizer, _ parameters: [Tensor], targets: [Tensor]) {
    optimizer.zeroGrad()
    var loss: Tensor? = nil
    for (p, target) in zip(parameters, targets) where p.requiresGrad {
        let difference = p - target
        let term = (difference * difference).sum()
        loss = loss.map { $0 + term } ?? term
    }
    loss?.backward()
    optimizer.step()
}

/// `value` through JSON and back, as a checkpoint stores it.
func jsonRoundTrip<T: Codable>(_ value: T) throws -> T {
    let data = try JSONEncoder().encode(value)
    return try JSONDecoder().decode(T.self, from: data)
}

// MARK: - PyTorch fixtures

/// The folder of fixtures made by `Fixtures/make_optim_fixture.py`.
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// Decodes a fixture file.
func loadFixture<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
    let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent(name))
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(type, from: data)
}

/// Optimizer options as the fixture writes them (PyTorch's keyword names); in `groups`,
/// `params` lists the parameter indices.
struct FixtureOptions: Decodable {
    var params: [Int]?
    var lr: Double?
    var momentum: Double?
    var dampening: Double?
    var nesterov: Bool?
    var weightDecay: Double?
    var betas: [Double]?
    var eps: Double?

    var betaPair: (Double, Double)? { betas.map { ($0[0], $0[1]) } }
}

/// One optimizer run recorded by PyTorch.
struct OptimizerFixture: Decodable {
    var name: String
    var kind: String
    var defaults: FixtureOptions
    var groups: [FixtureOptions]
    var shapes: [[Int]]
    var frozen: [Int]
    /// Parameter values (float32, written as doubles) before the first step.
    var initial: [[Double]]
    /// `grads[step][parameter]`, `nil` where the parameter had no gradient.
    var grads: [[[Double]?]]
    /// `after[step][parameter]`: the values after each step.
    var after: [[[Double]]]

    /// Fresh parameters at the initial values, the frozen ones not requiring gradients.
    func makeParameters() -> [Tensor] {
        zip(initial, shapes).enumerated().map { index, pair in
            let p = Tensor(shape: pair.1, data: pair.0.map(Float.init))
            p.requiresGrad = !frozen.contains(index)
            return p
        }
    }

    /// The optimizer PyTorch used, over `parameters`.
    func makeOptimizer(_ parameters: [Tensor]) throws -> Optimizer {
        let groups = self.groups.map { options in
            ParameterGroup(
                (options.params ?? []).map { parameters[$0] }, learningRate: options.lr,
                weightDecay: options.weightDecay, momentum: options.momentum,
                dampening: options.dampening, nesterov: options.nesterov,
                betas: options.betaPair, eps: options.eps)
        }
        let d = defaults
        switch kind {
        case "SGD":
            return try SGD(
                groups: groups, learningRate: d.lr ?? 1e-3, momentum: d.momentum ?? 0,
                dampening: d.dampening ?? 0, weightDecay: d.weightDecay ?? 0,
                nesterov: d.nesterov ?? false)
        case "Adam":
            return try Adam(
                groups: groups, learningRate: d.lr ?? 1e-3, betas: d.betaPair ?? (0.9, 0.999),
                eps: d.eps ?? 1e-8, weightDecay: d.weightDecay ?? 0)
        case "AdamW":
            return try AdamW(
                groups: groups, learningRate: d.lr ?? 1e-3, betas: d.betaPair ?? (0.9, 0.999),
                eps: d.eps ?? 1e-8, weightDecay: d.weightDecay ?? 1e-2)
        default:
            throw OptimError("fixture \(name): unknown optimizer \(kind)")
        }
    }

    /// Gives each parameter its recorded gradient for `step` (none where PyTorch had none).
    func setGradients(_ parameters: [Tensor], step: Int) {
        for (p, grad) in zip(parameters, grads[step]) {
            p.grad = grad.map { Tensor(shape: p.shape, data: $0.map(Float.init)) }
        }
    }
}

struct OptimizerFixtureFile: Decodable {
    var steps: Int
    var cases: [OptimizerFixture]
}

/// A scheduler configuration as the fixture writes it.
struct SchedulerConfig: Decodable {
    var type: String
    var milestones: [Int]?
    var gamma: Double?
    var tMax: Int?
    var etaMin: Double?
    var startFactor: Double?
    var endFactor: Double?
    var totalIters: Int?
    var maxLearningRates: [Double]?
    var totalSteps: Int?
    var pctStart: Double?
    var annealStrategy: String?
    var divFactor: Double?
    var finalDivFactor: Double?
    var threePhase: Bool?
    var cycleMomentum: Bool?
    var baseMomentum: Double?
    var maxMomentum: Double?
    var schedulers: [SchedulerConfig]?

    /// This scheduler (and, for a sequence, its schedulers) on `optimizer`.
    func make(_ optimizer: Optimizer) throws -> LRScheduler {
        switch type {
        case "MultiStepLR":
            return try MultiStepLR(
                optimizer: optimizer, milestones: milestones ?? [], gamma: gamma ?? 0.1)
        case "CosineAnnealingLR":
            return try CosineAnnealingLR(optimizer: optimizer, tMax: tMax ?? 1, etaMin: etaMin ?? 0)
        case "LinearLR":
            return try LinearLR(
                optimizer: optimizer, startFactor: startFactor ?? 1.0 / 3,
                endFactor: endFactor ?? 1,
                totalIters: totalIters ?? 5)
        case "OneCycleLR":
            return try OneCycleLR(
                optimizer: optimizer, maxLearningRates: maxLearningRates ?? [],
                totalSteps: totalSteps ?? 1, pctStart: pctStart ?? 0.3,
                annealStrategy: annealStrategy == "linear" ? .linear : .cos,
                cycleMomentum: cycleMomentum ?? true, baseMomentum: baseMomentum ?? 0.85,
                maxMomentum: maxMomentum ?? 0.95, divFactor: divFactor ?? 25,
                finalDivFactor: finalDivFactor ?? 1e4, threePhase: threePhase ?? false)
        case "SequentialLR":
            let parts = try (schedulers ?? []).map { try $0.make(optimizer) }
            return try SequentialLR(
                optimizer: optimizer, schedulers: parts, milestones: milestones ?? [])
        default:
            throw OptimError("unknown scheduler \(type)")
        }
    }
}

/// One scheduler run recorded by PyTorch: `learningRates[k]` and `momenta[k]` (one per
/// group) after construction (k = 0) and after k steps.
struct SchedulerFixture: Decodable {
    struct OptimizerConfig: Decodable {
        var kind: String
        var lrs: [Double]
    }

    var name: String
    var optimizer: OptimizerConfig
    var scheduler: SchedulerConfig
    var learningRates: [[Double]]
    var momenta: [[Double]]

    /// The fixture's optimizer: one single-element parameter per group, with the group's
    /// learning rate; SGD with momentum 0.9, or Adam.
    func makeOptimizer() throws -> Optimizer {
        let groups = optimizer.lrs.map { ParameterGroup([parameter([0])], learningRate: $0) }
        if optimizer.kind == "Adam" {
            return try Adam(groups: groups, learningRate: optimizer.lrs[0])
        }
        return try SGD(groups: groups, learningRate: optimizer.lrs[0], momentum: 0.9)
    }
}

struct SchedulerFixtureFile: Decodable {
    var steps: Int
    var cases: [SchedulerFixture]
}

/// The momentum each group of `optimizer` uses: SGD's momentum, Adam's β₁.
func momenta(of optimizer: Optimizer) -> [Double] {
    optimizer.groups.map { optimizer is Adam ? $0.betas.0 : $0.momentum }
}
