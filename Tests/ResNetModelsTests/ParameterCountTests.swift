import NN
import Randomness
import ResNetModels
import Testing

/// Exact parameter counts (torchvision's published numbers, and counts of PyTorch models built
/// by `bench/torch_ablation.py` and `Fixtures/make_parity.py`) and the paper's depth count.
@Suite("Parameter counts and depth")
struct ParameterCountTests {
    @Test(
        "torchvision's ImageNet ResNets",
        arguments: zip(
            [18, 34, 50, 101, 152], [11_689_512, 21_797_672, 25_557_032, 44_549_160, 60_192_808]
        ))
    func imagenet(depth: Int, parameters: Int) {
        let model = ImageNetModels.model(depth: depth)
        #expect(model.parameterCount == parameters)
        #expect(model.weightedLayerCount == depth)
        #expect(countWeightedLayers(model) == depth)
    }

    @Test("Plain twins of the ImageNet ResNets lose exactly the projection shortcuts")
    func imagenetPlainTwins() {
        var generator = SeededGenerator(seed: 1)
        let plain18 = ResNet.resnet18(residual: false, generator: &generator)
        #expect(plain18.parameterCount == 11_515_688)  // torchvision's, minus `downsample`
        #expect(plain18.weightedLayerCount == 18)
        #expect(plain18.blocks.allSatisfy { $0.shortcut == nil && $0.downsample == nil })
        let residualNames = ImageNetModels.model(depth: 18).stateDict().map(\.name)
        #expect(
            plain18.stateDict().map(\.name) == residualNames.filter { !$0.contains("downsample") })
    }

    @Test(
        "CIFAR ResNets, 6n + 2 (10 classes, 3 channels)",
        arguments: zip([20, 32, 44, 56, 110], [269_722, 464_154, 658_586, 853_018, 1_727_962]))
    func cifar(depth: Int, parameters: Int) {
        var generator = SeededGenerator(seed: 2)
        for residual in [true, false] {
            let model = ResNet.cifar(depth: depth, residual: residual, generator: &generator)
            #expect(model.parameterCount == parameters, "residual: \(residual)")
        }
    }

    @Test("CIFAR ResNet with option B adds the projections", arguments: [20, 56])
    func cifarOptionB(depth: Int) {
        var generator = SeededGenerator(seed: 3)
        let model = ResNet.cifar(depth: depth, shortcut: .b, generator: &generator)
        // PyTorch: 272,474 for depth 20, 855,770 for 56 (two 1x1 projections with batch norm).
        #expect(model.parameterCount == [20: 272_474, 56: 855_770][depth])
        let plain = ResNet.cifar(depth: depth, shortcut: .b, residual: false, generator: &generator)
        #expect(plain.parameterCount == [20: 269_722, 56: 853_018][depth])
    }

    @Test("The four-stage ResNet of lessons 09-11: one basic block per stage, B projections")
    func fourStage() {
        var generator = SeededGenerator(seed: 5)
        let model = ResNet(.fourStage(classes: 10), generator: &generator)
        // Counted by hand: stem 144 + 32; stages 4,672, 14,528, 57,728, 230,144 (each with a
        // 1x1 projection and its batch norm but the first); fc 1,290.
        #expect(model.parameterCount == 308_538)
        #expect(model.configuration.blocksPerStage == [1, 1, 1, 1])
        let color = ResNet(.fourStage(classes: 5, inputChannels: 3), generator: &generator)
        #expect(color.parameterCount == 308_538 + 2 * 144 - 5 * 129)
    }

    @Test(
        "Ablation family: plain and residual twins have the same parameters",
        arguments: zip([18, 34, 56], [195_450, 468_538, 852_730]))
    func ablation(depth: Int, parameters: Int) {
        var generator = SeededGenerator(seed: 4)
        let residual = ResNet.ablation(depth: depth, residual: true, generator: &generator)
        let plain = ResNet.ablation(depth: depth, residual: false, generator: &generator)
        #expect(residual.parameterCount == parameters)
        #expect(plain.parameterCount == parameters)
        #expect(residual.stateDict().map(\.name) == plain.stateDict().map(\.name))
        #expect(
            residual.configuration.blocksPerStage
                == [18: [3, 3, 2], 34: [6, 5, 5], 56: [9, 9, 9]][depth])
    }

    @Test(
        "Pre-activation CIFAR ResNets",
        arguments: zip([20, 32, 44, 56, 110], [269_722, 464_154, 658_586, 853_018, 1_727_962]))
    func preActivation(depth: Int, parameters: Int) {
        var generator = SeededGenerator(seed: 5)
        let model = ResNet.preActivation(depth: depth, generator: &generator)
        #expect(model.parameterCount == parameters)
    }

    /// Every factory, plain or residual. The ImageNet ones are built with narrow stages here
    /// (the count does not depend on the widths), the others as they are.
    static let factories: [(String, ResNet.Configuration)] = [true, false].flatMap { residual in
        let kind = residual ? "residual" : "plain"
        let imagenet = [18, 34, 50, 101, 152].map { depth in
            var narrow = ResNet.Configuration.resnet(depth: depth, residual: residual)
            narrow.stageWidths = [2, 2, 2, 2]
            return ("\(kind) resnet\(depth)", narrow)
        }
        let cifar = [8, 20, 32, 44, 56, 110].flatMap { depth in
            [
                (
                    "\(kind) cifar\(depth)",
                    ResNet.Configuration.cifar(depth: depth, residual: residual)
                ),
                ("\(kind) cifar\(depth) B", .cifar(depth: depth, shortcut: .b, residual: residual)),
                ("\(kind) preact\(depth)", .preActivation(depth: depth, residual: residual)),
            ]
        }
        let ablation = [8, 18, 34, 56].map {
            ("\(kind) ablation\($0)", ResNet.Configuration.ablation(depth: $0, residual: residual))
        }
        return imagenet + cifar + ablation
    }

    @Test("Weighted-layer count equals the nominal depth for every factory, plain or residual")
    func weightedLayers() {
        var generator = SeededGenerator(seed: 6)
        for (name, configuration) in Self.factories {
            let model = ResNet(configuration, generator: &generator)
            let nominal = configuration.depth
            #expect(model.weightedLayerCount == nominal, "\(name)")
            #expect(countWeightedLayers(model) == nominal, "\(name)")
        }
        #expect(Self.factories.count == 2 * (5 + 18 + 4))
    }

    @Test("The nominal depth of each named model is the number in its name")
    func namedDepths() throws {
        for name in ResNet.Configuration.modelNames {
            let configuration = try ResNet.Configuration.named(name)
            let digits = name.reversed().prefix { $0.isNumber }.reversed()
            #expect(configuration.depth == Int(String(digits)), "\(name)")
            #expect(configuration.residual == !name.contains("plain"), "\(name)")
        }
    }
}
