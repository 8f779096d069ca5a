import TensorCore

/// Parameters that share hyper-parameters, like one of PyTorch's `optimizer.param_groups`:
/// fine-tuning gives a pretrained backbone a small learning rate and a new head a larger one,
/// or turns weight decay off for biases and batch-norm weights.
///
/// Every option a group does not set takes the optimizer's value when the group is given to
/// the optimizer (PyTorch's `param_group.setdefault(name, default)`); afterwards the
/// optimizer's `groups` hold the resolved values, which you (and schedulers) may change
/// between steps.
///
/// ```swift
/// let optimizer = try SGD(
///     groups: [
///         ParameterGroup(backbone.parameters, learningRate: 1e-3),
///         ParameterGroup(head.parameters),                       // lr 1e-2 from below
///     ],
///     learningRate: 1e-2, momentum: 0.9, weightDecay: 1e-4)
/// ```
///
/// One type serves every optimizer, as PyTorch's group dictionaries do: SGD reads `momentum`,
/// `dampening` and `nesterov`; Adam and AdamW read `betas` and `eps`; each ignores the rest.
public struct ParameterGroup: Sendable {
    /// The tensors this group updates, in order. Leaves only; those with `requiresGrad ==
    /// false` or `grad == nil` at a step are left untouched by that step (frozen layers).
    public var parameters: [Tensor]

    /// The step size γ (PyTorch's `lr`).
    public var learningRate: Double

    /// The weight-decay coefficient λ: added to the gradient as λ·p by SGD and Adam (L2
    /// regularisation), applied to the parameter as p ← p − γλp by AdamW (decoupled).
    public var weightDecay: Double

    /// SGD's momentum μ (0: plain SGD).
    public var momentum: Double

    /// SGD's dampening τ: the new gradient enters the momentum buffer scaled by 1 − τ.
    public var dampening: Double

    /// SGD's Nesterov momentum: step along g + μ·buf instead of buf.
    public var nesterov: Bool

    /// Adam's (β₁, β₂): the decay rates of the running averages of the gradient and of its
    /// square.
    public var betas: (Double, Double)

    /// Adam's ε, added to the denominator √v̂ for numerical stability.
    public var eps: Double

    /// The learning rate the first scheduler found in this group (PyTorch's `initial_lr`):
    /// the base that schedules scale. `nil` until a scheduler is created.
    public var initialLearningRate: Double?

    /// The options this group set itself; the rest come from the optimizer.
    var explicitOptions: Set<Option>

    /// An option a group may set for itself.
    enum Option: Hashable, Sendable {
        case learningRate, weightDecay, momentum, dampening, nesterov, betas, eps
    }

    /// A group of `parameters` with the options given here; every option left `nil` takes
    /// the optimizer's value when the group is given to an optimizer. (Until then it shows
    /// PyTorch's default: learning rate 1e-3, weight decay 0, momentum 0, dampening 0, no
    /// Nesterov, betas (0.9, 0.999), eps 1e-8.)
    public init(
        _ parameters: [Tensor], learningRate: Double? = nil, weightDecay: Double? = nil,
        momentum: Double? = nil, dampening: Double? = nil, nesterov: Bool? = nil,
        betas: (Double, Double)? = nil, eps: Double? = nil
    ) {
        self.parameters = parameters
        self.learningRate = learningRate ?? 1e-3
        self.weightDecay = weightDecay ?? 0
        self.momentum = momentum ?? 0
        self.dampening = dampening ?? 0
        self.nesterov = nesterov ?? false
        self.betas = betas ?? (0.9, 0.999)
        self.eps = eps ?? 1e-8
        self.initialLearningRate = nil
        var explicit: Set<Option> = []
        if learningRate != nil { explicit.insert(.learningRate) }
        if weightDecay != nil { explicit.insert(.weightDecay) }
        if momentum != nil { explicit.insert(.momentum) }
        if dampening != nil { explicit.insert(.dampening) }
        if nesterov != nil { explicit.insert(.nesterov) }
        if betas != nil { explicit.insert(.betas) }
        if eps != nil { explicit.insert(.eps) }
        self.explicitOptions = explicit
    }

    /// This group with every option it did not set taken from `defaults` (an optimizer's
    /// values, held in a group without parameters).
    func resolved(with defaults: ParameterGroup) -> ParameterGroup {
        var group = self
        let explicit = explicitOptions
        if !explicit.contains(.learningRate) { group.learningRate = defaults.learningRate }
        if !explicit.contains(.weightDecay) { group.weightDecay = defaults.weightDecay }
        if !explicit.contains(.momentum) { group.momentum = defaults.momentum }
        if !explicit.contains(.dampening) { group.dampening = defaults.dampening }
        if !explicit.contains(.nesterov) { group.nesterov = defaults.nesterov }
        if !explicit.contains(.betas) { group.betas = defaults.betas }
        if !explicit.contains(.eps) { group.eps = defaults.eps }
        group.explicitOptions = [
            .learningRate, .weightDecay, .momentum, .dampening, .nesterov, .betas, .eps,
        ]
        return group
    }
}
