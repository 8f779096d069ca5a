import NN
import Randomness
import ResNetModels
import TensorCore
import TestSupport
import Testing

/// Forward parity with PyTorch: tiny ResNets built in PyTorch (`Fixtures/make_parity.py`,
/// torchvision's own `BasicBlock` and `Bottleneck` where they apply) with random weights and
/// random batch-norm statistics, loaded here by state-dict name.
@Suite("PyTorch parity")
struct ParityTests {
    @Test(
        "Logits, loss gradients and running statistics match PyTorch",
        arguments: [
            "cifar_a", "cifar_b", "bottleneck", "preact_a",
        ])
    func logits(name: String) throws {
        let fixture = try ParityFixture.load(name)
        let model = try Self.build(fixture.config)
        try Self.load(fixture.state_dict, into: model)
        let x = fixture.input.tensor

        model.eval()
        let evalLogits = Tensor.withoutGrad { model(x) }
        #expect(evalLogits.shape == fixture.eval_logits.shape)
        expectClose(
            evalLogits.data, fixture.eval_logits.data, absolute: 1e-5, relative: 1e-4,
            "\(name) eval logits")

        model.train()
        let trainLogits = model(x)
        #expect(trainLogits.shape == fixture.train_logits.shape)
        expectClose(
            trainLogits.data, fixture.train_logits.data, absolute: 1e-5, relative: 1e-4,
            "\(name) train logits")

        let loss = crossEntropy(logits: trainLogits, targets: fixture.targets)
        expectClose(
            [loss.scalar], [fixture.train_loss], absolute: 1e-5, relative: 1e-4, "\(name) loss")
        loss.backward()
        let parameters = Dictionary(
            uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
        #expect(parameters.count == fixture.gradients.count)
        for entry in fixture.gradients {
            let gradient = try #require(
                parameters[entry.name]?.grad, "no gradient for \(entry.name)")
            // Gradients sum many float32 terms with cancellation (the stem's most): allow 1e-4
            // of the tensor's largest entry on top of 1e-4 relative.
            let scale = entry.data.map(abs).max() ?? 0
            expectClose(
                gradient.data, entry.data, absolute: 1e-4 * scale, relative: 1e-4,
                "\(name) ∂loss/∂\(entry.name)")
        }

        // One training-mode pass moves the running statistics as PyTorch's does.
        let buffers = Dictionary(
            uniqueKeysWithValues: model.namedBuffers().map { ($0.name, $0.tensor) })
        #expect(buffers.count == fixture.buffers_after_train.count)
        for entry in fixture.buffers_after_train {
            let buffer = try #require(buffers[entry.name], "\(entry.name) is missing")
            expectClose(
                buffer.data, entry.data, absolute: 1e-5, relative: 1e-4, "\(name) \(entry.name)")
        }
    }

    @Test("The option-A residual block differs from its plain twin exactly by the shortcut")
    func plainTwin() throws {
        let fixture = try ParityFixture.load("cifar_a")
        let residual = try Self.build(fixture.config)
        let plain = try Self.build(fixture.config, residual: false)
        try Self.load(fixture.state_dict, into: residual)
        try Self.load(fixture.state_dict, into: plain)  // the same keys: option A has no parameters
        residual.eval()
        plain.eval()
        let x = fixture.input.tensor
        let (r, p) = Tensor.withoutGrad { (residual(x), plain(x)) }
        expectClose(r.data, fixture.eval_logits.data, absolute: 1e-5, relative: 1e-4, "residual")
        let difference = zip(r.data, p.data).map { abs($0 - $1) }.max() ?? 0
        #expect(difference > 1e-3, "the plain twin computed the residual network's logits")
    }

    /// The `ResNet` a fixture's `config` describes (3 input channels, 10 classes).
    static func build(_ config: ParityFixture.Config, residual: Bool = true) throws -> ResNet {
        let block: ResNet.BlockKind =
            switch config.block {
            case "basic": .basic
            case "bottleneck": .bottleneck
            case "preact": .preActivationBasic
            default: throw FixtureError("unknown block \(config.block)")
            }
        let configuration = ResNet.Configuration(
            block: block, blocksPerStage: config.blocks, stageWidths: config.widths,
            stem: try #require(ResNet.Stem(rawValue: config.stem)), inputChannels: 3, classes: 10,
            shortcut: try #require(ShortcutOption(rawValue: config.shortcut.uppercased())),
            residual: residual)
        var generator = SeededGenerator(seed: 20)
        return ResNet(configuration, generator: &generator)
    }

    /// Copies PyTorch's state dict into `model`, checking that names, order and shapes agree.
    static func load(
        _ stateDict: [StateEntry], into model: Module,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let ours = model.stateDict()
        #expect(
            ours.map(\.name) == stateDict.map(\.name), "state-dict keys differ from PyTorch's",
            sourceLocation: sourceLocation)
        let entries = Dictionary(uniqueKeysWithValues: stateDict.map { ($0.name, $0) })
        for (name, tensor) in ours {
            let entry = try #require(
                entries[name], "PyTorch has no \(name)", sourceLocation: sourceLocation)
            try #require(
                tensor.shape == entry.shape, "\(name): \(tensor.shape) vs PyTorch \(entry.shape)",
                sourceLocation: sourceLocation)
            tensor.data = entry.data
        }
    }
}
