import Datasets
import Foundation
import TestSupport
import Testing
import Training

/// A setting made wrong, and the flag its error must name.
struct BadSetting: CustomTestStringConvertible, Sendable {
    var flag: String
    var change: @Sendable (inout TrainingConfig) -> Void
    var testDescription: String { flag }
}

@Suite("Configuration and progress display")
struct ConfigAndProgressTests {
    static let badSettings: [BadSetting] = [
        BadSetting(flag: "--epochs") { $0.epochs = 0 },
        BadSetting(flag: "--batch-size") { $0.batchSize = -1 },
        BadSetting(flag: "--lr") { $0.learningRate = .nan },
        BadSetting(flag: "--momentum") { $0.momentum = 1.5 },
        BadSetting(flag: "--nesterov") {
            $0.nesterov = true
            $0.momentum = 0
        },
        BadSetting(flag: "--weight-decay") { $0.weightDecay = -1e-4 },
        BadSetting(flag: "--warmup-epochs") {
            $0.warmupEpochs = 1
            $0.schedule = .onecycle
        },
        BadSetting(flag: "--warmup-epochs") { $0.warmupEpochs = 2 },
        BadSetting(flag: "--threads") { $0.threads = 0 },
        BadSetting(flag: "--train-limit") { $0.trainLimit = 0 },
        BadSetting(flag: "--checkpoint-every") { $0.checkpointEvery = 0 },
        BadSetting(flag: "--model") { $0.model = "resnet19" },
    ]

    @Test("a bad setting is refused with an error naming its flag", arguments: badSettings)
    func badSettingNamesFlag(_ setting: BadSetting) {
        var config = tinyConfig(temporaryDirectory())
        defer { remove(config.outputDirectory) }
        setting.change(&config)
        do {
            _ = try Trainer(config: config, train: tinyTrain, test: tinyTest)
            Issue.record("\(setting.flag): the configuration should be refused")
        } catch {
            #expect(error.description.contains(setting.flag), "\(error)")
        }
    }

    @Test("the configuration survives JSON")
    func configCodable() throws {
        var config = TrainingConfig()
        config.trainLimit = 500
        config.optimizer = .adamw
        config.schedule = .onecycle
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: data) == config)
        #expect(String(decoding: data, as: UTF8.self).contains("\"fashion-mnist\""))
    }

    @Test("plain status lines are throttled; summary lines always print")
    func linesAreThrottled() {
        let box = TextBox()
        let display = ProgressDisplay(.lines(every: 3600)) { box.text += $0 }
        for step in 0..<1000 { display.status("step \(step)") }
        display.line("epoch 1 done")
        for step in 0..<1000 { display.status("step \(step)") }
        #expect(box.text == "step 0\nepoch 1 done\n")
    }

    @Test("a live status line is rewritten in place and closed before a summary line")
    func liveLine() {
        let box = TextBox()
        let display = ProgressDisplay(.live) { box.text += $0 }
        display.status("step 1")
        display.line("epoch 1 done")
        #expect(box.text == "\r\u{1B}[2Kstep 1\r\u{1B}[2Kepoch 1 done\n")
    }

    @Test("the status line shows the learning rate of the step just taken, not the next one")
    func statusLearningRate() throws {
        var config = tinyConfig(temporaryDirectory())
        config.epochs = 1
        config.schedule = .cosine
        let box = TextBox()
        let trainer = try Trainer(config: config, train: tinyTrain, test: tinyTest)
        trainer.progress = ProgressDisplay(.lines(every: 0)) { box.text += $0 }
        try trainer.run()
        let rates = box.text.split(separator: "\n").filter { $0.contains(" · batch ") }
            .compactMap { line in line.firstMatch(of: /lr ([^ ]+) ·/).map { String($0.1) } }
        let taken = trainer.history.steps.map { String(format: "%g", $0.learningRate) }
        #expect(rates == taken, "status lines \(rates), steps \(taken)")
        #expect(rates.first == "0.05")
    }

    @Test("silent shows nothing")
    func silent() {
        let box = TextBox()
        let display = ProgressDisplay(.silent) { box.text += $0 }
        display.status("step 1")
        display.line("epoch 1 done")
        #expect(box.text.isEmpty)
    }

    @Test(
        "durations read as a person writes them",
        arguments: [
            (42.0, "42s"), (185.0, "3m05s"), (3720.0, "1h02m"), (Double.nan, "?"),
        ])
    func durations(seconds: Double, text: String) {
        #expect(formatDuration(seconds) == text)
    }
}

/// Collects what a display writes.
final class TextBox: @unchecked Sendable {
    var text = ""
}

@Suite("A last batch of one image")
struct LastBatchOfOneTests {
    /// 65 images in batches of 16: four full batches and one of a single image.
    private func config(_ policy: TrainingConfig.LastBatchOfOne?) -> TrainingConfig {
        var config = tinyConfig(temporaryDirectory())
        config.trainLimit = 65
        config.batchSize = 16
        config.epochs = 1
        config.lastBatchOfOne = policy
        return config
    }

    private var sixtyFive: Dataset { barsDataset(count: 65, seed: 3, name: "bars 65") }

    @Test("is left out by default, so every batch norm sees more than one image")
    func droppedByDefault() throws {
        #expect(TrainingConfig().lastBatchOfOne == .drop)
        let trainer = try Trainer(config: config(.drop), train: sixtyFive, test: tinyTest)
        trainer.progress = ProgressDisplay(.silent)
        #expect(trainer.trainLoader.batchesPerEpoch == 4)
        let batches = Array(trainer.trainLoader.epoch(0))
        #expect(batches.allSatisfy { $0.count == 16 })
        try trainer.run()
        #expect(trainer.history.epochs[0].trainExamples == 64)
    }

    @Test("is refused before training with --last-batch-of-one error, naming the flags")
    func refusedOnRequest() {
        let error = #expect(throws: TrainingError.self) {
            try Trainer(config: config(.error), train: sixtyFive, test: tinyTest)
        }
        let message = error?.description ?? ""
        #expect(message.contains("--train-limit") && message.contains("--batch-size"), "\(message)")
    }

    @Test("is kept by a configuration saved before the setting existed (nil), as it was then")
    func keptForOldRuns() throws {
        let trainer = try Trainer(config: config(nil), train: sixtyFive, test: tinyTest)
        #expect(trainer.trainLoader.batchesPerEpoch == 5)
        // A saved configuration without the key decodes to nil.
        var json =
            try JSONSerialization.jsonObject(
                with: JSONEncoder().encode(TrainingConfig())) as! [String: Any]
        #expect(json["lastBatchOfOne"] as? String == "drop")
        json["lastBatchOfOne"] = nil
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: data).lastBatchOfOne == nil)
    }
}
