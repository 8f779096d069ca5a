import Foundation
import Residual
import TestSupport
import Testing

// The examples of the articles TrainingAndCheckpoints, AblationSuite and UsingPyTorchWeights
// (between `listing` markers), run as tests that check what the articles say about them.

/// The package root.
private let packageRoot = ArticleCodeTests.root.path

/// A new directory under the system's temporary directory.
private func scratchDirectory(_ label: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

@Suite("The training, ablation and PyTorch-weights articles' examples")
struct WorkflowArticleExamples {
    @Test("training: a run stopped at step 3 and resumed ends bit for bit as an unbroken one")
    func trainThenResume() throws {
        let train = barsDataset(count: 64, seed: 1)
        let test = barsDataset(count: 32, seed: 2)
        let directory = try scratchDirectory("article-resume")
        let unbroken = try scratchDirectory("article-unbroken")
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: unbroken)
        }
        // listing: train-then-resume
        var config = TrainingConfig()  // SGD 0.1, momentum 0.9, cosine: the defaults
        config.model = "ablation-res-8"  // the smallest net of the family
        config.epochs = 2
        config.batchSize = 16
        config.maxSteps = 3  // stop after step 3 with a checkpoint, as Ctrl-C would
        config.outputDirectory = directory
        let trainer = try Trainer(config: config, train: train, test: test)
        let first = try trainer.run()  // stopped: 3/8 steps
        let resumed = try Trainer(resumingFrom: trainer.checkpointPath, train: train, test: test)
        let second = try resumed.run()  // finished: 8/8 steps
        // listing-end: train-then-resume
        #expect(!first.finished && first.stoppedAtMaxSteps && first.step == 3)
        #expect(second.finished && second.step == 8 && second.totalSteps == 8)

        var whole = config
        whole.maxSteps = nil
        whole.outputDirectory = unbroken
        let reference = try Trainer(config: whole, train: train, test: test)
        try reference.run()
        #expect(
            resumed.model.stateDict().map(\.tensor.data)
                == reference.model.stateDict().map(\.tensor.data))
        #expect(resumed.history.steps == reference.history.steps)
        #expect(
            resumed.history.epochs.map(\.testLoss) == reference.history.epochs.map(\.testLoss))
        #expect(
            Set(MetricsFiles.runFiles(in: directory))
                == ["checkpoint.safetensors", "metrics.csv", "steps.csv", "metrics.json"])
    }

    @Test("training: a checkpoint read back, its state and its tensors")
    func readCheckpoint() throws {
        let train = barsDataset(count: 64, seed: 1)
        let test = barsDataset(count: 32, seed: 2)
        let directory = try scratchDirectory("article-checkpoint")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = TrainingConfig()
        config.model = "ablation-res-8"
        config.epochs = 2
        config.batchSize = 16
        config.maxSteps = 3
        config.outputDirectory = directory
        let trainer = try Trainer(config: config, train: train, test: test)
        try trainer.run()
        let path = trainer.checkpointPath

        // listing: read-checkpoint
        let checkpoint = try Checkpoint.read(from: path)  // checksum verified first
        let state = checkpoint.state
        print(state.step, state.position, state.config.model)  // 3 (epoch 0, batch 3) ...
        print(checkpoint.weights.count)  // 44: the model's state dict
        let (tensors, metadata) = try Safetensors.read(path)
        print(metadata.keys.sorted())  // ["residual.training"]: the checksum is left out
        print(tensors.filter { $0.name.hasPrefix("optimizer.") }.count)  // 23 momentum buffers
        // listing-end: read-checkpoint
        #expect(state.step == 3 && state.position == .init(epoch: 0, batch: 3))
        #expect(state.version == TrainingState.currentVersion)
        #expect(checkpoint.weights.count == trainer.model.stateDict().count)
        #expect(checkpoint.weights.count == 44)
        #expect(metadata.keys.sorted() == [Checkpoint.metadataKey])
        let buffers = tensors.filter { $0.name.hasPrefix("optimizer.") }
        #expect(buffers.count == trainer.model.parameters.count && buffers.count == 23)
        // Each buffer is shaped like its parameter, numbered in the optimizer's order.
        for (index, parameter) in trainer.model.parameters.enumerated() {
            let name = "optimizer.state.\(index).momentum_buffer"
            #expect(buffers.first { $0.name == name }?.tensor.shape == parameter.shape)
        }
        // The first tensors are the state dict, in its order; the buffers come after.
        #expect(
            tensors.prefix(checkpoint.weights.count).map(\.name)
                == trainer.model.stateDict().map(\.name))
    }

    @Test("ablation: the committed run read back agrees with its summary files")
    func readAblationRun() throws {
        let run = (packageRoot as NSString).appendingPathComponent("Docs/ablation")
        // listing: read-ablation-run
        let results = try AblationResults(directory: run)  // run: "Docs/ablation", say
        for entry in results.summary where entry.seed == 0 {
            print(entry.net, entry.trainErrorFinal, entry.testError)  // fractions, not %
        }
        let plain56 = AblationNet(depth: 56, residual: false)
        print(results.testError(plain56).percent)  // mean ± sample std over the seeds
        print(results.missingAnalyses)  // []: every analysis lesson 08 reads is there
        // listing-end: read-ablation-run
        #expect(results.missingAnalyses.isEmpty)
        #expect(results.nets.count == results.config.runs.count)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let written = try decoder.decode(
            [SummaryEntry].self,
            from: Data(contentsOf: URL(fileURLWithPath: run + "/summary.json")))
        #expect(results.summary == written)
        let markdown = try String(contentsOfFile: run + "/summary.md", encoding: .utf8)
        #expect(markdown.contains("| plain-56 | 56 | none |"))
        #expect(markdown.contains("| \(results.testError(plain56).percent) |"))
        #expect(
            try String(contentsOfFile: run + "/curves.csv", encoding: .utf8)
                == results.curvesCSV)
        #expect(
            try String(contentsOfFile: run + "/test-curves.csv", encoding: .utf8)
                == results.testCurvesCSV)
    }

    @Test("PyTorch weights: torchvision's names, a strict load, the stem ported to gray")
    func torchvisionWeights() throws {
        // torchvision's ResNet-18 state dict, names and shapes, as PyTorch listed it for
        // Tests/ResNetLabTests/Fixtures/predict_parity.json (with 5 classes: fc made 1000 here).
        let fixture = packageRoot + "/Tests/ResNetLabTests/Fixtures/predict_parity.json"
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: fixture))) as! [String: Any]
        let models = json["models"] as! [String: Any]
        let entries = ((models["resnet18"] as! [String: Any])["state_dict"] as! [[Any]]).map {
            entry -> (name: String, shape: [Int]) in
            let name = entry[0] as! String
            var shape = (entry[1] as! [NSNumber]).map(\.intValue)
            if name.hasPrefix("fc.") { shape[0] = 1000 }
            return (name, shape)
        }
        // A file that stands for the exported one: those names and shapes, numbers drawn
        // uniformly (running variances positive), no metadata of ours.
        let directory = try scratchDirectory("article-weights")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/resnet18.safetensors"
        var draws = SeededGenerator(seed: 7)
        let tensors = entries.map { entry in
            let count = entry.shape.reduce(1, *)
            let tensor = Tensor(shape: entry.shape, data: [Float](repeating: 0, count: count))
            if entry.shape.count >= 2 {
                Init.kaimingUniform(tensor, generator: &draws)
            } else if entry.name.hasSuffix("running_var") {
                Init.uniform(tensor, low: 0.5, high: 1.5, generator: &draws)
            } else {
                Init.uniform(tensor, low: -0.1, high: 0.1, generator: &draws)
            }
            return (name: entry.name, tensor: tensor)
        }
        try Safetensors.write(tensors, to: path)

        // listing: load-torchvision
        var generator = SeededGenerator(seed: 0)  // its draws are all overwritten
        let model = ResNet.resnet18(generator: &generator)  // 1000 classes, 3 channels
        try model.loadWeights(from: path)  // strict: every name and shape must match
        model.eval()  // batch norm uses the running statistics, as in PyTorch's eval()
        // listing-end: load-torchvision
        let loaded = model.stateDict()
        #expect(loaded.first?.tensor.data == tensors.first?.tensor.data)  // conv1.weight
        #expect(loaded.last?.tensor.data == tensors.last?.tensor.data)  // fc.bias

        // Strict: a file without one of the model's tensors is refused, naming it, and
        // nothing is loaded.
        let partial = directory + "/partial.safetensors"
        try Safetensors.write(tensors.filter { $0.name != "fc.bias" }, to: partial)
        var otherDraws = SeededGenerator(seed: 1)
        let other = ResNet.resnet18(generator: &otherDraws)
        let untouched = other.stateDict().map(\.tensor.data)
        let refusal = #expect(throws: StateDictError.self) { try other.loadWeights(from: partial) }
        #expect(refusal?.missingKeys == ["fc.bias"])
        #expect(other.stateDict().map(\.tensor.data) == untouched)

        // eval(): batch norm uses the running statistics, so an image's logits do not depend
        // on the other images of its batch (in training mode they would; 64×64 leaves layer4
        // 2×2, enough for batch statistics of one image).
        let pair = Tensor.randn([2, 3, 64, 64], generator: &draws)
        let alone = Tensor.withoutGrad {
            model(Tensor(shape: [1, 3, 64, 64], data: Array(pair.data.prefix(3 * 64 * 64))))
        }
        let together = Tensor.withoutGrad { model(pair) }
        let size = alone.data.map(abs).max()!
        #expect(
            zip(alone.data, together.data.prefix(1000)).allSatisfy { abs($0 - $1) <= 1e-4 * size })

        // listing: state-dict-names
        for (name, tensor) in model.stateDict().prefix(8) {
            print(name, tensor.shape)  // conv1.weight [64, 3, 7, 7], bn1.weight [64], ...
        }
        // listing-end: state-dict-names
        #expect(loaded.map(\.name) == entries.map(\.name))
        #expect(loaded.map(\.tensor.shape) == entries.map(\.shape))
        #expect(entries.map(\.name).contains("layer2.0.downsample.0.weight"))
        #expect(entries.map(\.name).contains("bn1.num_batches_tracked"))

        // A gray image repeated into three channels, through the RGB stem ...
        let gray = Tensor.randn([1, 1, 16, 16], generator: &draws)
        let rgb = Tensor(shape: [1, 3, 16, 16], data: gray.data + gray.data + gray.data)
        let before = Tensor.withoutGrad { model(rgb) }
        // listing: grayscale-stem
        model.grayscaleStem(.sum)  // conv1.weight [64, 3, 7, 7] → [64, 1, 7, 7]
        // listing-end: grayscale-stem
        // ... gives the logits the ported stem gives on the gray image itself.
        #expect(model.conv1.weight.shape == [64, 1, 7, 7])
        let after = Tensor.withoutGrad { model(gray) }
        let scale = before.data.map(abs).max()!
        #expect(zip(before.data, after.data).allSatisfy { abs($0 - $1) <= 1e-4 * scale })
    }
}
