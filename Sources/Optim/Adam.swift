import Foundation
import TensorCore

/// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization"): PyTorch's
/// `torch.optim.Adam`, step for step (without the `amsgrad` variant).
///
/// For each parameter p with gradient g (γ learning rate, λ weight decay, β₁ β₂ betas); t
/// counts the steps *this* parameter has taken, m and v start at zero:
///
///     t ← t + 1
///     g ← g + λ·p                       if λ ≠ 0   (L2, added to the gradient; see AdamW)
///     m ← m + (1 − β₁)·(g − m)          (= β₁·m + (1 − β₁)·g, computed as PyTorch's lerp)
///     v ← β₂·v + (1 − β₂)·g²
///     p ← p − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// The last line is the paper's p ← p − γ·m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ) and
/// v̂ = v / (1 − β₂ᵗ), arranged as PyTorch does (ε is added after the bias correction of √v).
/// The bias corrections are computed in `Double`, as PyTorch computes them in Python floats.
///
/// Parameters with `requiresGrad == false` or no `grad` are skipped: their step count and
/// averages stay where they were.
public class Adam: Optimizer {
    /// Adam over one group holding `parameters`.
    ///
    /// - Parameters:
    ///   - parameters: the tensors to train (leaves, any shapes), each once.
    ///   - learningRate: γ ≥ 0 (PyTorch's default 1e-3).
    ///   - betas: (β₁, β₂), each in [0, 1).
    ///   - eps: ε ≥ 0.
    ///   - weightDecay: λ ≥ 0, added to the gradient as λ·p (L2 regularisation).
    /// - Throws: `OptimError` for an empty parameter list, an option out of range, or a
    ///   parameter that is not a leaf or appears twice.
    public convenience init(
        parameters: [Tensor], learningRate: Double = 1e-3,
        betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0
    ) throws(OptimError) {
        try self.init(
            groups: parameters.isEmpty ? [] : [ParameterGroup(parameters)],
            learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay)
    }

    /// Adam over parameter groups; options a group does not set take the values given here.
    ///
    /// - Parameters:
    ///   - groups: the parameter groups, each with the options it sets.
    ///   - learningRate: γ for groups that do not set their own (default 1e-3).
    ///   - betas: (β₁, β₂) for groups that do not set their own (default (0.9, 0.999)).
    ///   - eps: ε for groups that do not set their own (default 1e-8).
    ///   - weightDecay: λ for groups that do not set their own (default 0).
    /// - Throws: `OptimError` as `init(parameters:...)`, naming the group at fault.
    public convenience init(
        groups: [ParameterGroup], learningRate: Double = 1e-3,
        betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0
    ) throws(OptimError) {
        let defaults = ParameterGroup(
            [], learningRate: learningRate, weightDecay: weightDecay, betas: betas, eps: eps)
        try self.init(name: "Adam", groups: groups, defaults: defaults)
    }

    /// Whether weight decay shrinks the parameter directly (AdamW) instead of entering the
    /// gradient (Adam).
    var decouplesWeightDecay: Bool { false }

    override func validate(_ group: ParameterGroup, label: String) throws(OptimError) {
        try super.validate(group, label: label)
        try requireNonNegative(group.eps, "epsilon value", label)
        for (index, beta) in [group.betas.0, group.betas.1].enumerated() {
            try require(
                beta >= 0 && beta < 1,
                "\(label): invalid beta parameter at index \(index): \(beta) (expected a "
                    + "number in [0, 1))")
        }
    }

    override var savedOptions: Set<ParameterGroup.Option> { [.betas, .eps] }

    override var cycledMomentum: WritableKeyPath<ParameterGroup, Double>? { \.betas.0 }

