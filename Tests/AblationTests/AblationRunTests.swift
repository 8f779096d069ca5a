import Ablation
import Foundation
import Testing
import Training

@Suite("The ablation suite: files, resume, refusals")
struct AblationRunTests {
    @Test("a finished run writes every documented file in the documented form")
    func filesInDocumentedForm() throws {
        let directory = freshDirectory("files")
        let run = try tinyRun(directory)
        try run.prepare()
        #expect(try run.trainAll())
        #expect(try run.analyse())
        try run.writeOutputs(command: "test")

        // summary.json: one object per net and seed with the documented keys.
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/summary.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(entries.count == 4)
        for key in [
            "net", "depth", "residual", "seed", "params", "iterations", "train_error_final",
            "train_loss_final", "test_error", "seconds",
        ] {
            #expect(entries.allSatisfy { $0[key] != nil }, "summary.json lacks \(key)")
        }
        #expect(entries.map { $0["net"] as? String } == ["plain-8", "res-8", "plain-10", "res-10"])
        #expect(entries.allSatisfy { ($0["seed"] as? Int) == 7 && ($0["iterations"] as? Int) == 6 })
        // Twins have the same parameters.
        #expect(entries[0]["params"] as? Int == entries[1]["params"] as? Int)

        // curves.csv: the header, then window-mean points at 3 and 6 for every net.
        let curves = try String(contentsOfFile: "\(directory)/curves.csv", encoding: .utf8)
        let lines = curves.split(separator: "\n")
        #expect(lines.first?.hasPrefix("net,seed,iteration,train_error,train_loss") == true)
        #expect(lines.count == 1 + 4 * 2)
        #expect(lines[1].hasPrefix("plain-8,7,3,"))
        #expect(lines[2].hasPrefix("plain-8,7,6,"))

        // The window means in curves.csv are the means of the logged steps.
        let result = try run.result(.init(depth: 8, residual: false), seed: 7)
        let fields = lines[1].split(separator: ",")
        let expected = result.stepError[0..<3].reduce(0.0) { $0 + Double($1) } / 3
        #expect(Double(fields[3]) == expected)

        for name in AblationFigures.catalogue.map(\.name) {
            for format in ["svg", "png"] {
                let path = "\(directory)/\(name).\(format)"
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                #expect((attributes[.size] as? Int ?? 0) > 1000, "\(path) is missing or tiny")
            }
        }
        let markdown = try String(contentsOfFile: "\(directory)/summary.md", encoding: .utf8)
        #expect(markdown.contains("| plain-10 | 10 |"))
        #expect(markdown.contains("Made by `test`"))
        // The test images are all of them unless --test-limit cut the set, and it says which.
        var results = try AblationResults(directory: directory)
        #expect(results.markdown(command: nil).contains("Test error: all \(results.testImages) "))
        results.config.testLimit = results.testImages
        #expect(results.markdown(command: nil).contains("Test error: the first "))
    }

    @Test("a rerun skips the finished nets and gives the same results")
    func rerunSkipsFinishedNets() throws {
        let directory = freshDirectory("rerun")
        let first = try tinyRun(directory)
        try first.prepare()
        try first.trainAll()
        let before = try first.result(.init(depth: 10, residual: true), seed: 7)
        let modified =
            try FileManager.default.attributesOfItem(
                atPath: "\(directory)/nets/res-10-seed7.json")[.modificationDate] as? Date

        var lines: [String] = []
        let second = try tinyRun(
            directory, progress: ProgressDisplay(.lines(every: 1000)) { lines.append($0) })
        try second.prepare()
        #expect(second.remaining.isEmpty)
        #expect(try second.trainAll())
        #expect(lines.contains { $0.contains("4 of 4 nets already finished") })
        let after = try second.result(.init(depth: 10, residual: true), seed: 7)
        #expect(after == before)
        let unchanged =
            try FileManager.default.attributesOfItem(
                atPath: "\(directory)/nets/res-10-seed7.json")[.modificationDate] as? Date
        #expect(unchanged == modified)
    }

