import Datasets
import Foundation
import Randomness
import TestSupport
import Testing
import Training

/// The training and test sets of the tiny problem: 64 and 32 images.
let tinyTrain = barsDataset(count: 64, seed: 1, name: "bars train")
let tinyTest = barsDataset(count: 32, seed: 2, name: "bars test")

/// A run of the smallest ablation ResNet (8 layers) on the tiny problem: batch 16 (4 steps
/// an epoch), two epochs, SGD; its files in `directory`.
func tinyConfig(_ directory: String) -> TrainingConfig {
    var config = TrainingConfig()
    config.model = "ablation-res-8"
    config.dataset = .fashionMNIST  // not loaded: the tests pass their own data
    config.epochs = 2
    config.batchSize = 16
    config.learningRate = 0.05
    config.weightDecay = 5e-4
    config.threads = 1
    config.outputDirectory = directory
    return config
}

/// A fresh directory under the system's temporary directory.
func temporaryDirectory(_ label: String = "training") -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "\(label)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// Removes a directory made by `temporaryDirectory`.
func remove(_ directory: String) {
    try? FileManager.default.removeItem(atPath: directory)
}

/// A trainer for `config` on the tiny problem that prints nothing.
func quietTrainer(_ config: TrainingConfig) throws -> Trainer {
    let trainer = try Trainer(config: config, train: tinyTrain, test: tinyTest)
    trainer.progress = ProgressDisplay(.silent)
    return trainer
}

extension TrainingHistory {
    /// The history with every timing set to zero: what must match between two runs.
    var withoutTimings: TrainingHistory {
        var copy = self
        for index in copy.epochs.indices {
            copy.epochs[index].trainSeconds = 0
            copy.epochs[index].evaluationSeconds = 0
        }
        return copy
    }
}

extension TrainingState {
    /// The state with every timing set to zero.
    var withoutTimings: TrainingState {
        var copy = self
        copy.elapsedSeconds = 0
        copy.epochInProgress.seconds = 0
        copy.history = history.withoutTimings
        return copy
    }
}

/// Expects two trainers to hold bit-identical weights and buffers, optimizer and scheduler
/// states, positions and histories (timings aside).
func expectSameRun(
    _ actual: Trainer, _ expected: Trainer, sourceLocation: SourceLocation = #_sourceLocation
) {
    let actualWeights = actual.model.stateDict()
    let expectedWeights = expected.model.stateDict()
    #expect(
        actualWeights.map(\.name) == expectedWeights.map(\.name), sourceLocation: sourceLocation)
    for (a, e) in zip(actualWeights, expectedWeights) {
        let same = a.tensor.data.map(\.bitPattern) == e.tensor.data.map(\.bitPattern)
        #expect(same, "\(a.name) differs", sourceLocation: sourceLocation)
    }
    #expect(actual.step == expected.step, sourceLocation: sourceLocation)
    #expect(actual.position == expected.position, sourceLocation: sourceLocation)
    #expect(
        actual.optimizer.stateDict() == expected.optimizer.stateDict(),
        "optimizer states differ", sourceLocation: sourceLocation)
    #expect(
        actual.scheduler?.stateDict() == expected.scheduler?.stateDict(),
        "scheduler states differ", sourceLocation: sourceLocation)
    #expect(
        actual.history.withoutTimings == expected.history.withoutTimings,
        "histories differ", sourceLocation: sourceLocation)
}
