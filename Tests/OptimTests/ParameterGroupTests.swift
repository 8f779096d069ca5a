import Optim
import TensorCore
import Testing

@Suite("Parameter groups for fine-tuning")
struct ParameterGroupTests {
    @Test(
        "weights decay, biases and norms do not; frozen tensors are left out; each group's rate applies"
    )
    func decayingWeightsOnly() throws {
        let weight = Tensor(shape: [2, 2], data: [1, 1, 1, 1], requiresGrad: true)
        let bias = Tensor(shape: [2], data: [1, 1], requiresGrad: true)
        let frozen = Tensor(shape: [2, 2], data: [1, 1, 1, 1], requiresGrad: false)
        let groups = ParameterGroup.decayingWeightsOnly(
            [("fc.weight", weight), ("fc.bias", bias), ("conv.weight", frozen)],
            learningRate: 0.5, weightDecay: 0.1)
        #expect(groups.count == 2)
        #expect(groups[0].parameters.map(ObjectIdentifier.init) == [ObjectIdentifier(weight)])
        #expect(groups[1].parameters.map(ObjectIdentifier.init) == [ObjectIdentifier(bias)])
        // With zero gradients only the decay moves a parameter: w ← w − lr·wd·w.
        let optimizer = try SGD(groups: groups, learningRate: 0.01)
        weight.grad = Tensor(shape: [2, 2], data: [0, 0, 0, 0])
        bias.grad = Tensor(shape: [2], data: [0, 0])
        optimizer.step()
        #expect(weight.data == [Float](repeating: 1 - 0.5 * 0.1, count: 4))
        #expect(bias.data == [1, 1])

        // Discriminative rates: the same gradient moves each group by its own rate.
        let backbone = Tensor(shape: [1], data: [0], requiresGrad: true)
        let head = Tensor(shape: [1], data: [0], requiresGrad: true)
        let discriminative = try SGD(
            groups: [
                ParameterGroup([backbone], learningRate: 0.001),
                ParameterGroup([head], learningRate: 0.1),
            ],
            learningRate: 0.01)
        backbone.grad = Tensor(shape: [1], data: [1])
        head.grad = Tensor(shape: [1], data: [1])
        discriminative.step()
        #expect(backbone.data == [-0.001] && head.data == [-0.1])
        #expect(discriminative.summary.hasPrefix("SGD: 2 groups, 2 of 2 parameter tensors"))
    }
}