    @Test("an interrupted run loses only the net in progress and then ends as an unbroken one")
    func interruptionLosesOnlyTheNetInProgress() throws {
        let unbroken = freshDirectory("unbroken")
        let reference = try tinyRun(unbroken)
        try reference.prepare()
        try reference.trainAll()

        let directory = freshDirectory("interrupted")
        let first = try tinyRun(directory)
        try first.prepare()
        var steps = 0
        // Stop in the middle of the second net (6 steps each).
        let finished = try first.trainAll(shouldStop: {
            steps += 1
            return steps == 9
        })
        #expect(!finished)
        #expect(first.isFinished(.init(depth: 8, residual: false), seed: 7))
        #expect(!first.isFinished(.init(depth: 8, residual: true), seed: 7))
        #expect(first.remaining.count == 3)

        let second = try tinyRun(directory)
        try second.prepare()
        #expect(try second.trainAll())
        try expectSameRecords(second, as: reference)
    }

    @Test("a directory holding a run of another recipe is refused, naming the settings")
    func otherRecipeIsRefused() throws {
        let directory = freshDirectory("other")
        let first = try tinyRun(directory)
        try first.prepare()
        var other = tinyAblation()
        other.iterations = 8
        other.learningRate = 0.1
        // No net finished yet (a start that diverged, or found no data): the new recipe
        // takes the directory, and the old one comes back the same way.
        try tinyRun(directory, config: other).prepare()
        try first.prepare()
        #expect(try first.trainAll())
        let error = #expect(throws: AblationError.self) {
            try tinyRun(directory, config: other).prepare()
        }
        let message = error?.description ?? ""
        #expect(message.contains("iterations 8 vs 6"))
        #expect(message.contains("lr 0.1 vs 0.05"))
        #expect(message.contains(directory))
        // More seeds with the same recipe are welcome: the finished nets are reused.
        var moreSeeds = tinyAblation()
        moreSeeds.seeds = [7, 8]
        try tinyRun(directory, config: moreSeeds).prepare()
    }

    @Test("analyses made for other depths are redone, not reused, when --depths changes")
    func changedDepthsRedoTheAnalyses() throws {
        let directory = freshDirectory("depths")
        let both = try tinyRun(directory)
        try both.prepare()
        #expect(try both.trainAll())
        #expect(try both.analyse())
        #expect(try both.results().missingAnalyses.isEmpty)

        var shallow = tinyAblation()
        shallow.depths = [8]
        var lines: [String] = []
        let one = try tinyRun(
            directory, config: shallow,
            progress: ProgressDisplay(.lines(every: 1000)) { lines.append($0) })
        try one.prepare()
        #expect(one.remaining.isEmpty)
        // Before: every analysis file covers depths 8 and 10, so none counts for depth 8.
        #expect(try one.results().missingAnalyses.count == 4)
        #expect(one.hasAnalysesToDo)
        let estimate = try one.estimate(steps: 1)
        #expect(estimate.analysisSeconds > 0)
        // One entry per analysis to redo, in the order they run.
        #expect(
            estimate.analyses.map(\.name)
                == ["init-seed7", "shattered-seed7", "trained-seed7", "landscape-seed7"])
        #expect(estimate.analyses.allSatisfy { $0.seconds > 0 })
        // Nothing to train: the line says so instead of "training 0s for 0 nets".
        #expect(estimate.description.contains("(the analyses; the 2 nets are trained)"))
        #expect(!estimate.description.contains("training"))
        #expect(
            try one.estimate(steps: 1, analyses: false).description.contains("analyses") == false)
        #expect(try one.analyse(estimate: estimate))
        #expect(lines.filter { $0.contains("redoing the") }.count == 4, "\(lines)")
        // Each analysis's line gives its time and its estimate.
        #expect(lines.filter { $0.contains(" (estimated ") }.count == 4, "\(lines)")
        #expect(!one.hasAnalysesToDo)
        #expect(try one.estimate(steps: 1).analyses.isEmpty)
        let results = try one.results()
        #expect(results.missingAnalyses.isEmpty)
        #expect(results.initDiagnostics[0].gradients.map(\.net) == ["plain-8", "res-8"])
        #expect(results.shattered[0].depths == [8])
        #expect(results.trained[0].lesions.map(\.net) == ["plain-8", "res-8"])
        #expect(results.landscapes.map(\.net) == ["plain-8", "res-8"])
        // And back: the deeper pair's analyses are made again.
        #expect(try both.results().missingAnalyses.count == 4)
        #expect(try both.analyse())
        #expect(try both.results().trained[0].lesions.map(\.net) == ["plain-10", "res-10"])
    }

    @Test("the estimate lists the analyses a run makes, in the order it makes them, every seed")
    func estimateCoversEveryAnalysis() throws {
        var config = tinyAblation()
        config.seeds = [7, 8]
        let fresh = try tinyRun(freshDirectory("estimate-phases"), config: config)
        try fresh.prepare()
        #expect(fresh.hasAnalysesToDo)
        let estimate = try fresh.estimate(steps: 1)
        #expect(estimate.analyses.map(\.name) == config.analyses.map(\.name))
        #expect(estimate.analyses.count == 7)
        #expect(try fresh.estimate(steps: 1, analyses: false).analyses.isEmpty)
        config.analysis.skipLandscape = true
        let noLandscape = try tinyRun(freshDirectory("estimate-phases-2"), config: config)
        try noLandscape.prepare()
        #expect(
            try noLandscape.estimate(steps: 1).analyses.map(\.name) == config.analyses.map(\.name))
        #expect(config.analyses.count == 6)
    }

    @Test("a finished net's result damaged by hand is refused at the start, naming the way out")
    func damagedNetResultIsRefusedAtOnce() throws {
        let directory = freshDirectory("damaged")
        let first = try tinyRun(directory)
        try first.prepare()
        #expect(try first.trainAll())
        let file = "\(directory)/nets/res-8-seed7.json"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try String(text.prefix(text.count / 2)).write(
            toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: AblationError.self) { try tinyRun(directory).prepare() }
        let message = error?.description ?? ""
        #expect(message.contains(file), "\(message)")
        #expect(message.contains("delete it and nets/res-8-seed7.safetensors"), "\(message)")
    }

    @Test("temporary weights files a killed run left behind are removed on the next start")
    func staleTemporariesAreRemoved() throws {
        let directory = freshDirectory("stale")
        try tinyRun(directory).prepare()
        let nets = "\(directory)/nets"
        try FileManager.default.createDirectory(atPath: nets, withIntermediateDirectories: true)
        let stale = "\(nets)/.plain-8-seed7.safetensors.0123-4567.tmp"
        let other = "\(nets)/.notes.tmp"
        for path in [stale, other] {
            #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])))
        }
        try tinyRun(directory).prepare()
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: other))
    }

    @Test("Ctrl-C during the analyses stops within one net or point, keeping finished files")
    func analysesStopPromptly() throws {
        let directory = freshDirectory("stop-analyses")
        let run = try tinyRun(directory)
        try run.prepare()
        #expect(try run.trainAll())
        var asked = 0
        // Asked before each net of the init-time diagnostics: stop at the second one.
        #expect(
            try run.analyse(shouldStop: {
                asked += 1
                return asked >= 2
            }) == false)
        #expect(asked == 2)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/analysis/init-seed7.json"))
    }

    @Test("other training data under the same recipe are refused")
    func otherDataAreRefused() throws {
        let directory = freshDirectory("data")
        try tinyRun(directory).prepare()
        let other = try AblationData(
            train: cornerSquares(count: 96, seed: 9), test: cornerSquares(count: 48, seed: 2),
            config: tinyAblation())
        let rerun = try AblationRun(
            config: tinyAblation(), directory: directory, threads: 1, data: other,
            progress: ProgressDisplay(.silent))
        let error = #expect(throws: AblationError.self) { try rerun.prepare() }
        #expect(error?.description.contains("training data differ") == true)
        // The same data are fine.
        try tinyRun(directory).prepare()
    }

    @Test("a directory of other files is refused")
    func foreignDirectoryIsRefused() throws {
        let directory = freshDirectory("foreign")
        try "notes".write(toFile: "\(directory)/notes.txt", atomically: true, encoding: .utf8)
        let error = #expect(throws: AblationError.self) { try tinyRun(directory).prepare() }
        #expect(error?.description.contains("notes.txt") == true)
    }

    @Test("the twins of a seed start from the same weights and see the same batches")
    func twinsShareWeightsAndData() throws {
        let seeds = AblationSeeds(3)
        let plain = AblationNet(depth: 18, residual: false).build(seed: seeds.model)
        let residual = AblationNet(depth: 18, residual: true).build(seed: seeds.model)
        let a = plain.stateDict()
        let b = residual.stateDict()
        #expect(a.map(\.name) == b.map(\.name))
        #expect(zip(a, b).allSatisfy { $0.tensor.data == $1.tensor.data })
        // Another seed draws other weights.
        let other = AblationNet(depth: 18, residual: false).build(seed: AblationSeeds(4).model)
        #expect(other.stateDict()[0].tensor.data != a[0].tensor.data)

        let data = try tinyData()
        let order = data.trainLoader(batchSize: 16, seed: seeds.data).order(epoch: 0)
        #expect(order == data.trainLoader(batchSize: 16, seed: seeds.data).order(epoch: 0))
        #expect(
            order != data.trainLoader(batchSize: 16, seed: AblationSeeds(4).data).order(epoch: 0))
    }
}

