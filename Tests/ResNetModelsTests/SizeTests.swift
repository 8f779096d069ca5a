import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

/// `Configuration.size`, the arithmetic that lets a size be checked before a model is built,
/// against the models themselves.
@Suite("Sizes from the configuration alone")
struct SizeTests {
    /// Every standard name, and variants that take the other branches (option B on the CIFAR
    /// stem, option C, the bottleneck's v1 stride, other channels and classes).
    static let configurations: [ResNet.Configuration] = {
        var list = ResNet.Configuration.modelNames.map { try! ResNet.Configuration.named($0) }
        list += [
            .cifar(depth: 20, shortcut: .b), .cifar(depth: 14, shortcut: .c),
            .resnet(depth: 50, classes: 7, inputChannels: 1),
            .preActivation(depth: 14, classes: 3, shortcut: .b),
            ResNet.Configuration(
                block: .preActivationBottleneck, blocksPerStage: [2, 1, 2],
                stageWidths: [8, 16, 32], stem: .imagenet, inputChannels: 3, classes: 5),
        ]
        var v1 = ResNet.Configuration.resnet(depth: 50)
        v1.bottleneckStride = .onFirstConv1x1
        v1.shortcut = .c
        list.append(v1)
        return list
    }()

    @Test(
        "parameters and buffers are exactly what the built model holds",
        arguments: configurations.indices)
    func parametersAndBuffers(_ index: Int) {
        let configuration = Self.configurations[index]
        var generator = SeededGenerator(seed: 1)
        let model = ResNet(configuration, generator: &generator)
        let size = configuration.size(height: 32, width: 32)
        let state = model.stateDict().reduce(0) { $0 + $1.tensor.count }
        #expect(size.parameters == model.parameterCount, "\(configuration)")
        #expect(size.buffers == state - model.parameterCount, "\(configuration)")
    }

    @Test(
        "the activations cover every layer's output, and not much more",
        arguments: [
            ("resnet18", 64), ("resnet50", 64), ("plain34", 40), ("cifar-resnet20", 32),
            ("preact-resnet20", 28), ("ablation-plain-8", 28), ("ablation-res-18", 27),
        ])
    func activations(_ name: String, _ side: Int) throws {
        let configuration = try ResNet.Configuration.named(name)
        var generator = SeededGenerator(seed: 2)
        let model = ResNet(configuration, generator: &generator)
        // Sum the outputs of the modules without children (convolutions, batch norms, ReLUs,
        // pooling, the linear layer); additions and zero padding are not modules.
        nonisolated(unsafe) var traced = 0
        nonisolated(unsafe) var largest = 0
        for (_, module) in model.namedModules() where module.children.isEmpty {
            _ = module.registerForwardHook { _, _, output in
                traced += output.count
                largest = max(largest, output.count)
            }
        }
        let input = Tensor(
            shape: [1, configuration.inputChannels, side, side],
            data: [Float](repeating: 0.5, count: configuration.inputChannels * side * side))
        _ = Tensor.withoutGrad { model(input) }
        let size = configuration.size(height: side, width: side)
        #expect(size.largestActivation == Double(largest))
        #expect(size.activationsPerImage >= Double(traced))
        #expect(size.activationsPerImage <= 1.3 * Double(traced))
    }
}

@Suite("Names beyond the deepest net")
struct DepthLimitTests {
    @Test(
        "a depth above the limit is refused by name, without being built",
        arguments: [
            "ablation-res-2000000", "cifar-plain2006", "ablation-plain-99999999999999999999999",
        ])
    func tooDeep(_ name: String) {
        #expect(throws: ResNetModelsError.tooDeep(name, maximum: 2000)) {
            try ResNet.Configuration.named(name)
        }
    }

    @Test("the limit itself and malformed depths keep their old answers")
    func edges() throws {
        #expect(try ResNet.Configuration.named("ablation-res-2000").depth == 2000)
        #expect(throws: ResNetModelsError.self) {
            try ResNet.Configuration.named("ablation-res-08")
        }
    }
}
