import Checks
import TensorCore
import TextFormat

/// What every optimizer shares, like PyTorch's `torch.optim.Optimizer`: parameter groups,
/// per-parameter state, `zeroGrad()`, adding a group, and saving and loading the state. The
/// update rule itself is each subclass's `step()` (`SGD`, `Adam`, `AdamW`).
///
/// The training loop:
///
/// ```swift
/// optimizer.zeroGrad()
/// let loss = crossEntropy(logits: model(x), targets: y)
/// loss.backward()
/// optimizer.step()       // p ← p − γ·(update) for every parameter with a gradient
/// scheduler.step()       // then the learning rate for the next step
/// ```
///
/// `step()` skips parameters whose `requiresGrad` is false or whose `grad` is `nil` (frozen
/// layers, branches that did not run): their values *and* their state stay as they are.
/// PyTorch checks only `grad`; skipping on `requiresGrad` too means a layer frozen between
/// steps is not moved by a stale gradient.
///
/// Hyper-parameters are `Double`s (PyTorch's Python floats); each step rounds them to
/// `Float` where they meet the tensors and rounds each operation as PyTorch's CPU kernels do
/// (`Arithmetic.swift`), so SGD's parameters match PyTorch's bit for bit and Adam's within
/// two units in the last place (`Tests/OptimTests/PyTorchGoldenTests.swift`).
public class Optimizer {
    /// The parameter groups, with every option resolved. Change hyper-parameters here between
    /// steps (schedulers do); add parameters with `addGroup(_:)`, which checks them.
    public var groups: [ParameterGroup]

    /// The optimizer's name in messages and saved states: `"SGD"`, `"Adam"`, `"AdamW"`.
    public let name: String

    /// The optimizer's own options, for groups that do not set theirs (a group without
    /// parameters).
    let defaults: ParameterGroup

    /// Running state per parameter (PyTorch's `optimizer.state`), keyed by the tensor's
    /// identity. A parameter gets an entry at its first step.
    var state: [ObjectIdentifier: ParameterState] = [:]

    /// Checks `defaults` and every group, then adds the groups in order.
    ///
    /// - Throws: `OptimError` for invalid hyper-parameters, no groups at all, a tensor that is
    ///   not a leaf, or a tensor given twice.
    init(name: String, groups: [ParameterGroup], defaults: ParameterGroup) throws(OptimError) {
        self.name = name
        self.defaults = defaults
        self.groups = []
        try validate(defaults, label: name)
        try require(!groups.isEmpty, "\(name): optimizer got an empty parameter list")
        for group in groups { try addGroup(group) }
    }

    /// Adds a group of parameters (PyTorch's `add_param_group`), for example layers unfrozen
    /// part-way through fine-tuning. Options the group does not set take the optimizer's.
    ///
    /// - Throws: `OptimError` for invalid hyper-parameters, a tensor that is not a leaf (the
    ///   result of an operation, not a parameter), or a tensor that is already being
    ///   optimized.
    public func addGroup(_ group: ParameterGroup) throws(OptimError) {
        let resolved = group.resolved(with: defaults)
        let label = "\(name) group \(groups.count)"
        try validate(resolved, label: label)
        var seen = Set(groups.flatMap(\.parameters).map(ObjectIdentifier.init))
        for (index, parameter) in resolved.parameters.enumerated() {
            let what = "\(label): parameter \(index)\(parameter.name.map { " (\($0))" } ?? "")"
            try require(
                parameter.isLeaf,
                "\(what) is not a leaf tensor (it was computed by an operation); "
                    + "an optimizer can only update leaves")
            try require(
                seen.insert(ObjectIdentifier(parameter)).inserted,
                "\(what) appears more than once; each parameter may be in only one group, once")
        }
        groups.append(resolved)
    }

    /// Checks one group's hyper-parameters; `label` names it in messages. Subclasses check
    /// the options they use.
    func validate(_ group: ParameterGroup, label: String) throws(OptimError) {
        try requireNonNegative(group.learningRate, "learning rate", label)
        try requireNonNegative(group.weightDecay, "weight_decay value", label)
    }

