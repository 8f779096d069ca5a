import Datasets
import Foundation
import NN
import TensorCore
import TestSupport
import Testing
import Training

/// A way to set up a run that is interrupted and resumed.
struct InterruptedRun: CustomTestStringConvertible, Sendable {
    var label: String
    var configure: @Sendable (inout TrainingConfig) -> Void
    /// The run stops (as if killed) before this step; it resumes from the last checkpoint.
    var stopAfter: Int
    /// The step of that checkpoint.
    var resumesAt: Int

    var testDescription: String { label }
}

@Suite("Checkpoints and exact resume")
struct CheckpointTests {
    static let interruptions: [InterruptedRun] = [
        InterruptedRun(
            label: "SGD Nesterov, multistep, 3 epochs: killed at 11, resumed from step 9",
            configure: {
                $0.nesterov = true
                $0.schedule = .multistep
                $0.epochs = 3
                $0.checkpointEvery = 3
            }, stopAfter: 11, resumesAt: 9),
        InterruptedRun(
            label: "AdamW, 1cycle, augmentation: killed at 7, resumed from the epoch-1 checkpoint",
            configure: {
                $0.optimizer = .adamw
                $0.learningRate = 0.01
                $0.schedule = .onecycle
                $0.augment = true
            }, stopAfter: 7, resumesAt: 4),
        InterruptedRun(
            label: "Adam, warm-up + cosine, 3 epochs: killed at 11, resumed from step 10",
            configure: {
                $0.optimizer = .adam
                $0.learningRate = 0.005
                $0.warmupEpochs = 1
                $0.epochs = 3
                $0.checkpointEvery = 5
            }, stopAfter: 11, resumesAt: 10),
    ]

    @Test(
        "an interrupted and resumed run equals an uninterrupted one, bit for bit",
        arguments: interruptions)
    func resumeIsExact(_ run: InterruptedRun) throws {
        let whole = temporaryDirectory("whole")
        let parts = temporaryDirectory("parts")
        defer {
            remove(whole)
            remove(parts)
        }
        var config = tinyConfig(whole)
        run.configure(&config)
        let uninterrupted = try quietTrainer(config)
        try uninterrupted.run()

        config.outputDirectory = parts
        let first = try quietTrainer(config)
        let stopped = try first.run(stoppingAfterStep: run.stopAfter)
        #expect(!stopped.finished && first.step == run.stopAfter)

        let path = parts + "/" + Checkpoint.fileName
        // On another thread count: the numbers must not depend on it.
        let resumed = try Trainer(resumingFrom: path, train: tinyTrain, test: tinyTest, threads: 2)
        resumed.progress = ProgressDisplay(.silent)
        #expect(resumed.step == run.resumesAt)
        #expect(try resumed.run().finished)
        expectSameRun(resumed, uninterrupted)
    }

    @Test("a checkpoint holds the weights, optimizer, schedule and position, and reads back")
    func roundTrip() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        var config = tinyConfig(directory)
        config.optimizer = .adamw
        config.learningRate = 0.01
        config.warmupEpochs = 1
        let trainer = try quietTrainer(config)
        try trainer.run(stoppingAfterStep: 6)
        try trainer.saveCheckpoint()

        let checkpoint = try Checkpoint.read(from: trainer.checkpointPath)
        #expect(checkpoint.state.withoutTimings == trainer.state().withoutTimings)
        #expect(checkpoint.state.step == 6)
        #expect(checkpoint.state.position == .init(epoch: 1, batch: 2))
        #expect(checkpoint.state.seeds == TrainingSeeds(deriving: config.seed))
        #expect(checkpoint.state.config == config)
        let names = checkpoint.weights.map(\.name)
        #expect(names == trainer.model.stateDict().map(\.name))
        #expect(names.contains("layer1.0.conv1.weight") && names.contains("fc.bias"))
        for (saved, live) in zip(checkpoint.weights, trainer.model.stateDict()) {
            #expect(saved.tensor.data == live.tensor.data, "\(saved.name)")
        }

        let resumed = try Trainer(
            resuming: checkpoint, from: trainer.checkpointPath, train: tinyTrain, test: tinyTest)
        expectSameRun(resumed, trainer)
        #expect(resumed.optimizer.learningRates == trainer.optimizer.learningRates)
        #expect(resumed.config == config)

