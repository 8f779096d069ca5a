import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

/// State-dict keys, shapes and order, and module names, against torchvision's own models
/// (`Fixtures/make_state_dict_keys.py`, `Fixtures/make_module_names.py`).
@Suite("Torchvision names")
struct StateDictTests {
    @Test(
        "State-dict keys and shapes equal torchvision's, in order",
        arguments: [18, 34, 50, 101, 152])
    func stateDict(depth: Int) throws {
        let expected = try #require(TorchvisionStateDicts.load().models["resnet\(depth)"])
        let model = ImageNetModels.model(depth: depth)
        let actual = model.stateDict().map { NamedShape(name: $0.name, shape: $0.tensor.shape) }
        #expect(actual.count == expected.keys.count)
        // The first difference, rather than two 1,000-line arrays.
        let firstDifference = zip(actual, expected.keys).enumerated().first {
            $0.element.0 != $0.element.1
        }
        #expect(
            firstDifference == nil,
            "entry \(firstDifference?.offset ?? -1): \(firstDifference.map { "\($0.element.0) vs torchvision \($0.element.1)" } ?? "")"
        )
        #expect(model.parameterCount == expected.parameters)
    }

    @Test("Module names and classes equal torchvision's named_modules()", arguments: [18, 50])
    func moduleNames(depth: Int) throws {
        let expected = try #require(TorchvisionModuleNames.load().models["resnet\(depth)"])
        let actual = ImageNetModels.model(depth: depth).namedModules().map {
            NamedType(name: $0.name, type: $0.module.typeName)
        }
        #expect(actual == expected)
    }

    @Test("Blocks report their shortcuts: projection where a stage starts, identity elsewhere")
    func shortcutKinds() {
        let resnet50 = ImageNetModels.model(depth: 50)
        let kinds: [[ShortcutKind?]] = resnet50.layers.map { layer in
            layer.modules.map { ($0 as? any ResidualBlock)?.shortcutKind }
        }
        // layer1.0 projects too: 64 channels in, 256 out.
        #expect(kinds.map { $0[0] } == [.projection, .projection, .projection, .projection])
        #expect(kinds.flatMap { $0.dropFirst() }.allSatisfy { $0 == .identity })
        #expect(resnet50.blocks.count == 16)
    }
}

@Suite("A ResNet's children")
struct ResNetChildrenTests {
    /// Forward hooks on every child record the order the forward pass calls them.
    private func calls(_ model: ResNet, input: [Int]) -> [String] {
        var called: [String] = []
        for (name, child) in model.children {
            _ = child.registerForwardHook { _, _, _ in called.append(name) }
        }
        var generator = SeededGenerator(seed: 1)
        _ = model(Tensor.randn(input, generator: &generator))
        return called
    }

    @Test(
        "the children are the modules the forward pass runs, in its order",
        arguments: [ResNet.BlockKind.basic, .preActivationBasic])
    func childrenInForwardOrder(block: ResNet.BlockKind) {
        var generator = SeededGenerator(seed: 0)
        // The ImageNet stem (with its max pool) on both block kinds: the pre-activation net
        // used to leave the max pool out of its children, though its forward runs it.
        let model = ResNet(
            .init(
                block: block, blocksPerStage: [1, 1], stageWidths: [8, 16], stem: .imagenet,
                classes: 5),
            generator: &generator)
        let names = model.children.map(\.name)
        #expect(names.contains("maxpool"))
        #expect(calls(model, input: [2, 3, 32, 32]) == names)
    }
}
