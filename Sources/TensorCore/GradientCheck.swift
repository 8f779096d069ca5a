import Foundation
import Randomness

/// Checks autograd against finite differences: the test every differentiable operation must
/// pass (lesson 02 teaches it).
///
/// For a function `f` of some tensors, it builds the scalar `L = Σ wₖ · f(x)ₖ` with fixed
/// random weights `w` (a plain sum would hide some bugs: the gradient of log-softmax sums
/// to zero along its rows, and a transposed index in a symmetric case is invisible). Then
/// for every element xⱼ of every input it compares
///
/// - the analytic gradient ∂L/∂xⱼ from `backward()`, with
/// - the central difference (L(xⱼ + ε) − L(xⱼ − ε)) / 2ε, with L summed in `Double`.
///
/// **Tolerance rule.** Input i passes when every element satisfies
/// `|analytic − numeric| ≤ tolerance · sᵢ`, where sᵢ is the largest |analytic| or |numeric|
/// over that input (its gradient scale). Why these defaults, in Float32: the central
/// difference has truncation error ~ ε²·|f‴|/6 ≈ 2·10⁻⁵ relative for ε = 10⁻², and rounding
/// error ~ 6·10⁻⁸·|f| / ε ≈ 10⁻⁵ for outputs of order 1. Correct operations therefore land
/// within a few 10⁻⁴ of the scale (every op in TensorCore's tests: at most 3.4·10⁻⁴, for
/// division), thirty times inside `tolerance = 10⁻²`, while a wrong sign, a missing factor of
/// 2, a dropped 1/N or a transposed index misses by a good fraction of the scale.
///
/// **Where it does not apply.** At a kink (relu at 0, two tied maxima) the finite difference
/// straddles two pieces and disagrees with any subgradient: choose inputs at least 2ε away
/// from kinks. Keep inputs of order 1 and functions smooth at that scale.
public enum GradientCheck {
    /// Compares autograd's gradients of `function` at `inputs` with central differences.
    ///
    /// The inputs are not modified: the check works on copies that require gradients, so
    /// the tensors you pass keep their `grad` and `data`. Every input is checked; tensors the
    /// function should treat as constants can be captured by the closure instead.
    ///
    /// - Parameters:
    ///   - inputs: the points at which to differentiate.
    ///   - epsilon: the finite-difference step.
    ///   - tolerance: the allowed error, relative to each input's gradient scale (see above).
    ///   - seed: seeds the random weights `w`.
    ///   - function: the computation to check; called with copies of `inputs`.
    public static func check(
        _ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 1e-2, seed: UInt64 = 2024,
        _ function: ([Tensor]) -> Tensor
    ) -> GradientCheckResult {
        let leaves = inputs.map { Tensor(shape: $0.shape, data: $0.data, requiresGrad: true) }

        // Analytic: backpropagate the weights w = ∂L/∂f (recording on, even if the caller
        // is inside `Tensor.withoutGrad`).
        let output = Tensor.$isGradEnabled.withValue(true) { function(leaves) }
        var generator = SeededGenerator(seed: seed)
        let weights = Tensor.randn(output.shape, generator: &generator)
        if output.requiresGrad { output.backward(gradient: weights) }
        let analytic = leaves.map { $0.grad?.data ?? [Float](repeating: 0, count: $0.count) }

        // Numeric: nudge one element at a time, without recording graphs.
        func loss() -> Double {
            let values = Tensor.withoutGrad { function(leaves) }
            var total: Double = 0
            for (value, weight) in zip(values.data, weights.data) {
                total += Double(value) * Double(weight)
            }
            return total
        }
        var reports: [GradientCheckResult.InputReport] = []
        for (index, leaf) in leaves.enumerated() {
            var numeric = [Float](repeating: 0, count: leaf.count)
            for j in 0..<leaf.count {
                let original = leaf.data[j]
                leaf.data[j] = original + epsilon
                let stepUp = Double(leaf.data[j]) - Double(original)  // exact, after rounding
                let lossUp = loss()
                leaf.data[j] = original - epsilon
                let stepDown = Double(original) - Double(leaf.data[j])
                let lossDown = loss()
                leaf.data[j] = original
                numeric[j] = Float((lossUp - lossDown) / (stepUp + stepDown))
            }
            reports.append(
                GradientCheckResult.InputReport(
                    index: index, shape: leaf.shape, analytic: analytic[index], numeric: numeric,
                    tolerance: tolerance))
        }
        return GradientCheckResult(inputs: reports, epsilon: epsilon, tolerance: tolerance)
    }
}

