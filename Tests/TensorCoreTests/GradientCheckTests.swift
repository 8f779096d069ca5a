import TensorCore
import TestSupport
import Testing

/// The gradient checker itself: it must pass correct code and catch wrong backward rules.
@Suite("GradientCheck")
struct GradientCheckTests {
    /// y = x² with a backward rule that multiplies the true derivative 2x by `factor`.
    static func square(_ x: Tensor, derivativeFactor factor: Float) -> Tensor {
        let values = x.data
        return Tensor(shape: x.shape, data: values.map { $0 * $0 }, op: "square", inputs: [x]) {
            dy in
            x.accumulateGradient { dx in
                for i in 0..<dx.count { dx[i] += dy[i] * factor * 2 * values[i] }
            }
        }
    }

    @Test func passesACorrectCustomOperation() {
        let x = randomTensor([3, 4], seed: 1)
        let result = GradientCheck.check([x]) { Self.square($0[0], derivativeFactor: 1) }
        #expect(result.passed, "\(result)")
        #expect(result.inputs[0].maxRelativeError < 1e-3)
    }

    @Test(arguments: [-1, 0.5, 0, 1.05] as [Float])
    func catchesAWrongBackwardRule(factor: Float) {
        let x = randomTensor([3, 4], seed: 2)
        let result = GradientCheck.check([x]) { Self.square($0[0], derivativeFactor: factor) }
        #expect(!result.passed, "\(result)")
        #expect(result.description.contains("FAILED"))
        #expect(result.description.contains("MISMATCH"))
    }

    @Test func catchesATransposedIndex() {
        // A matmul whose backward uses dY·B instead of dY·Bᵀ on square matrices.
        let a = randomTensor([3, 3], seed: 3)
        let b = randomTensor([3, 3], seed: 4)
        func wrongMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
            let product = a.matmul(b).detach()
            return Tensor(shape: [3, 3], data: product.data, op: "matmul", inputs: [a, b]) {
                dy in
                let gradient = Tensor(shape: [3, 3], data: dy).matmul(b.detach())  // bug: no ᵀ
                a.accumulateGradient(gradient.data)
            }
        }
        let result = GradientCheck.check([a, b]) { wrongMatmul($0[0], $0[1]) }
        #expect(!result.inputs[0].passed, "\(result)")
    }

    @Test func leavesTheInputsAlone() {
        let x = Tensor([1, 2, 3])
        let w = Tensor([0.5], requiresGrad: true)
        w.grad = Tensor([9])
        _ = GradientCheck.check([x, w]) { ($0[0] * $0[1]).exp() }
        #expect(x.data == [1, 2, 3])
        #expect(x.grad == nil)
        #expect(w.data == [0.5])
        #expect(w.grad?.data == [9])
    }

    @Test func reportsPerInput() {
        let result = GradientCheck.check([Tensor([1, 2]), Tensor([[3]])]) { $0[0] * $0[1] }
        #expect(result.inputs.count == 2)
        #expect(result.inputs[1].shape == [1, 1])
        #expect(result.inputs[1].analytic.count == 1)
        #expect(result.passed)
    }
}