@Suite("Ablation settings")
struct AblationConfigTests {
    /// The default configuration with one setting broken.
    private static func broken(_ setting: String) -> AblationConfig {
        var c = AblationConfig()
        switch setting {
        case "odd depth": c.depths = [18, 19]
        case "no depth": c.depths = []
        case "repeated seed": c.seeds = [1, 1]
        case "no iterations": c.iterations = 0
        case "decay too long": c.decayIterations = 400
        case "second cut outside the first": c.finalDecayIterations = 50
        case "lr NaN": c.learningRate = .nan
        case "window too long": c.window = 401
        case "no evaluations": c.evaluations = 0
        case "train limit too small": c.trainLimit = 10
        default: c.analysis.landscapeGrid = 4
        }
        return c
    }

    @Test(
        "a bad setting is refused, naming its flag",
        arguments: [
            ("odd depth", "--depths"), ("no depth", "--depths"), ("repeated seed", "--seeds"),
            ("no iterations", "--iterations"), ("decay too long", "--decay-iterations"),
            ("second cut outside the first", "--final-decay-iterations"),
            ("lr NaN", "--lr"), ("window too long", "--window"),
            ("no evaluations", "--evaluations"), ("train limit too small", "--train-limit"),
            ("even grid", "--landscape-grid"),
        ])
    func badSettings(setting: String, flag: String) {
        let config = Self.broken(setting)
        let error = #expect(throws: AblationError.self) { try config.validate() }
        #expect(error?.description.contains(flag) == true, "\(error?.description ?? "")")
    }