    /// Updates every parameter that has a gradient, once. Each subclass implements its rule.
    public func step() {
        fatalError("\(name).step(): every optimizer subclass implements step()")
    }

    /// Clears every parameter's gradient (sets `grad` to `nil`, PyTorch's default
    /// `set_to_none=True`), ready for the next `backward()`.
    public func zeroGrad() {
        for group in groups {
            for parameter in group.parameters { parameter.grad = nil }
        }
    }

    /// The learning rate of each group.
    public var learningRates: [Double] { groups.map(\.learningRate) }

    /// The parameters `step()` updates now, with their gradients: those that require
    /// gradients and have one. Stops with a message if a gradient's size differs from its
    /// parameter's.
    func steppable(_ group: ParameterGroup) -> [(parameter: Tensor, grad: [Float])] {
        group.parameters.compactMap { parameter in
            guard parameter.requiresGrad, let grad = parameter.grad else { return nil }
            checkArgument(
                grad.count == parameter.count,
                "\(name).step(): a parameter of shape \(parameter.shape) has a gradient of "
                    + "shape \(grad.shape); they must match")
            return (parameter, grad.data)
        }
    }

    /// Moves `parameter`'s state out of the table (an empty one if it has none), so that its
    /// buffers can be updated in place; `putState` puts it back.
    func takeState(of parameter: Tensor) -> ParameterState {
        state.removeValue(forKey: ObjectIdentifier(parameter)) ?? ParameterState()
    }

    /// Stores `entry` as `parameter`'s state.
    func putState(_ entry: ParameterState, of parameter: Tensor) {
        state[ObjectIdentifier(parameter)] = entry
    }

    // MARK: - Saving and loading

    /// The group options this optimizer uses beyond learning rate and weight decay: the ones
    /// its saved state records.
    var savedOptions: Set<ParameterGroup.Option> { [] }

    /// The group option that `OneCycleLR` cycles as "momentum": SGD's momentum, Adam's β₁.
    var cycledMomentum: WritableKeyPath<ParameterGroup, Double>? { nil }

    /// What this optimizer trains, in a sentence: groups, parameter tensors and values that
    /// require gradients, and the frozen ones `step()` skips (`"SGD: 2 groups, 8 of 62
    /// parameter tensors (5,130 of 11,181,642 values) trainable; 54 frozen, skipped"`).
    public var summary: String {
        let all = groups.flatMap(\.parameters)
        let trainable = all.filter(\.requiresGrad)
        let frozen = all.count - trainable.count
        return "\(name): \(groups.count) group\(groups.count == 1 ? "" : "s"), "
            + "\(trainable.count) of \(all.count) parameter tensors "
            + "(\(Format.grouped(trainable.reduce(0) { $0 + $1.count })) of "
            + "\(Format.grouped(all.reduce(0) { $0 + $1.count })) values) trainable"
            + (frozen > 0 ? "; \(frozen) frozen, skipped" : "")
    }

    /// The hyper-parameters and running state, to save in a checkpoint (PyTorch's
    /// `state_dict()`). The buffers are copies: later steps do not change them.
    public func stateDict() -> OptimizerState {
        let options = savedOptions
        let savedGroups = groups.map { group in
            OptimizerState.Group(
                parameterCount: group.parameters.count, learningRate: group.learningRate,
                weightDecay: group.weightDecay, initialLearningRate: group.initialLearningRate,
                momentum: options.contains(.momentum) ? group.momentum : nil,
                dampening: options.contains(.dampening) ? group.dampening : nil,
                nesterov: options.contains(.nesterov) ? group.nesterov : nil,
                beta1: options.contains(.betas) ? group.betas.0 : nil,
                beta2: options.contains(.betas) ? group.betas.1 : nil,
                eps: options.contains(.eps) ? group.eps : nil)
        }
        let parameters = groups.flatMap(\.parameters).map { state[ObjectIdentifier($0)] }
        return OptimizerState(optimizer: name, groups: savedGroups, parameters: parameters)
    }

