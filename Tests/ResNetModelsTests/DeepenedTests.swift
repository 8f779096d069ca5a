import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

@Suite(
    "ResNet.deepened: the constructed solution, a deeper net computing a shallower one's function")
struct DeepenedTests {
    /// An ablation net with non-trivial batch-norm weights and running statistics.
    private func trained(depth: Int, residual: Bool, seed: UInt64) -> ResNet {
        var generator = SeededGenerator(seed: seed)
        let model = ResNet(.ablation(depth: depth, residual: residual), generator: &generator)
        randomizeBatchNorms(model, generator: &generator)
        return model
    }

    private func batches(_ count: Int, seed: UInt64) -> [Tensor] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Tensor.randn([6, 1, 12, 12], generator: &generator) }
    }

    private func logits(_ model: ResNet, _ x: Tensor, training: Bool) -> [Float] {
        model.train(training)
        return model.preservingBuffers { Tensor.withoutGrad { model(x) }.data }
    }

    private func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test("a residual net's extra blocks add exactly 0: the same logits in both modes")
    func residualIsExact() {
        let shallow = trained(depth: 8, residual: true, seed: 1)
        let deeper = shallow.deepened(to: .ablation(depth: 14, residual: true), statistics: [])
        #expect(deeper.configuration.blocksPerStage == [2, 2, 2])
        #expect(deeper.weightedLayerCount == 14)
        let x = batches(1, seed: 2)[0]
        #expect(logits(deeper, x, training: false) == logits(shallow, x, training: false))
        #expect(logits(deeper, x, training: true) == logits(shallow, x, training: true))
    }

    @Test(
        "a plain net's extra blocks undo their batch norms in eval mode, only nearly in training mode"
    )
    func plainMatchesInEvalMode() {
        let shallow = trained(depth: 8, residual: false, seed: 3)
        let before = shallow.stateDict().map(\.tensor.data)
        let deeper = shallow.deepened(
            to: .ablation(depth: 12, residual: false), statistics: batches(4, seed: 4))
        #expect(deeper.configuration.blocksPerStage == [2, 2, 1])
        // The shallow net is left as it was, running statistics included.
        #expect(shallow.stateDict().map(\.tensor.data) == before)
        let x = batches(1, seed: 5)[0]
        let expected = logits(shallow, x, training: false)
        let scale = expected.map(abs).max() ?? 1
        let evalGap = largestDifference(logits(deeper, x, training: false), expected)
        #expect(evalGap <= 1e-4 * max(1, scale), "eval mode: largest difference \(evalGap)")
        // In training mode the extra batch norms use the batch's statistics, not the
        // averages: close, not equal.
        let trainExpected = logits(shallow, x, training: true)
        let trainGap = largestDifference(logits(deeper, x, training: true), trainExpected)
        #expect(trainGap > evalGap)
        #expect(trainGap < 0.5 * max(1, trainExpected.map(abs).max() ?? 1))
    }

    @Test("set from the very batch it trains on, a plain net's training mode is nearly exact")
    func plainTrainingModeFromItsOwnBatch() {
        // With the statistics of the batch itself, each extra batch norm's training-mode
        // normalisation differs from the one it was set to undo only by the unbiased
        // variance (n − 1) against the biased one (n): about 1/(2n) relative, n = 6 × 16 × 16
        // in the first stage down to 6 × 4 × 4 in the last. Statistics of the wrong tensor
        // (the stage's input, say) would be off by far more. Measured: 0.0014 here.
        let shallow = trained(depth: 8, residual: false, seed: 8)
        var generator = SeededGenerator(seed: 9)
        let x = Tensor.randn([6, 1, 16, 16], generator: &generator)
        let deeper = shallow.deepened(to: .ablation(depth: 14, residual: false), statistics: [x])
        let expected = logits(shallow, x, training: true)
        let scale = max(1, expected.map(abs).max() ?? 1)
        let gap = largestDifference(logits(deeper, x, training: true), expected)
        #expect(gap <= 0.005 * scale, "training mode: largest difference \(gap) of \(scale)")
    }

    @Test(
        "the copies are the shallow net's tensors' values; the extra convolutions are identity kernels"
    )
    func copiesAndIdentities() throws {
        let shallow = trained(depth: 8, residual: false, seed: 6)
        let deeper = shallow.deepened(
            to: .ablation(depth: 14, residual: false), statistics: batches(2, seed: 7))
        let deep = Dictionary(uniqueKeysWithValues: deeper.stateDict().map { ($0.name, $0.tensor) })
        for (name, tensor) in shallow.stateDict() {
            #expect(deep[name]?.data == tensor.data, "\(name)")
        }
        let extra = try #require(deeper.layers[1][1] as? BasicBlock)
        let c = extra.conv1.outputChannels
        #expect(c == 32)
        var identity = [Float](repeating: 0, count: c * c * 9)
        for channel in 0..<c { identity[(channel * c + channel) * 9 + 4] = 1 }
        #expect(extra.conv1.weight.data == identity)
        #expect(extra.conv2.weight.data == identity)
        // Its batch norms hold the averaged statistics of what stage 2 of the shallow net
        // hands on, and undo them: γ = √(variance + eps), β = mean.
        let handedOn = shallow.averageBatchStatistics(
            of: [shallow.layers[1]], input: false, over: batches(2, seed: 7))[0]
        for norm in [extra.bn1, extra.bn2] {
            #expect(norm.runningMean.data == handedOn.mean.map { Float($0) })
            #expect(norm.runningVar.data == handedOn.variance.map { Float($0) })
            #expect(norm.bias.data == handedOn.mean.map { Float($0) })
            #expect(
                norm.weight.data
                    == handedOn.variance.map { Float(($0 + Double(norm.eps)).squareRoot()) })
        }
    }
}