    /// One Adam (or AdamW) step for every parameter that has a gradient (see the type's
    /// formulas).
    override public func step() {
        for group in groups {
            let (beta1, beta2) = group.betas
            // PyTorch's kernels round each Python-float coefficient to Float32 once.
            let averageWeight = Float(1 - beta1)
            let squareDecay = Float(beta2)
            let squareWeight = Float(1 - beta2)
            let eps = Float(group.eps)
            for (parameter, gradient) in steppable(group) {
                var entry = takeState(of: parameter)
                let t = (entry.step ?? 0) + 1
                var m = entry.expAvg ?? [Float](repeating: 0, count: parameter.count)
                var v = entry.expAvgSq ?? [Float](repeating: 0, count: parameter.count)
                entry = ParameterState()  // so that m and v are updated in place

                var g = gradient
                if group.weightDecay != 0 {
                    if decouplesWeightDecay {
                        let shrink = Float(1 - group.learningRate * group.weightDecay)
                        scale(&parameter.data, shrink)  // p ← (1 − γλ)·p
                    } else {
                        addScaled(&g, parameter.data, Float(group.weightDecay))  // g ← g + λ·p
                    }
                }
                lerp(&m, g, averageWeight)  // m ← m + (1 − β₁)·(g − m)
                scale(&v, squareDecay)  // v ← β₂·v
                addScaledSquare(&v, g, squareWeight)  //     + (1 − β₂)·g²

                let biasCorrection1 = 1 - pow(beta1, Double(t))
                let biasCorrection2 = 1 - pow(beta2, Double(t))
                let stepSize = group.learningRate / biasCorrection1
                let biasCorrection2Root = pow(biasCorrection2, 0.5)  // Python's `** 0.5`
                let negativeStep = Float(-stepSize)
                let root = Float(biasCorrection2Root)
                parameter.data.withUnsafeMutableBufferPointer { p in
                    for i in 0..<p.count {
                        let denominator = v[i].squareRoot() / root + eps
                        p[i] = p[i] + negativeStep * m[i] / denominator  // addcdiv_
                    }
                }
                putState(ParameterState(step: t, expAvg: m, expAvgSq: v), of: parameter)
            }
        }
    }
}

/// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"): PyTorch's
/// `torch.optim.AdamW`. Adam, except that weight decay shrinks the parameter directly
/// instead of entering the gradient (and so the running averages):
///
///     p ← p − γλ·p                      (before the Adam update, with the same γ)
///
/// then Adam's update with λ = 0. PyTorch's default λ is 1e-2.
public final class AdamW: Adam {
    /// AdamW over one group holding `parameters`.
    ///
    /// - Parameters:
    ///   - parameters: the tensors to train (leaves, any shapes), each once.
    ///   - learningRate: γ ≥ 0 (PyTorch's default 1e-3).
    ///   - betas: (β₁, β₂), each in [0, 1).
    ///   - eps: ε ≥ 0.
    ///   - weightDecay: λ ≥ 0 (PyTorch's default 1e-2); p ← (1 − γλ)·p every step.
    /// - Throws: `OptimError` as `Adam`'s initialisers.
    public convenience init(
        parameters: [Tensor], learningRate: Double = 1e-3,
        betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 1e-2
    ) throws(OptimError) {
        try self.init(
            groups: parameters.isEmpty ? [] : [ParameterGroup(parameters)],
            learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay)
    }

    /// AdamW over parameter groups; options a group does not set take the values given here.
    ///
    /// - Parameters:
    ///   - groups: the parameter groups, each with the options it sets.
    ///   - learningRate: γ for groups that do not set their own (default 1e-3).
    ///   - betas: (β₁, β₂) for groups that do not set their own (default (0.9, 0.999)).
    ///   - eps: ε for groups that do not set their own (default 1e-8).
    ///   - weightDecay: λ for groups that do not set their own (default 1e-2).
    /// - Throws: `OptimError` as `Adam`'s initialisers, naming the group at fault.
    public convenience init(
        groups: [ParameterGroup], learningRate: Double = 1e-3,
        betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 1e-2
    ) throws(OptimError) {
        let defaults = ParameterGroup(
            [], learningRate: learningRate, weightDecay: weightDecay, betas: betas, eps: eps)
        try self.init(name: "AdamW", groups: groups, defaults: defaults)
    }

    override var decouplesWeightDecay: Bool { true }
}