    /// Restores hyper-parameters and running state saved by `stateDict()` (PyTorch's
    /// `load_state_dict`), so that the next `step()` continues exactly where the saved
    /// optimizer stopped. The optimizer must hold the same parameters, in the same groups and
    /// order; their values come from the model's own checkpoint.
    ///
    /// - Throws: `OptimError`, changing nothing, when the state is from another kind of
    ///   optimizer, or its groups, parameter counts or buffer sizes do not match.
    public func load(_ saved: OptimizerState) throws(OptimError) {
        let what = "\(name).load"
        try require(
            saved.optimizer == name,
            "\(what): the state was saved by \(saved.optimizer), not \(name)")
        try require(
            saved.groups.count == groups.count,
            "\(what): the state has \(saved.groups.count) parameter groups, the optimizer "
                + "has \(groups.count)")
        for (index, (savedGroup, group)) in zip(saved.groups, groups).enumerated() {
            try require(
                savedGroup.parameterCount == group.parameters.count,
                "\(what): group \(index) holds \(savedGroup.parameterCount) parameters in the "
                    + "state but \(group.parameters.count) in the optimizer")
        }
        let parameters = groups.flatMap(\.parameters)
        try require(
            saved.parameters.count == parameters.count,
            "\(what): the state lists \(saved.parameters.count) parameters, the groups hold "
                + "\(parameters.count)")
        for (index, (entry, parameter)) in zip(saved.parameters, parameters).enumerated() {
            guard let entry else { continue }
            try Optimizer.check(entry, for: parameter, label: "\(what): parameter \(index)")
        }
        var restored = groups
        for index in restored.indices {
            apply(saved.groups[index], to: &restored[index])
            try validate(restored[index], label: "\(what): group \(index)")
        }
        groups = restored
        state = [:]
        for (entry, parameter) in zip(saved.parameters, parameters) {
            if let entry { state[ObjectIdentifier(parameter)] = entry }
        }
    }

    /// Copies the saved options into `group` (those the state records).
    private func apply(_ saved: OptimizerState.Group, to group: inout ParameterGroup) {
        group.learningRate = saved.learningRate
        group.weightDecay = saved.weightDecay
        group.initialLearningRate = saved.initialLearningRate
        if let momentum = saved.momentum { group.momentum = momentum }
        if let dampening = saved.dampening { group.dampening = dampening }
        if let nesterov = saved.nesterov { group.nesterov = nesterov }
        if let beta1 = saved.beta1 { group.betas.0 = beta1 }
        if let beta2 = saved.beta2 { group.betas.1 = beta2 }
        if let eps = saved.eps { group.eps = eps }
    }

    /// Checks that every buffer in `entry` has the parameter's size, and that Adam's three
    /// entries come together.
    private static func check(
        _ entry: ParameterState, for parameter: Tensor, label: String
    ) throws(OptimError) {
        let buffers = [
            ("momentumBuffer", entry.momentumBuffer), ("expAvg", entry.expAvg),
            ("expAvgSq", entry.expAvgSq),
        ]
        for (bufferName, buffer) in buffers {
            guard let buffer else { continue }
            try require(
                buffer.count == parameter.count,
                "\(label): \(bufferName) has \(buffer.count) elements but the parameter has "
                    + "shape \(parameter.shape) (\(parameter.count) elements)")
        }
        let adam = [entry.step != nil, entry.expAvg != nil, entry.expAvgSq != nil]
        try require(
            adam.allSatisfy { $0 } || adam.allSatisfy { !$0 },
            "\(label): step, expAvg and expAvgSq must be saved together")
        if let step = entry.step {
            try require(step >= 1, "\(label): step is \(step); a saved step count is ≥ 1")
        }
    }
}

/// Throws unless `value` is a finite number ≥ 0, naming the option as PyTorch does
/// (`"SGD: invalid learning rate -1.0 (expected a finite number ≥ 0)"`).
func requireNonNegative(_ value: Double, _ option: String, _ label: String) throws(OptimError) {
    try require(
        value >= 0 && value.isFinite,
        "\(label): invalid \(option) \(value) (expected a finite number ≥ 0)")
}
