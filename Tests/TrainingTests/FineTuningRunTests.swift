import Foundation
import NN
import Testing
import Training

@Suite("Fine-tuning runs: --init-weights and --freeze")
struct FineTuningRunTests {
    @Test(
        "a run starts from saved weights, keeps its frozen modules bit for bit, trains the rest; a new class count gets a fresh head"
    )
    func initialWeightsAndFreezing() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        // A source model to start from: one epoch on the tiny problem, 4 classes.
        var source = tinyConfig(directory + "/source")
        source.epochs = 1
        let pretrained = try quietTrainer(source)
        try pretrained.run()
        let weights = directory + "/pretrained.safetensors"
        try pretrained.model.saveWeights(to: weights)

        var config = tinyConfig(directory + "/fine")
        config.epochs = 1
        config.classes = 6  // another head: fc no longer fits and starts fresh
        config.initialWeights = weights
        config.frozenModules = ["conv1", "bn1", "layer1"]
        config.checkpointEvery = 1
        let trainer = try quietTrainer(config)
        #expect(trainer.skippedInitialWeights == ["fc.weight", "fc.bias"])
        let start = Dictionary(
            uniqueKeysWithValues: trainer.model.stateDict().map { ($0.name, $0.tensor.data) })
        let loaded = Dictionary(
            uniqueKeysWithValues: pretrained.model.stateDict().map { ($0.name, $0.tensor.data) })
        #expect(start["layer2.0.conv1.weight"] == loaded["layer2.0.conv1.weight"])
        #expect(trainer.optimizer.summary.contains("frozen, skipped"))
        try trainer.run(stoppingAfterStep: 2)
        // Resuming needs no starting weights any more (the file is gone), keeps the freezing.
        try FileManager.default.removeItem(atPath: weights)
        let resumed = try Trainer(
            resumingFrom: trainer.checkpointPath, train: tinyTrain, test: tinyTest)
        resumed.progress = ProgressDisplay(.silent)
        try resumed.run()
        for (name, tensor) in resumed.model.namedParameters() {
            let frozen = ["conv1.", "bn1.", "layer1."].contains { name.hasPrefix($0) }
            if frozen {
                #expect(tensor.data == start[name], "\(name) moved")
            } else if name == "layer2.0.conv1.weight" || name == "fc.weight" {
                #expect(tensor.data != start[name], "\(name) did not train")
            }
        }
    }

    @Test("a misspelt --freeze path and weights of another model are refused, naming what is wrong")
    func badSettings() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        var config = tinyConfig(directory)
        config.frozenModules = ["layr1"]
        #expect {
            try quietTrainer(config)
        } throws: { error in
            "\(error)".contains("--freeze: no module at \"layr1\"")
                && "\(error)".contains("layer1.0.conv1")
        }
        config.frozenModules = nil
        let other = directory + "/other.safetensors"
        try Sequential([BatchNorm2d(3)]).saveWeights(to: other)
        config.initialWeights = other
        #expect {
            try quietTrainer(config)
        } throws: { error in
            "\(error)".contains("--init-weights \(other) does not fit")
                && "\(error)".contains("missing conv1.weight")
        }
    }
}
