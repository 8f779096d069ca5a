import NN
import Randomness
import TensorCore
import TestSupport
import Testing

@Suite("Layers: forward passes and batch norm state")
struct LayerTests {
    @Test func conv2dMatchesTheFunction() {
        var generator = SeededGenerator(seed: 5)
        let conv = Conv2d(
            inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, padding: 1,
            generator: &generator)
        let x = randomTensor([2, 3, 7, 7], seed: 6)
        let y = conv(x)
        #expect(y.shape == [2, 4, 4, 4])
        let expected = conv2d(x, weight: conv.weight, bias: conv.bias, stride: 2, padding: 1)
        #expect(y.data == expected.data)
    }

    @Test func linearMatchesTheFunction() {
        var generator = SeededGenerator(seed: 7)
        let layer = Linear(inputFeatures: 6, outputFeatures: 2, generator: &generator)
        let x = randomTensor([3, 6], seed: 8)
        #expect(layer(x).shape == [3, 2])
        #expect(layer(x).data == linear(x, weight: layer.weight, bias: layer.bias).data)
    }

    @Test func poolingFlattenAndIdentityShapes() {
        let x = randomTensor([2, 3, 8, 8], seed: 9)
        #expect(MaxPool2d(kernelSize: 3, stride: 2, padding: 1)(x).shape == [2, 3, 4, 4])
        #expect(MaxPool2d(kernelSize: 2)(x).shape == [2, 3, 4, 4])
        // (height, width) pairs, as PyTorch's: each layer computes its tensor op.
        let tall = MaxPool2d(kernelSize: (3, 2), stride: (2, 1), padding: (1, 0))
        #expect(
            tall(x).data == x.maxPool2d(kernelSize: (3, 2), stride: (2, 1), padding: (1, 0)).data)
        let wide = AvgPool2d(kernelSize: (2, 3), padding: (1, 1), countIncludePad: false)
        #expect(
            wide(x).data
                == x.avgPool2d(kernelSize: (2, 3), padding: (1, 1), countIncludePad: false).data)
        #expect(wide(x).shape == [2, 3, 5, 3])
        #expect(AdaptiveAvgPool2d(outputSize: 1)(x).shape == [2, 3, 1, 1])
        #expect(AdaptiveAvgPool2d(outputSize: 2)(x).shape == [2, 3, 2, 2])
        #expect(Flatten()(x).shape == [2, 192])
        #expect(Flatten(startDim: 2)(x).shape == [2, 3, 64])
        #expect(Identity()(x) === x)
        #expect(ReLU()(x).data == x.data.map { max(0, $0) })
        let pooled = AdaptiveAvgPool2d(outputSize: 1)(x)
        let firstPlane = x.data[0..<64].reduce(0, +) / 64
        #expect(abs(pooled.data[0] - firstPlane) < 1e-5)
    }

    @Test func batchNormUpdatesBuffersOnlyInTraining() {
        let bn = BatchNorm2d(2)
        // Channel 0 holds 1...4, channel 1 holds 10, 20, 30, 40 (one image, 2×2).
        let x = Tensor(shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 10, 20, 30, 40])
        let y = bn(x)
        #expect(bn.numBatchesTracked.shape == [])
        #expect(bn.numBatchesTracked.scalar == 1)
        // running ← 0.9·running + 0.1·batch, with the unbiased variance (m = 4).
        expectClose(bn.runningMean.data, [0.25, 2.5], relative: 1e-5)
        expectClose(bn.runningVar.data, [0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 500 / 3], relative: 1e-5)
        // Training normalises with the batch's biased variance (1.25 for 1...4).
        expectClose(
            Array(y.data[0..<4]), [-1.5, -0.5, 0.5, 1.5].map { $0 / (1.25 + 1e-5).squareRoot() },
            relative: 1e-5)

        bn.eval()
        let mean = bn.runningMean.data
        let variance = bn.runningVar.data
        let z = bn(x)
        #expect(bn.runningMean.data == mean)
        #expect(bn.runningVar.data == variance)
        #expect(bn.numBatchesTracked.scalar == 1)
        let expected0 = (Float(1) - mean[0]) / (variance[0] + 1e-5).squareRoot()
        expectClose([z.data[0]], [expected0], relative: 1e-5)

        bn.train()
        _ = bn(x)
        #expect(bn.numBatchesTracked.scalar == 2)
    }

    @Test func batchNormUsesMomentumAndEps() {
        let bn = BatchNorm2d(1, momentum: 0.5, eps: 0.25)
        _ = bn(Tensor(shape: [2, 1, 1, 1], data: [2, 4]))
        expectClose(bn.runningMean.data, [1.5], relative: 1e-5)  // 0.5·0 + 0.5·3
        // 0.5·1 + 0.5·2 (the unbiased variance of 2 and 4 is 2)
        expectClose(bn.runningVar.data, [1.5], relative: 1e-5)
        #expect(bn.momentum == 0.5 && bn.eps == 0.25)
    }

    @Test func batchNormStartsAsPyTorch() {
        let bn = BatchNorm2d(3)
        #expect(bn.weight.data == [1, 1, 1])
        #expect(bn.bias.data == [0, 0, 0])
        #expect(bn.runningMean.data == [0, 0, 0])
        #expect(bn.runningVar.data == [1, 1, 1])
        #expect(bn.numBatchesTracked.data == [0])
    }
}
