import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

/// torchvision's initialisation, determinism and the model-name lookup.
@Suite("Initialisation and names")
struct InitializationTests {
    @Test("Convolutions are Kaiming normal with fan out; batch norms start at γ = 1, β = 0")
    func kaimingFanOut() {
        let model = ImageNetModels.model(depth: 50)
        for (name, module) in model.namedModules() {
            if let conv = module as? Conv2d, conv.weight.count >= 100_000 {
                let fanOut = Float(conv.outputChannels * conv.kernelSize * conv.kernelSize)
                let values = conv.weight.data
                let mean = values.reduce(0, +) / Float(values.count)
                let std =
                    (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count))
                    .squareRoot()
                let expected = (2 / fanOut).squareRoot()
                #expect(abs(mean) < 0.01 * expected, "\(name) mean \(mean)")
                #expect(abs(std / expected - 1) < 0.01, "\(name) std \(std), expected \(expected)")
            } else if let norm = module as? BatchNorm2d {
                #expect(
                    norm.weight.data.allSatisfy { $0 == 1 } && norm.bias.data.allSatisfy { $0 == 0 }
                )
            }
        }
        let fc = model.fc as? Linear
        let bound = 1 / Float(2048).squareRoot()
        #expect(fc?.weight.data.allSatisfy { abs($0) <= bound } == true)
    }

    @Test("A seed decides every number")
    func determinism() {
        func weights(seed: UInt64) -> [[Float]] {
            var generator = SeededGenerator(seed: seed)
            return ResNet.cifar(depth: 8, shortcut: .b, generator: &generator).stateDict().map(
                \.tensor.data)
        }
        #expect(weights(seed: 7) == weights(seed: 7))
        #expect(weights(seed: 7) != weights(seed: 8))
    }

    @Test("Names resolve to their factories' configurations")
    func names() throws {
        #expect(try ResNet.Configuration.named("resnet50") == .resnet(depth: 50))
        #expect(try ResNet.Configuration.named("plain34") == .resnet(depth: 34, residual: false))
        #expect(try ResNet.Configuration.named("cifar-resnet20") == .cifar(depth: 20))
        #expect(try ResNet.Configuration.named("cifar-plain8") == .cifar(depth: 8, residual: false))
        #expect(try ResNet.Configuration.named("preact-resnet110") == .preActivation(depth: 110))
        #expect(
            try ResNet.Configuration.named("ablation-plain-56")
                == .ablation(depth: 56, residual: false))
        #expect(try ResNet.Configuration.named("ablation-res-18") == .ablation(depth: 18))
        #expect(
            try ResNet.Configuration.named("resnet18", classes: 10, inputChannels: 1)
                == .resnet(depth: 18, classes: 10, inputChannels: 1))
        let ablation = try ResNet.Configuration.named("ablation-res-34")
        #expect((ablation.inputChannels, ablation.classes, ablation.shortcut) == (1, 10, .a))
    }

    @Test(
        "Unknown names throw an error that lists the valid ones",
        arguments: [
            "", "resnet", "resnet19", "ResNet18", "resnet018", "cifar-resnet21", "cifar-resnet2",
            "ablation-res-7", "ablation-res-19", "ablation-18", "preact-resnet18", "resnet18 ",
        ])
    func unknownNames(name: String) {
        var generator = SeededGenerator(seed: 40)
        #expect(
            throws: ResNetModelsError.unknownModelName(name, valid: ResNet.Configuration.modelNames)
        ) {
            try ResNet.named(name, generator: &generator)
        }
        let message = ResNetModelsError.unknownModelName(
            name, valid: ResNet.Configuration.modelNames
        ).description
        #expect(message.contains("resnet18") && message.contains("ablation-plain-56"))
    }

    @Test(
        "Blocks spread over stages front-first",
        arguments: [(8, [3, 3, 2]), (16, [6, 5, 5]), (27, [9, 9, 9]), (4, [2, 1, 1])])
    func spread(blocks: Int, expected: [Int]) {
        #expect(ResNet.Configuration.spreadFrontFirst(blocks: blocks, stages: 3) == expected)
    }

    @Test("Replacing the head: an Identity fc outputs features, one weighted layer fewer")
    func replaceHead() {
        var generator = SeededGenerator(seed: 41)
        let model = ResNet.cifar(depth: 20, generator: &generator)
        #expect(model.featureCount == 64)
        model.fc = Identity()
        #expect(model.weightedLayerCount == 19)
        #expect(!model.stateDict().contains { $0.name.hasPrefix("fc.") })
        #expect(model(Tensor.randn([2, 3, 8, 8], generator: &generator)).shape == [2, 64])
    }
}