    @Test("the defaults and the quick run are valid, and the quick run is small")
    func defaultsAreValid() throws {
        try AblationConfig().validate()
        try AblationConfig.quick.validate()
        #expect(AblationConfig.quick.depths.max()! < AblationConfig().depths.max()!)
    }

    @Test("the learning rate drops to a tenth for the last decayIterations steps")
    func decaySchedule() {
        var config = AblationConfig()
        config.iterations = 10
        config.decayIterations = 3
        #expect(
            (0..<10).map { config.learningRate(atStep: $0) } == Array(repeating: 0.1, count: 7)
                + Array(repeating: 0.01, count: 3))
        #expect(config.evaluationIterations == [2, 5, 7, 10])
    }

    @Test("a second cut runs the last finalDecayIterations steps at a hundredth")
    func twoCutSchedule() throws {
        var config = AblationConfig()
        config.iterations = 8
        config.decayIterations = 4
        config.finalDecayIterations = 2
        config.window = 4
        config.evaluations = 2
        try config.validate()
        #expect(
            (0..<8).map { config.learningRate(atStep: $0) } == [
                0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001,
            ])
        #expect(config.scheduleDescription.contains("the last 2 of those at 0.001"))
    }

    @Test("a config.json from before the second cut reads as one cut, and writes the same")
    func configWithoutSecondCut() throws {
        let config = AblationConfig()
        let data = try JSONEncoder().encode(config)
        #expect(!String(decoding: data, as: UTF8.self).contains("finalDecay"))
        let read = try JSONDecoder().decode(AblationConfig.self, from: data)
        #expect(read == config && read.finalDecayIterations == nil)
        var twoCuts = config
        twoCuts.finalDecayIterations = 20
        #expect(config.recipeDifferences(from: twoCuts) == ["final-decay-iterations none vs 20"])
    }

    @Test("the recipe check compares every stored field but the nets, seeds, data folder and skip")
    func recipeFields() {
        let config = AblationConfig()
        var elsewhere = config
        elsewhere.depths = [8]
        elsewhere.seeds = [3, 4]
        elsewhere.dataDirectory = "/somewhere/else"
        elsewhere.analysis.skipLandscape = true
        #expect(config.recipeDifferences(from: elsewhere).isEmpty)
        var other = config
        other.learningRate = 0.2
        other.evaluationImages = 500
        other.analysis.landscapeRadius = 2
        other.analysis.shatteredPairs = 64
        other.testLimit = 100
        #expect(
            config.recipeDifferences(from: other) == [
                "landscape radius 1 vs 2", "shattered pairs 128 vs 64",
                "evaluation-images 1000 vs 500",
                "lr 0.1 vs 0.2", "test-limit none vs 100",
            ])
    }
}
