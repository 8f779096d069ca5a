import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

@Suite("FoldedResNet: batch norm folded into the convolutions")
struct FoldedResNetTests {
    /// A model whose batch norms hold non-trivial running statistics and affine weights.
    private func trained(_ name: String, classes: Int = 10, seed: UInt64) throws -> ResNet {
        var generator = SeededGenerator(seed: seed)
        let model = try ResNet.named(name, classes: classes, generator: &generator)
        randomizeBatchNorms(model, generator: &generator)
        return model
    }

    @Test(
        "equals the model in eval mode",
        arguments: [
            ("ablation-plain-8", 1, 12), ("ablation-res-10", 1, 12), ("cifar-resnet20", 3, 16),
            ("resnet18", 3, 32), ("resnet50", 3, 32),
        ])
    func matchesEvalMode(name: String, channels: Int, size: Int) throws {
        let model = try trained(name, seed: 11)
        var generator = SeededGenerator(seed: 12)
        let x = Tensor.randn([3, channels, size, size], generator: &generator)
        model.eval()
        let expected = Tensor.withoutGrad { model(x) }
        let folded = try #require(FoldedResNet(model))
        let got = folded(x)
        #expect(got.shape == expected.shape)
        let scale = expected.data.map(abs).max() ?? 1
        let worst = zip(got.data, expected.data).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4 * max(1, scale), "\(name): largest difference \(worst)")
        #expect(!got.requiresGrad)
    }

    @Test("observes every block's output and deletes a block by its bypass")
    func observeAndDelete() throws {
        let model = try trained("ablation-res-8", seed: 13)
        let folded = try #require(FoldedResNet(model))
        var generator = SeededGenerator(seed: 14)
        let x = Tensor.randn([2, 1, 8, 8], generator: &generator)
        var shapes: [[Int]] = []
        _ = folded(x, observe: { _, y in shapes.append(y.shape) })
        #expect(shapes == [[2, 16, 8, 8], [2, 32, 4, 4], [2, 64, 2, 2]])
        // Deleting the stage-2 block (16 → 32 channels, stride 2) keeps every shape.
        var deletedShapes: [[Int]] = []
        let y = folded(x, deleting: 1, observe: { _, y in deletedShapes.append(y.shape) })
        #expect(deletedShapes == shapes)
        #expect(y.shape == [2, 10])
        // Its output is then the zero-padded, subsampled input of the block.
        var input: Tensor?
        var output: Tensor?
        _ = folded(
            x, deleting: 1,
            observe: { i, y in
                if i == 0 { input = y }
                if i == 1 { output = y }
            })
        let expected = try #require(input).subsample(stride: 2).padChannels(before: 8, after: 8)
        #expect(try #require(output).data == expected.data)
    }

    @Test("pre-activation networks are not folded")
    func preActivationIsRefused() throws {
        var generator = SeededGenerator(seed: 1)
        let model = try ResNet.named("preact-resnet20", generator: &generator)
        #expect(FoldedResNet(model) == nil)
    }
}