        // The file holds the weights, then Adam's two moments per parameter.
        let file = try Safetensors.read(trainer.checkpointPath)
        let parameterCount = trainer.optimizer.groups.flatMap(\.parameters).count
        #expect(file.tensors.count == names.count + 2 * parameterCount)
        #expect(file.tensors.prefix(names.count).map(\.name) == names)
    }

    @Test(
        "ResNet-18's checkpoint stores the momentum as F32 tensors shaped like the parameters, under a header of a few kilobytes"
    )
    func optimizerBuffersAreTensors() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        let trainer = try resnet18AfterOneStep(directory)

        // The header as the reference reader sees it: 8 bytes of length, then JSON.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: trainer.checkpointPath))
        let length = bytes.prefix(8).enumerated().reduce(0) {
            $0 | Int($1.element) << (8 * $1.offset)
        }
        // Before: the momentum was JSON text in the metadata, 150 MB for ResNet-18 (the
        // reference reader refuses more than 100 MB).
        #expect(length < 64 * 1024, "header of \(length) bytes")
        let header = try #require(
            try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + length)))
                as? [String: Any])
        let parameters = trainer.optimizer.groups.flatMap(\.parameters)
        #expect(parameters.count == 62)
        var bufferBytes = 0
        for (index, parameter) in parameters.enumerated() {
            let name = "optimizer.state.\(index).momentum_buffer"
            let entry = try #require(header[name] as? [String: Any], "\(name) missing")
            #expect(entry["dtype"] as? String == "F32", "\(name)")
            #expect(entry["shape"] as? [Int] == parameter.shape, "\(name)")
            bufferBytes += parameter.count * 4
        }
        // The file is the weights and one velocity per parameter, with nothing else of size.
        let weightBytes = trainer.model.stateDict().reduce(0) { $0 + $1.tensor.count * 4 }
        #expect(bytes.count == 8 + length + weightBytes + bufferBytes)

        // And it resumes with the same momentum, bit for bit.
        let resumed = try Trainer(
            resumingFrom: trainer.checkpointPath, train: tinyTrain, test: tinyTest)
        #expect(resumed.optimizer.stateDict() == trainer.optimizer.stateDict())
    }

    @Test("a diverging run stops with an explanation and keeps the last good checkpoint")
    func divergenceGuard() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        var config = tinyConfig(directory)
        config.learningRate = 1e30
        config.schedule = .none
        config.weightDecay = 0
        config.checkpointEvery = 1
        let trainer = try quietTrainer(config)
        var caught: TrainingError?
        do {
            try trainer.run()
        } catch {
            caught = error
        }
        let error = try #require(caught)
        guard case .diverged(let epoch, let step, _, let learningRate, _, let saved) = error else {
            Issue.record("expected .diverged, got \(error)")
            return
        }
        let message = error.description
        #expect(epoch == 1 && learningRate == 1e30)
        #expect(
            message.contains("epoch 1, step \(step)") && message.contains("learning rate 1e+30"))
        #expect(message.contains("lower learning rate") && message.contains("--lr 1e+29"))
        let path = try #require(saved?.components(separatedBy: " (step").first)
        #expect(path == trainer.checkpointPath && message.contains(path))

        let checkpoint = try Checkpoint.read(from: path)
        #expect(checkpoint.state.step < step && checkpoint.state.step >= 1)
        #expect(checkpoint.weights.allSatisfy { $0.tensor.data.allSatisfy(\.isFinite) })
    }

    /// ResNet-18 (1-channel stem, 4 classes) after one SGD step on the tiny problem, with its
    /// checkpoint written.
    func resnet18AfterOneStep(_ directory: String) throws -> Trainer {
        var config = tinyConfig(directory)
        config.model = "resnet18"
        config.epochs = 1
        let trainer = try quietTrainer(config)
        try trainer.run(stoppingAfterStep: 1)
        try trainer.saveCheckpoint()
        return trainer
    }

    @Test("PyTorch opens the checkpoint: safetensors reads it, torchvision loads its weights")
    func checkpointOpensInPyTorch() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        let trainer = try resnet18AfterOneStep(directory)
        if let destination = ProcessInfo.processInfo.environment["RESIDUAL_CHECKPOINT_FIXTURE"] {
            // make_checkpoint_in_pytorch.py asks for the file, to open it in Python.
            try FileManager.default.copyItem(atPath: trainer.checkpointPath, toPath: destination)
            return
        }
        let fixture = try CheckpointInPyTorch.load()
        #expect(fixture.missing_keys.isEmpty && fixture.unexpected_keys.isEmpty)
        #expect(
            fixture.metadata_keys == [Checkpoint.metadataKey, Safetensors.checksumKey].sorted())
        #expect(fixture.momentum_buffers_loaded == 62)

        // The same tensors, as the reference reader listed them.
        let file = try Safetensors.read(trainer.checkpointPath)
        let ours = Set(file.tensors.map { "\($0.name) \($0.tensor.shape) torch.float32" })
        let theirs = Set(fixture.tensors.map { "\($0.name) \($0.shape) \($0.dtype)" })
        #expect(ours == theirs)
        #expect(ours.count == 122 + 62)

        // torchvision, holding these weights, computes what our model computes.
        trainer.model.eval()
        let logits = Tensor.withoutGrad { trainer.model(fixture.input.tensor) }
        #expect(logits.shape == fixture.eval_logits.shape)
        let difference = zip(logits.data, fixture.eval_logits.data).map { abs($0 - $1) }.max()
        #expect(try #require(difference) < 1e-4)
    }

    @Test("a checkpoint of the first layout, with the momentum in its JSON, still resumes exactly")
    func firstLayoutResumes() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        let config = tinyConfig(directory)
        let uninterrupted = try quietTrainer(config)
        try uninterrupted.run()

        let first = try quietTrainer(config)
        try first.run(stoppingAfterStep: 5)
        var state = first.state()
        state.version = 1
        let path = directory + "/version1.safetensors"
        let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try Safetensors.write(
            first.model.stateDict(), metadata: [Checkpoint.metadataKey: json], to: path)

        let resumed = try Trainer(resumingFrom: path, train: tinyTrain, test: tinyTest)
        resumed.progress = ProgressDisplay(.silent)
        #expect(resumed.optimizer.stateDict() == first.optimizer.stateDict())
        try resumed.run()
        expectSameRun(resumed, uninterrupted)
    }

    enum Damage: String, CaseIterable, Sendable {
        case missing, garbage, truncated, weightsOnly, badState, otherData, flippedBit
        case strayBuffer, flippedStateBit
    }

    @Test(
        "a checkpoint that cannot be used gives an error naming the file",
        arguments: Damage.allCases)
    func badCheckpoint(_ damage: Damage) throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        var config = tinyConfig(directory)
        config.epochs = 1
        let trainer = try quietTrainer(config)
        try trainer.run()
        let path = directory + "/damaged.safetensors"
        let good = try Data(contentsOf: URL(fileURLWithPath: trainer.checkpointPath))
        var expected: String
        switch damage {
        case .missing:
            expected = "no such file"
        case .garbage:
            try Data("this is not a checkpoint at all".utf8).write(to: URL(fileURLWithPath: path))
            expected = "header length"
        case .truncated:
            try good.prefix(good.count - 100).write(to: URL(fileURLWithPath: path))
            expected = "data_offsets"
        case .weightsOnly:
            try trainer.model.saveWeights(to: path)
            expected = "no training state"
        case .badState:
            var checkpoint = try Checkpoint.read(from: trainer.checkpointPath)
            checkpoint.state.version = 99
            try checkpoint.write(to: path)
            expected = "version 99"
        case .otherData:
            try good.write(to: URL(fileURLWithPath: path))
            expected = "training data differ"
        case .flippedBit:
            // One bit of the last weight: the numbers would change silently without a checksum.
            var bytes = good
            bytes[bytes.count - 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: path))
            expected = "the file is corrupt"
        case .flippedStateBit:
            // One bit of the training state in the header: momentum 0.9 becomes 0.8 (the
            // digit 9 is 0x39, 8 is 0x38). Before the checksum covered the header, the run
            // resumed with the wrong momentum and said nothing.
            let target = Array(#"\"momentum\":0.9"#.utf8)
            var bytes = Array(good)
            let at = try #require(
                (0...(bytes.count - target.count)).first {
                    Array(bytes[$0..<($0 + target.count)]) == target
                })
            bytes[at + target.count - 1] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            expected = "the file is corrupt: its header and tensor data"
        case .strayBuffer:
            // A momentum tensor for a parameter the optimizer does not have.
            let checkpoint = try Checkpoint.read(from: trainer.checkpointPath)
            var tensors = try Safetensors.read(trainer.checkpointPath).tensors
            tensors.append((name: "optimizer.state.999.momentum_buffer", tensor: Tensor([1, 2])))
            let json = String(decoding: try JSONEncoder().encode(checkpoint.state), as: UTF8.self)
            try Safetensors.write(tensors, metadata: [Checkpoint.metadataKey: json], to: path)
            expected =
                "its optimizer state is damaged: tensor 'optimizer.state.999.momentum_buffer' is for parameter 999"
        }
        let other = barsDataset(count: 64, seed: 7)
        do {
            _ = try Trainer(resumingFrom: path, train: other, test: tinyTest)
            Issue.record("resuming from a \(damage) checkpoint should fail")
        } catch {
            let message = String(describing: error)
            #expect(message.contains("checkpoint '\(path)'"), "\(message)")
            #expect(message.contains(expected), "\(message)")
        }
    }
}
