import Foundation
import Residual
import Testing

// The examples the documentation articles show (between `listing` markers), run as tests so
// that the code a reader copies builds and does what the article says.

// listing: softplus-op
extension Tensor {
    /// softplus(x) = log(1 + eˣ) elementwise, a smooth ReLU. ∂/∂x = eˣ / (1 + eˣ) = σ(x).
    /// Shape in, same shape out.
    func softplus() -> Tensor {
        let x = data
        let y = x.map { Foundation.log(1 + Foundation.exp($0)) }
        return Tensor(shape: shape, data: y, op: "softplus", inputs: [self]) { [self] dy in
            accumulateGradient { dx in
                for i in 0..<x.count { dx[i] += dy[i] / (1 + Foundation.exp(-x[i])) }
            }
        }
    }
}
// listing-end: softplus-op

@Suite("The documentation articles' examples")
struct ArticleExamples {
    @Test("getting started: ResNet-20 for CIFAR built, counted and run on a batch")
    func firstModel() {
        // listing: first-model
        var generator = SeededGenerator(seed: 0)
        let model = ResNet.cifar(depth: 20, generator: &generator)
        print("ResNet-20: \(model.parameterCount) parameters")  // 269722

        let images = Tensor.randn([4, 3, 32, 32], generator: &generator)  // [N, C, H, W]
        let logits = model(images)  // [4, 10]: one score per class
        let loss = crossEntropy(logits: logits, targets: [0, 1, 2, 3])
        loss.backward()  // every parameter's .grad is now dLoss/dparameter
        // listing-end: first-model
        #expect(model.parameterCount == 269_722)
        #expect(logits.shape == [4, 10])
        #expect(model.parameters.allSatisfy { $0.grad?.shape == $0.shape })
    }

    @Test("tensors and autograd: the new op's backward agrees with finite differences")
    func softplusChecks() {
        // listing: softplus-check
        var generator = SeededGenerator(seed: 1)
        let x = Tensor.randn([3, 4], generator: &generator)
        let result = GradientCheck.check([x]) { inputs in inputs[0].softplus() }
        print(result)  // analytic against numeric, per input, and whether it passed
        // listing-end: softplus-check
        #expect(result.passed)
    }

    @Test("tensors and autograd: a planted mistake in a backward rule is caught")
    func plantedMistakeFails() {
        var generator = SeededGenerator(seed: 1)
        let x = Tensor.randn([3, 4], generator: &generator)
        // The same forward with the derivative's sign flipped.
        let result = GradientCheck.check([x]) { inputs in
            let input = inputs[0]
            let values = input.data
            return Tensor(
                shape: input.shape, data: values.map { Foundation.log(1 + Foundation.exp($0)) },
                op: "wrong-softplus", inputs: [input]
            ) { dy in
                input.accumulateGradient { dx in
                    for i in 0..<values.count { dx[i] -= dy[i] / (1 + Foundation.exp(-values[i])) }
                }
            }
        }
        #expect(!result.passed)
    }
}
