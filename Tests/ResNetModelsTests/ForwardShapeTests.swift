import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

/// Output shapes of every factory, and the shapes between stages.
@Suite("Forward shapes")
struct ForwardShapeTests {
    @Test(
        "ImageNet ResNets: [1, 3, 64, 64] → [1, 1000]; /4 at layer1, then /2 per stage",
        arguments: [18, 34, 50, 101, 152])
    func imagenet(depth: Int) {
        // The only test that runs the shared models (the others read their trees).
        let model = ImageNetModels.model(depth: depth)
        let expansion = depth >= 50 ? 4 : 1
        let shapes = stageShapes(model, input: [1, 3, 64, 64])
        #expect(shapes["conv1"] == [1, 64, 32, 32])
        #expect(shapes["maxpool"] == [1, 64, 16, 16])
        #expect(shapes["layer1"] == [1, 64 * expansion, 16, 16])
        #expect(shapes["layer2"] == [1, 128 * expansion, 8, 8])
        #expect(shapes["layer3"] == [1, 256 * expansion, 4, 4])
        #expect(shapes["layer4"] == [1, 512 * expansion, 2, 2])
        #expect(shapes["avgpool"] == [1, 512 * expansion, 1, 1])
        #expect(shapes["fc"] == [1, 1000])
    }

    @Test("Smoke test: ResNet-18 with 10 classes maps [2, 3, 224, 224] to [2, 10] in training mode")
    func smoke() {
        var generator = SeededGenerator(seed: 11)
        let model = ResNet.resnet18(classes: 10, generator: &generator)
        let y = model(Tensor.randn([2, 3, 224, 224], generator: &generator))
        #expect(y.shape == [2, 10])
        #expect(y.requiresGrad)
    }

    @Test(
        "CIFAR-style factories: [2, C, 32, 32] → [2, 10], stages 32/16/8 pixels",
        arguments: [
            "cifar-resnet20", "cifar-plain20", "cifar-resnet56", "preact-resnet20",
            "preact-plain20", "ablation-res-18", "ablation-plain-18", "ablation-res-34",
            "ablation-plain-34", "ablation-res-56", "ablation-plain-56",
        ])
    func cifar(name: String) throws {
        var generator = SeededGenerator(seed: 12)
        let model = try ResNet.named(name, generator: &generator)
        let channels = model.configuration.inputChannels
        #expect(channels == (name.hasPrefix("ablation") ? 1 : 3))
        let shapes = stageShapes(model, input: [2, channels, 32, 32])
        #expect(shapes["layer1"] == [2, 16, 32, 32])
        #expect(shapes["layer2"] == [2, 32, 16, 16])
        #expect(shapes["layer3"] == [2, 64, 8, 8])
        #expect(shapes["fc"] == [2, 10])
    }

    @Test("The ablation family takes Fashion-MNIST's 28x28 images: [2, 1, 28, 28] → [2, 10]")
    func fashionMNIST() {
        var generator = SeededGenerator(seed: 13)
        let model = ResNet.ablation(depth: 18, generator: &generator)
        let y = model(Tensor.randn([2, 1, 28, 28], generator: &generator))
        #expect(y.shape == [2, 10])
    }

    @Test("Bottleneck v1 and v1.5 stride on different convolutions, same shapes and parameters")
    func bottleneckStride() {
        var generator = SeededGenerator(seed: 14)
        let v15 = Bottleneck(inputChannels: 8, channels: 4, stride: 2, generator: &generator)
        let v1 = Bottleneck(
            inputChannels: 8, channels: 4, stride: 2, strideOn: .onFirstConv1x1,
            generator: &generator)
        #expect((v15.conv1.stride, v15.conv2.stride, v15.conv3.stride) == (1, 2, 1))
        #expect((v1.conv1.stride, v1.conv2.stride, v1.conv3.stride) == (2, 1, 1))
        #expect(v15.parameterCount == v1.parameterCount)
        let x = Tensor.randn([2, 8, 9, 9], generator: &generator)
        #expect(v15(x).shape == [2, 16, 5, 5])
        #expect(v1(x).shape == [2, 16, 5, 5])
        #expect(v15.downsample?.modules.first.map { ($0 as? Conv2d)?.stride } == 2)
    }

    /// The output shape of each direct child of `model` for a random input of `input`'s shape,
    /// captured with forward hooks (no gradients, in the model's mode).
    func stageShapes(_ model: ResNet, input: [Int]) -> [String: [Int]] {
        var generator = SeededGenerator(seed: 15)
        var shapes: [String: [Int]] = [:]
        var hooks: [(Module, Int)] = []
        for (name, child) in model.children {
            hooks.append(
                (child, child.registerForwardHook { _, _, output in shapes[name] = output.shape }))
        }
        let output = Tensor.withoutGrad { model(Tensor.randn(input, generator: &generator)) }
        #expect(output.data.allSatisfy { $0.isFinite })
        for (child, id) in hooks { child.removeForwardHook(id) }
        return shapes
    }
}
