import TensorCore

/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay:
/// PyTorch's `torch.optim.SGD`, step for step.
///
/// For each parameter p with gradient g, every step (γ learning rate, λ weight decay,
/// μ momentum, τ dampening):
///
///     g ← g + λ·p                      if λ ≠ 0   (L2 regularisation, added to the gradient)
///     buf ← g                          first step, if μ ≠ 0
///     buf ← μ·buf + (1 − τ)·g          later steps
///     g ← g + μ·buf                    Nesterov
///     g ← buf                          otherwise (if μ ≠ 0)
///     p ← p − γ·g
///
/// This is PyTorch's formulation: the learning rate multiplies the velocity instead of being
/// folded into it (Sutskever et al. 2013 write v ← μv − γg, p ← p + v), which differs only
/// when γ changes during training. He et al. 2015 trained ResNets with μ = 0.9, λ = 1e-4.
/// The momentum buffer starts as the first gradient, not as zeros, so the first step is a
/// plain gradient step.
///
/// Parameters with `requiresGrad == false` or no `grad` are skipped, and keep their buffer.
public final class SGD: Optimizer {
    /// SGD over one group holding `parameters`.
    ///
    /// - Parameters:
    ///   - parameters: the tensors to train (leaves, any shapes), each once.
    ///   - learningRate: γ ≥ 0.
    ///   - momentum: μ ≥ 0 (0: no momentum buffer).
    ///   - dampening: τ; the gradient enters the buffer scaled by 1 − τ.
    ///   - weightDecay: λ ≥ 0, added to the gradient as λ·p.
    ///   - nesterov: Nesterov momentum; needs μ > 0 and τ = 0.
    /// - Throws: `OptimError` for an empty parameter list, a negative or non-finite learning
    ///   rate, momentum or weight decay, Nesterov without momentum or with dampening, or a
    ///   parameter that is not a leaf or appears twice.
    public convenience init(
        parameters: [Tensor], learningRate: Double, momentum: Double = 0,
        dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false
    ) throws(OptimError) {
        try self.init(
            groups: parameters.isEmpty ? [] : [ParameterGroup(parameters)],
            learningRate: learningRate, momentum: momentum, dampening: dampening,
            weightDecay: weightDecay, nesterov: nesterov)
    }

    /// SGD over parameter groups; options a group does not set take the values given here.
    ///
    /// - Parameters:
    ///   - groups: the parameter groups, each with the options it sets.
    ///   - learningRate: γ for groups that do not set their own.
    ///   - momentum: μ for groups that do not set their own (default 0).
    ///   - dampening: τ for groups that do not set their own (default 0).
    ///   - weightDecay: λ for groups that do not set their own (default 0).
    ///   - nesterov: Nesterov momentum for groups that do not set their own (default false).
    /// - Throws: `OptimError` as `init(parameters:...)`, naming the group at fault.
    public init(
        groups: [ParameterGroup], learningRate: Double, momentum: Double = 0,
        dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false
    ) throws(OptimError) {
        let defaults = ParameterGroup(
            [], learningRate: learningRate, weightDecay: weightDecay, momentum: momentum,
            dampening: dampening, nesterov: nesterov)
        try super.init(name: "SGD", groups: groups, defaults: defaults)
    }

    override func validate(_ group: ParameterGroup, label: String) throws(OptimError) {
        try super.validate(group, label: label)
        try requireNonNegative(group.momentum, "momentum value", label)
        try require(
            group.dampening.isFinite, "\(label): invalid dampening \(group.dampening)")
        try require(
            !group.nesterov || (group.momentum > 0 && group.dampening == 0),
            "\(label): Nesterov momentum requires a momentum and zero dampening (got momentum "
                + "\(group.momentum), dampening \(group.dampening))")
    }

    override var savedOptions: Set<ParameterGroup.Option> { [.momentum, .dampening, .nesterov] }

    override var cycledMomentum: WritableKeyPath<ParameterGroup, Double>? { \.momentum }

    /// One SGD step for every parameter that has a gradient (see the type's formulas).
    override public func step() {
        for group in groups {
            // PyTorch's kernels round each Python-float coefficient to Float32 once.
            let weightDecay = Float(group.weightDecay)
            let momentum = Float(group.momentum)
            let gradientWeight = Float(1 - group.dampening)
            let negativeLearningRate = Float(-group.learningRate)
            for (parameter, gradient) in steppable(group) {
                var g = gradient
                if group.weightDecay != 0 {
                    addScaled(&g, parameter.data, weightDecay)  // g ← g + λ·p
                }
                if group.momentum != 0 {
                    var entry = takeState(of: parameter)
                    if var buffer = entry.momentumBuffer {
                        entry.momentumBuffer = nil  // so `buffer` is updated in place
                        scale(&buffer, momentum)  // buf ← μ·buf
                        addScaled(&buffer, g, gradientWeight)  //     + (1 − τ)·g
                        entry.momentumBuffer = buffer
                    } else {
                        entry.momentumBuffer = g  // buf ← g on the first step
                    }
                    let buffer = entry.momentumBuffer ?? g
                    putState(entry, of: parameter)
                    if group.nesterov {
                        addScaled(&g, buffer, momentum)  // g ← g + μ·buf
                    } else {
                        g = buffer
                    }
                }
                addScaled(&parameter.data, g, negativeLearningRate)  // p ← p − γ·g
            }
        }
    }
}
