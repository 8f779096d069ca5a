/// Everything an optimizer needs to continue exactly where it stopped: the hyper-parameters of
/// each group and the running state of each parameter. PyTorch's `optimizer.state_dict()`.
///
/// Parameters are numbered across groups in order (group 0's parameters first), as in
/// PyTorch; `parameters[i]` is the state of parameter i, `nil` for one that has not been
/// stepped yet (a frozen layer, or before the first step). Codable, so a checkpoint can
/// write it as JSON: Swift writes `Float`s and `Double`s in their shortest round-tripping
/// form, so a save → load → continue run is bit-identical to one that never stopped.
///
/// Load it into an optimizer of the same kind built over the same parameters, in the same
/// order (`Optimizer.load(_:)` checks the counts and sizes).
public struct OptimizerState: Codable, Equatable, Sendable {
    /// The optimizer's name: `"SGD"`, `"Adam"` or `"AdamW"`.
    public var optimizer: String

    /// Each group's hyper-parameters, in order.
    public var groups: [Group]

    /// The state of each parameter, numbered across groups; `nil` where there is none yet.
    public var parameters: [ParameterState?]

    /// One group's hyper-parameters (PyTorch's `param_groups[i]` less the tensors). Options
    /// the optimizer does not use are left out (`nil`).
    public struct Group: Codable, Equatable, Sendable {
        /// How many parameters the group holds.
        public var parameterCount: Int
        /// The group's learning rate γ when the state was saved (as a scheduler left it).
        public var learningRate: Double
        /// The group's weight decay λ.
        public var weightDecay: Double
        /// The base rate a scheduler recorded (`ParameterGroup.initialLearningRate`); nil when
        /// no scheduler was created.
        public var initialLearningRate: Double?
        /// SGD's momentum μ; nil for Adam and AdamW.
        public var momentum: Double?
        /// SGD's dampening τ; nil for Adam and AdamW.
        public var dampening: Double?
        /// Whether SGD uses Nesterov momentum; nil for Adam and AdamW.
        public var nesterov: Bool?
        /// Adam's and AdamW's β₁; nil for SGD.
        public var beta1: Double?
        /// Adam's and AdamW's β₂; nil for SGD.
        public var beta2: Double?
        /// Adam's and AdamW's ε; nil for SGD.
        public var eps: Double?
    }
}

/// The running state an optimizer keeps for one parameter (PyTorch's `optimizer.state[p]`),
/// each buffer shaped like the parameter (row-major).
public struct ParameterState: Codable, Equatable, Sendable {
    /// Adam: how many steps this parameter has taken (t in the bias corrections 1 − βᵗ). It
    /// counts only the steps where the parameter had a gradient.
    public var step: Int?

    /// SGD with momentum: the velocity buf.
    public var momentumBuffer: [Float]?

    /// Adam: m, the running average of the gradient (PyTorch's `exp_avg`).
    public var expAvg: [Float]?

    /// Adam: v, the running average of the squared gradient (PyTorch's `exp_avg_sq`).
    public var expAvgSq: [Float]?

    /// A state holding the given buffers.
    public init(
        step: Int? = nil, momentumBuffer: [Float]? = nil, expAvg: [Float]? = nil,
        expAvgSq: [Float]? = nil
    ) {
        self.step = step
        self.momentumBuffer = momentumBuffer
        self.expAvg = expAvg
        self.expAvgSq = expAvgSq
    }
}
