import Datasets
import Foundation
import Testing
import Training

@Suite("The training loop")
struct TrainingLoopTests {
    @Test("a tiny ResNet learns the bars problem, and the metrics files record it")
    func learnsTinyProblem() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        var config = tinyConfig(directory)
        config.epochs = 3
        let trainer = try quietTrainer(config)
        let summary = try trainer.run()

        #expect(summary.finished && summary.step == 12 && trainer.isFinished)
        let epochs = trainer.history.epochs
        try #require(epochs.count == 3)
        let firstLoss = Double(trainer.history.steps[0].loss)
        #expect(firstLoss > 1.0, "an untrained net should be near ln 4 = 1.39, got \(firstLoss)")
        #expect(epochs[2].trainLoss < 0.5 * firstLoss, "train loss \(epochs[2].trainLoss)")
        #expect(epochs[2].testAccuracy >= 0.9, "test accuracy \(epochs[2].testAccuracy)")
        #expect(epochs[2].confusionMatrix.joined().reduce(0, +) == tinyTest.count)
        #expect(epochs[2].perClassAccuracy.count == 4)
        #expect(trainer.lastEvaluation?.predictions.count == tinyTest.count)

        let csv = try String(
            contentsOfFile: directory + "/" + MetricsFiles.epochsCSV, encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.count == 4 && rows[0].hasPrefix("epoch,step,learning_rate,train_loss"))
        let steps = try String(
            contentsOfFile: directory + "/" + MetricsFiles.stepsCSV, encoding: .utf8)
        #expect(steps.split(separator: "\n").count == 13)
        let saved = try MetricsFiles.read(from: directory)
        #expect(saved.history == trainer.history && saved.config == config)
        #expect(FileManager.default.fileExists(atPath: trainer.checkpointPath))
    }

    @Test("evaluation leaves the model in training mode and does not change it")
    func evaluationIsPure() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        let trainer = try quietTrainer(tinyConfig(directory))
        let before = trainer.model.stateDict().map { $0.tensor.data }
        let first = trainer.evaluate()
        let second = trainer.evaluate()
        #expect(trainer.model.training)
        #expect(trainer.model.stateDict().map { $0.tensor.data } == before)
        #expect(first.predictions == second.predictions && first.loss == second.loss)
    }

    @Test(
        "maxSteps stops inside an epoch with a checkpoint, keeps the full schedule, and the resumed run equals an unbroken one"
    )
    func maxStepsStopsEarly() throws {
        let whole = temporaryDirectory("whole")
        let parts = temporaryDirectory("parts")
        defer {
            remove(whole)
            remove(parts)
        }
        var config = tinyConfig(whole)
        config.schedule = .cosine
        let unbroken = try quietTrainer(config)
        try unbroken.run()

        config.outputDirectory = parts
        config.maxSteps = 6
        let first = try quietTrainer(config)
        // Before: the run was cut to 6 steps, its cosine laid over those 6, the partial
        // epoch evaluated, and the run marked finished.
        #expect(first.totalSteps == 8 && first.totalEpochs == 2)
        let summary = try first.run()
        #expect(!summary.finished && summary.stoppedAtMaxSteps && first.step == 6)
        #expect(first.history.epochs.map(\.step) == [4])
        #expect(
            first.history.steps.map(\.learningRate)
                == Array(unbroken.history.steps.prefix(6).map(\.learningRate)))
        #expect(try Checkpoint.read(from: first.checkpointPath).state.step == 6)

        let resumed = try Trainer(
            resumingFrom: first.checkpointPath, train: tinyTrain, test: tinyTest)
        resumed.progress = ProgressDisplay(.silent)
        #expect(try resumed.run().finished)
        expectSameRun(resumed, unbroken)
    }

    @Test("a resumed run can stop at a later --max-steps, not at one already passed")
    func maxStepsOnResume() throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        var config = tinyConfig(directory)
        config.maxSteps = 3
        let first = try quietTrainer(config)
        try first.run()
        let again = try Trainer(
            resumingFrom: first.checkpointPath, train: tinyTrain, test: tinyTest, maxSteps: 5)
        again.progress = ProgressDisplay(.silent)
        let summary = try again.run()
        #expect(summary.stoppedAtMaxSteps && again.step == 5)
        #expect(throws: TrainingError.self) {
            try Trainer(
                resumingFrom: first.checkpointPath, train: tinyTrain, test: tinyTest, maxSteps: 5)
        }
    }

    @Test(
        "each schedule gives the learning rates it promises",
        arguments: [
            (TrainingConfig.Schedule.none, 0), (.multistep, 0), (.cosine, 0), (.cosine, 1),
            (.onecycle, 0),
        ])
    func schedules(schedule: TrainingConfig.Schedule, warmupEpochs: Int) throws {
        let directory = temporaryDirectory()
        defer { remove(directory) }
        var config = tinyConfig(directory)
        config.epochs = 4  // 16 steps
        config.schedule = schedule
        config.warmupEpochs = warmupEpochs
        let trainer = try quietTrainer(config)
        try trainer.run()
        let rates = trainer.history.steps.map(\.learningRate)
        try #require(rates.count == 16)
        let lr = config.learningRate
        switch (schedule, warmupEpochs) {
        case (.none, _):
            #expect(rates.allSatisfy { $0 == lr })
        case (.multistep, _):
            // ×0.1 after 8 steps and after 12.
            #expect(rates[7] == lr && abs(rates[8] - lr * 0.1) < 1e-12)
            #expect(abs(rates[12] - lr * 0.01) < 1e-12)
        case (.cosine, 0):
            #expect(rates[0] == lr && abs(rates[8] - lr / 2) < 1e-9 && rates[15] < lr * 0.01)
        case (.cosine, _):
            // 4 warm-up steps from lr/10, then the cosine from lr.
            #expect(abs(rates[0] - lr * 0.1) < 1e-12 && abs(rates[4] - lr) < 1e-12)
            #expect(rates[1] < rates[2] && rates[2] < rates[3] && rates[15] < lr * 0.05)
        default:
            // 1cycle: up from lr/25 to lr, then down to almost nothing.
            #expect(abs(rates[0] - lr / 25) < 1e-12)
            #expect(abs((rates.max() ?? 0) - lr) < lr * 0.05 && rates[15] < lr * 1e-3)
        }
    }
}