/// The outcome of `GradientCheck.check`: one report per input, and whether all passed.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
    /// How the analytic and numeric gradients of one input compare.
    public struct InputReport: Sendable {
        /// The input's position in the list passed to `check`.
        public let index: Int
        /// The input's shape.
        public let shape: [Int]
        /// ∂L/∂x from autograd, row-major.
        public let analytic: [Float]
        /// ∂L/∂x from central differences, row-major.
        public let numeric: [Float]
        /// The largest |analytic − numeric| over the elements.
        public let maxAbsoluteError: Float
        /// The largest |analytic − numeric| / max(|analytic|, |numeric|) over the elements
        /// (0 where both are 0).
        public let maxRelativeError: Float
        /// The gradient scale: the largest |analytic| or |numeric|.
        public let scale: Float
        /// The row-major position of the largest absolute error.
        public let worstElement: Int
        /// Whether every element is within `tolerance · scale`.
        public let passed: Bool

        init(index: Int, shape: [Int], analytic: [Float], numeric: [Float], tolerance: Float) {
            self.index = index
            self.shape = shape
            self.analytic = analytic
            self.numeric = numeric
            var scale: Float = 0
            var maxAbsolute: Float = 0
            var maxRelative: Float = 0
            var worst = 0
            var finite = true
            for (j, (a, n)) in zip(analytic, numeric).enumerated() {
                finite = finite && a.isFinite && n.isFinite
                scale = Swift.max(scale, abs(a), abs(n))
                let error = abs(a - n)
                if error > maxAbsolute {
                    maxAbsolute = error
                    worst = j
                }
                let size = Swift.max(abs(a), abs(n))
                if size > 0 { maxRelative = Swift.max(maxRelative, error / size) }
            }
            self.scale = scale
            self.maxAbsoluteError = maxAbsolute
            self.maxRelativeError = maxRelative
            self.worstElement = worst
            self.passed = finite && maxAbsolute <= tolerance * scale
        }
    }

    /// One report per input, in order.
    public let inputs: [InputReport]
    /// The finite-difference step used.
    public let epsilon: Float
    /// The tolerance, relative to each input's gradient scale.
    public let tolerance: Float

    /// Whether every input passed.
    public var passed: Bool { inputs.allSatisfy(\.passed) }

    /// A report in lines: whether the check passed, with its epsilon and tolerance, then one
    /// line per input with its shape, `ok` or `MISMATCH`, its largest absolute and relative
    /// errors, its gradient scale, and the worst element's analytic and numeric values.
    public var description: String {
        var lines = [
            "gradient check \(passed ? "passed" : "FAILED") (epsilon \(epsilon), "
                + "tolerance \(tolerance) × gradient scale)"
        ]
        for report in inputs {
            let worst = report.worstElement
            let detail =
                report.analytic.isEmpty
                ? ""
                : String(
                    format: ", worst at %d: analytic %.6g vs numeric %.6g", worst,
                    Double(report.analytic[worst]), Double(report.numeric[worst]))
            lines.append(
                "  input \(report.index) \(report.shape): "
                    + (report.passed ? "ok" : "MISMATCH")
                    + String(
                        format: ", max abs error %.3g, max rel error %.3g, scale %.3g",
                        Double(report.maxAbsoluteError), Double(report.maxRelativeError),
                        Double(report.scale)) + detail)
        }
        return lines.joined(separator: "\n")
    }
}
