import NN
import Randomness
import ResNetModels
import TensorCore
import TestSupport
import Testing

@Suite("The pre-activation bottleneck against PyTorch's")
struct PreActBottleneckTests {
    @Test(
        "parameter count, state-dict names and shapes, and eval output equal PyTorch's",
        arguments: ["identity", "projection_stride2", "projection_widen"])
    func matchesPyTorch(_ name: String) throws {
        let fixture = try #require(try PreActBottleneckFixture.load().cases[name])
        let c = fixture.config
        var generator = SeededGenerator(seed: 1)
        let block = PreActBottleneck(
            inputChannels: c.in_planes, channels: c.planes, stride: c.stride,
            generator: &generator)
        #expect(block.parameterCount == fixture.parameters)
        #expect(block.stateDict().map(\.name) == fixture.state_dict.map(\.name))
        #expect(block.stateDict().map(\.tensor.shape) == fixture.state_dict.map(\.shape))
        try block.loadStateDict(
            fixture.state_dict.map {
                (name: $0.name, tensor: Tensor(shape: $0.shape, data: $0.data))
            })
        block.eval()
        let y = Tensor.withoutGrad { block(fixture.input.tensor) }
        #expect(y.shape == fixture.eval_output.shape)
        expectClose(y.data, fixture.eval_output.data, absolute: 1e-5, relative: 1e-4, name)
        #expect(block.shortcutKind == (name == "identity" ? .identity : .projection))
    }

    @Test("a ResNet of pre-activation bottlenecks builds, runs and ends with bn and relu")
    func inANetwork() {
        var generator = SeededGenerator(seed: 4)
        let configuration = ResNet.Configuration(
            block: .preActivationBottleneck, blocksPerStage: [1, 1], stageWidths: [8, 16],
            stem: .cifar, inputChannels: 1, classes: 3)
        let model = ResNet(configuration, generator: &generator)
        #expect(model.bn1 == nil && model.bn != nil)
        #expect(model.blocks.allSatisfy { $0 is PreActBottleneck })
        #expect(model.featureCount == 64 && model.weightedLayerCount == 8)
        let y = model(randomTensor([2, 1, 8, 8], seed: 5))
        #expect(y.shape == [2, 3])
        #expect(
            configuration.size(height: 8, width: 8).parameters == model.parameterCount)
    }
}
