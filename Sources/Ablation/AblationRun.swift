import Datasets
import Foundation
import Kernels
import NN
import Optim
import ResNetModels
import TensorCore
import Training

/// The plain-vs-residual ablation of lesson 08 and `resnet-lab ablate`: every net of the
/// configuration trained on the same data, then the analyses of the trained nets, then the
/// files and figures, all in one directory.
///
/// ```swift
/// let run = try AblationRun(config: AblationConfig(), directory: "runs/ablation")
/// try run.prepare()                     // checks the directory, writes config.json
/// print(try run.estimate())             // a few timed steps of each net
/// try run.trainAll()                    // skips the nets already finished
/// try run.analyse()
/// let summary = try run.writeOutputs()  // summary.json, curves.csv, plots
/// ```
///
/// **Resumable.** Each finished net is written at once (`nets/<net>-seed<k>.json` and its
/// weights); a rerun with the same directory and recipe skips them and says so, so an
/// interruption loses at most the net in progress. A directory that holds a run with
/// another recipe is refused, never mixed in.
public final class AblationRun {
    /// The run's configuration, validated when the run was made.
    public let config: AblationConfig
    /// The directory every file of the run goes to.
    public let directory: RunDirectory
    /// Status lines and notes.
    public var progress: ProgressDisplay
    /// Threads for the kernels (the numbers do not depend on it).
    public let threads: Int?
    /// The option that named the directory, for messages: `--out` (`resnet-lab ablate`),
    /// `--run` (lesson 08).
    public var directoryFlag = "--out"

    /// Loaded on first use.
    private var loadedData: AblationData?

    /// A run of `config` in `directory`; nothing is read or written until a method needs it.
    ///
    /// - Parameters:
    ///   - config: the run's settings; validated here.
    ///   - directory: the run's directory (`--out`); created when needed.
    ///   - threads: threads for the kernels (nil: the current `Tensor.threadCount`); the
    ///     numbers do not depend on it.
    ///   - data: the data, if already loaded (tests); nil: loaded from `config` when needed.
    ///   - progress: where status lines and notes go.
    /// - Throws: `AblationError.invalidConfiguration` naming the setting at fault, from
    ///   ``AblationConfig/validate()`` or for a `threads` below 1.
    public init(
        config: AblationConfig, directory: String, threads: Int? = nil, data: AblationData? = nil,
        progress: ProgressDisplay = ProgressDisplay()
    ) throws(AblationError) {
        try config.validate()
        if let threads {
            try require(threads >= 1, "--threads must be at least 1, got \(threads)")
        }
        self.config = config
        self.directory = RunDirectory(directory)
        self.threads = threads
        self.loadedData = data
        self.progress = progress
    }

    /// The run's data (loaded once).
    /// - Throws: `AblationError.badData` when the data cannot be loaded or do not fit the
    ///   recipe; `.invalidConfiguration` when the deepest net would not train on a batch of
    ///   them in this machine's memory.
    public func data() throws(AblationError) -> AblationData {
        if let loadedData { return loadedData }
        let data = try AblationData(config: config)
        try checkMemory(data)
        loadedData = data
        return data
    }

    /// Refuses, before any net is built, a run whose deepest net cannot train on a batch of
    /// these images in this machine's memory.
    private func checkMemory(_ data: AblationData) throws(AblationError) {
        guard let deepest = config.depths.max() else { return }
        let train = data.train
        let size = ResNet.Configuration.ablation(
            depth: deepest, classes: train.classNames.count, inputChannels: train.channels
        ).size(height: train.height, width: train.width)
        do {
            try size.checkTraining(
                batch: min(config.batchSize, train.count),
                optimizerBuffers: config.momentum > 0 ? 1 : 0,
                what: "ablation-res-\(deepest) on \(train.height)×\(train.width) images",
                smallerModel: "smaller --depths",
                available: MachineMemory.available)
        } catch {
            throw .invalidConfiguration("\(error)")
        }
    }

    // MARK: - The directory

    /// Checks that the directory is empty, new, or holds a run of the same recipe, then
    /// records the configuration in `config.json`.
    ///
    /// It also reads every finished net's result (refusing a damaged one now rather than
    /// after hours of training), records or checks the data in `data.json`, and removes
    /// weight files an interrupted earlier process left half written.
    ///
    /// - Throws: `AblationError.otherRun` listing the differing settings; `.invalidConfiguration`
    ///   when the path is a file, the directory holds files that are not an ablation run, or
    ///   the deepest net would not train in this machine's memory; `.cannotRead` for a damaged `config.json` or result; `.badData` when the data
    ///   cannot be loaded or differ from those of `data.json`; `.cannotWrite` when a file
    ///   cannot be written.
    public func prepare() throws(AblationError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .invalidConfiguration(
                    "\(directoryFlag) '\(directory.path)' is a file, not a directory")
            }
            if manager.fileExists(atPath: directory.configPath) {
                let saved = try directory.readJSON(AblationConfig.self, from: directory.configPath)
                let differences = config.recipeDifferences(from: saved)
                if !differences.isEmpty {
                    // A start that failed (diverged, missing data) finished no net: nothing
                    // of the old recipe would be mixed in, so the new one takes its place.
                    guard finishedNetFiles().isEmpty else {
                        throw .otherRun(
                            directory: directory.path, differences: differences,
                            flag: directoryFlag)
                    }
                    progress.line(
                        "note: \(directory.path) holds no finished net of its earlier recipe "
                            + "(\(differences.joined(separator: ", "))): starting it with this one")
                    try? manager.removeItem(atPath: directory.file("data.json"))
                }
            } else {
                let contents = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
                let visible = contents.filter { !$0.hasPrefix(".") }
                guard visible.isEmpty else {
                    throw .invalidConfiguration(
                        "\(directoryFlag) '\(directory.path)' is not empty and holds no ablation run "
                            + "(no config.json; it has \(visible.sorted().prefix(3).joined(separator: ", "))"
                            + "\(visible.count > 3 ? ", ..." : "")): choose a new or empty directory"
                    )
                }
            }
        }
        try checkFinishedNets()
        try directory.writeJSON(config, to: directory.configPath)
        try checkData()
        // Weights whose write an earlier process did not finish (killed with kill -9).
        for (net, seed) in config.runs {
            for name in Safetensors.removeStaleTemporaries(
                of: directory.weightsPath(net, seed: seed))
            {
                progress.line(
                    "removed nets/\(name), a weights write an earlier process did not finish")
            }
        }
    }

    /// The result files in `nets/`, of any net and seed.
    func finishedNetFiles() -> [String] {
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: directory.file("nets")))
            ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
    }

    /// Reads every finished net's result of this configuration, so that one damaged by hand
    /// (cut short, edited) is refused now, naming the file and the way out, rather than after
    /// hours of training and analyses.
    func checkFinishedNets() throws(AblationError) {
        for (net, seed) in config.runs where isFinished(net, seed: seed) {
            let file = directory.netResultPath(net, seed: seed)
            do {
                _ = try directory.readJSON(NetResult.self, from: file)
            } catch {
                var reason = error.description
                if case .cannotRead(_, let why) = error { reason = why }
                let weights = (directory.weightsPath(net, seed: seed) as NSString).lastPathComponent
                throw .cannotRead(
                    path: file,
                    reason: "the result of \(net.name) seed \(seed) is damaged (\(reason)); "
                        + "delete it and nets/\(weights) to train that net again, then rerun")
            }
        }
    }

    /// The training data a run was made on, recorded in `data.json`.
    struct DataFingerprint: Codable, Equatable {
        var trainImages: Int
        var mean: [Float]
        var std: [Float]
    }

    /// Records the training data's size and statistics in `data.json`, or, when the file is
    /// there, checks that the data loaded now are the same (another `--data-dir` with other
    /// files under the same name would otherwise mix into the run unnoticed).
    func checkData() throws(AblationError) {
        let data = try data()
        let now = DataFingerprint(trainImages: data.train.count, mean: data.mean, std: data.std)
        let path = directory.file("data.json")
        if directory.exists(path) {
            let then = try directory.readJSON(DataFingerprint.self, from: path)
            guard then == now else {
                throw .badData(
                    "the training data differ from those of the run in '\(directory.path)' "
                        + "(\(then.trainImages) images, mean \(then.mean), std \(then.std) then; "
                        + "\(now.trainImages), \(now.mean), \(now.std) now): use the same "
                        + "data set and --data-dir, or another \(directoryFlag)")
            }
        } else {
            try directory.writeJSON(now, to: path)
        }
    }

    /// Whether `net` of `seed` has finished in this directory: its result JSON, written after
    /// its weights, is there. (The weights may be gone, as in the committed run, whose
    /// weights git leaves out: the analyses that need them then say which file is missing.)
    public func isFinished(_ net: AblationNet, seed: UInt64) -> Bool {
        directory.exists(directory.netResultPath(net, seed: seed))
    }

    /// The nets still to train, in training order.
    public var remaining: [(net: AblationNet, seed: UInt64)] {
        config.runs.filter { !isFinished($0.net, seed: $0.seed) }
    }

    /// The result of a finished net, read from `nets/<net>-seed<k>.json`.
    /// - Throws: `AblationError.cannotRead` when the file is missing or damaged.
    public func result(_ net: AblationNet, seed: UInt64) throws(AblationError) -> NetResult {
        try directory.readJSON(NetResult.self, from: directory.netResultPath(net, seed: seed))
    }

    /// The trained model of a finished net, its weights read from
    /// `nets/<net>-seed<k>.safetensors`, in eval mode.
    /// - Throws: `AblationError.cannotRead` when the weights are missing or cannot be loaded;
    ///   the errors of ``data()``.
    public func trainedModel(_ net: AblationNet, seed: UInt64) throws(AblationError) -> ResNet {
        let data = try data()
        let model = build(net, seed: seed, data: data)
        let path = directory.weightsPath(net, seed: seed)
        guard directory.exists(path) else {
            throw .cannotRead(
                path: path,
                reason: "the trained weights of \(net.name) seed \(seed) are missing (the result "
                    + "is there, the weights are not: copied without them?); train it again in a "
                    + "new \(directoryFlag) to analyse it")
        }
        do {
            try model.loadWeights(from: path)
        } catch {
            throw .cannotRead(path: path, reason: "\(error)")
        }
        model.eval()
        return model
    }

    // MARK: - Training

    /// Times a few training steps and one forward-only pass of every net on this machine and
    /// extrapolates to the whole suite still to do: training and test error of the remaining
    /// nets, and (unless `analyses` is false: `--train-only`) the analyses not yet in the
    /// directory for this run's nets.
    ///
    /// - Parameters:
    ///   - steps: timed training steps per net (after one untimed step); the median is used.
    ///   - includingAnalyses: whether to count the analyses still to do (the argument
    ///     labelled `analyses`).
    /// - Throws: the errors of ``data()``; `AblationError.invalidConfiguration` when SGD
    ///   refuses the recipe's settings.
    public func estimate(steps: Int = 3, analyses includingAnalyses: Bool = true)
        throws(AblationError) -> SuiteEstimate
    {
        let data = try data()
        let batch = data.trainLoader(batchSize: config.batchSize, seed: 0)
            .batch(at: .init(epoch: 0, batch: 0))
        let images = data.trainBatches(256, batchSize: 256)
        var timings: [AblationNet: (step: Double, image: Double)] = [:]
        try withThreads { () throws(AblationError) in
            for net in config.nets {
                let model = build(net, seed: 0, data: data)
                let step = try timeSteps(model, config: config, batch: batch, steps: steps)
                let forward = timeForward(model, on: images)
                timings[net] = (step, forward / Double(images.count))
            }
        }
        let testImages = min(config.testLimit ?? data.test.count, data.test.count)
        var training = 0.0
        var evaluation = 0.0
        for (net, _) in remaining {
            let time = timings[net]!
            training += time.step * Double(config.iterations)
            evaluation +=
                time.image * Double(config.evaluations * config.evaluationImages + testImages)
        }
        let analyses = includingAnalyses ? analysisEstimate(timings) : []
        return SuiteEstimate(
            remaining: remaining.count, finished: config.runs.count - remaining.count,
            secondsPerStep: config.nets.map { ($0, timings[$0]!.step) },
            trainingSeconds: training, evaluationSeconds: evaluation, analyses: analyses,
            includesAnalyses: includingAnalyses)
    }

    /// Trains every remaining net, writing each as it finishes.
    ///
    /// - Parameters:
    ///   - estimate: the result of ``estimate(steps:analyses:)``, if one was made: the status
    ///     line's suite ETA starts from its seconds per step and analysis time (nil: later
    ///     nets are reckoned at the speed of the net in progress, and no analyses).
    ///   - shouldStop: asked after every step; true abandons the net in progress
    ///     (the finished ones are already on disk) and returns false.
    /// - Returns: true when every net of the configuration is finished.
    /// - Throws: `AblationError.diverged` when a net's loss stops being finite;
    ///   `.invalidConfiguration` when SGD refuses the recipe's settings; `.cannotWrite` when a
    ///   result or its weights cannot be written; the errors of ``data()``.
    @discardableResult
    public func trainAll(
        estimate: SuiteEstimate? = nil, shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> Bool {
        let data = try data()
        let training = NetTraining(config: config, data: data)
        let todo = remaining
        let skipped = config.runs.count - todo.count
        if skipped > 0 {
            progress.line(
                "\(skipped) of \(config.runs.count) nets already finished in \(directory.path): "
                    + "skipping them")
        }
        // The ETA: estimated seconds per step at first, then measured ones as nets finish.
        var secondsPerStep = Dictionary(
            uniqueKeysWithValues: (estimate?.secondsPerStep ?? []).map {
                ($0.net, $0.secondsPerStep)
            })
        let suiteStart = ContinuousClock.now
        return try withThreads { () throws(AblationError) -> Bool in
            for (index, item) in todo.enumerated() {
                let (net, seed) = item
                let label = "[\(skipped + index + 1)/\(config.runs.count)] \(net.name) seed \(seed)"
                let netStart = ContinuousClock.now
                let later = todo[(index + 1)...]
                let trained = try training.train(
                    net, seed: seed,
                    progress: { step in
                        progress.status(
                            statusLine(
                                label: label, step: step, netStart: netStart, later: later,
                                secondsPerStep: secondsPerStep,
                                afterTraining: estimate?.analysisSeconds ?? 0))
                    }, shouldStop: shouldStop)
                guard let (result, model) = trained else { return false }
                try save(result, model: model)
                secondsPerStep[net] = result.trainSeconds / Double(result.iterations)
                let final = result.finalTraining(window: config.window)
                progress.line(
                    String(
                        format: "%@: train error %.2f%% (loss %.3f) over the last %d steps, test "
                            + "error %.2f%%, %@ (suite %@ so far)",
                        label, 100 * final.trainError, final.trainLoss, config.window,
                        100 * result.test.error,
                        formatDuration(result.trainSeconds + result.evaluationSeconds),
                        formatDuration(seconds(from: suiteStart, to: .now))))
                progress.restartInterval()
            }
            return true
        }
    }

    /// `[3/6] plain-34 seed 0 · step 120/400 · 5.1 steps/s · net ETA 55s · suite ETA 6m10s`:
    /// the suite's ETA counts the nets still to train and the analyses after them.
    private func statusLine(
        label: String, step: Int, netStart: ContinuousClock.Instant,
        later: ArraySlice<(net: AblationNet, seed: UInt64)>,
        secondsPerStep: [AblationNet: Double], afterTraining: Double
    ) -> String {
        let elapsed = seconds(from: netStart, to: .now)
        let perStep = elapsed / Double(max(step, 1))
        let netLeft = perStep * Double(config.iterations - step)
        let laterSeconds = later.reduce(0.0) {
            $0 + (secondsPerStep[$1.net] ?? perStep) * Double(config.iterations)
        }
        return "\(label) · step \(step)/\(config.iterations) · "
            + String(format: "%.1f steps/s", 1 / perStep)
            + " · net ETA \(formatDuration(netLeft)) · suite ETA "
            + formatDuration(netLeft + laterSeconds + afterTraining)
    }

    private func save(_ result: NetResult, model: ResNet) throws(AblationError) {
        let weights = directory.weightsPath(result.ablationNet, seed: result.seed)
        try directory.createDirectory(for: weights)
        // The weights say what they are: `resnet-lab predict` checks the model and applies
        // the normalisation the net was trained with.
        let data = try data()
        do {
            try model.saveWeights(
                to: weights,
                metadata: TrainedWeights.metadata(
                    model: "ablation-\(result.ablationNet.name)", mean: data.mean, std: data.std))
        } catch {
            throw .cannotWrite(path: weights, reason: error.writeFailureReason)
        }
        // The JSON last: a net counts as finished once its JSON exists.
        try directory.writeJSON(
            result, to: directory.netResultPath(result.ablationNet, seed: result.seed))
    }

    /// Runs `body` with the configured thread count for the kernels.
    func withThreads<T>(_ body: () throws(AblationError) -> T) throws(AblationError) -> T {
        try Tensor.withThreadCount(threads ?? Tensor.threadCount, body)
    }
}

/// How long the remaining nets will take, from a few timed steps of each.
public struct SuiteEstimate: Sendable, CustomStringConvertible {
    /// Nets of the configuration still to train.
    public var remaining: Int
    /// Nets already finished in the directory (not counted in the times).
    public var finished: Int
    /// Measured seconds per training step of each net.
    public var secondsPerStep: [(net: AblationNet, secondsPerStep: Double)]
    /// Training the remaining nets.
    public var trainingSeconds: Double
    /// Their test error along the way and at the end.
    public var evaluationSeconds: Double
    /// The analyses not yet done, in the order they run: each one's file name (as
    /// `AnalysisName` makes it) and its expected seconds.
    public var analyses: [(name: String, seconds: Double)]
    /// The analyses not yet done, in all.
    public var analysisSeconds: Double { analyses.reduce(0) { $0 + $1.seconds } }
    /// Whether the run will analyse (not `--train-only`).
    public var includesAnalyses = true

    /// The whole estimate: training, evaluation and analyses, in seconds.
    public var totalSeconds: Double { trainingSeconds + evaluationSeconds + analysisSeconds }

    /// `estimated time on this machine: 9m40s (training 8m10s for 6 nets, test error 40s,
    /// analyses 50s); ms per step: plain-18 92, ...`
    ///
    /// With every net already trained: `estimated time on this machine: 3m06s (the analyses;
    /// the 6 nets are trained); ms per step: ...`.
    public var description: String {
        let speeds = secondsPerStep.map {
            "\($0.net.name) \(String(format: "%.0f", 1000 * $0.secondsPerStep))"
        }
        if remaining == 0 {
            return "estimated time on this machine: \(formatDuration(totalSeconds)) "
                + "(\(includesAnalyses ? "the analyses" : "nothing left to do"); the \(finished) "
                + "nets are trained); ms per step: \(speeds.joined(separator: ", "))"
        }
        return "estimated time on this machine: \(formatDuration(totalSeconds)) (training "
            + "\(formatDuration(trainingSeconds)) for \(remaining) nets, test error "
            + "\(formatDuration(evaluationSeconds))"
            + (includesAnalyses ? ", analyses \(formatDuration(analysisSeconds))" : "") + "); "
            + "ms per step: \(speeds.joined(separator: ", "))"
    }
}

/// Seconds of one forward-only pass over `set` (after one untimed pass).
func timeForward(_ model: ResNet, on set: EvaluationSet) -> Double {
    Timing.medianSeconds(repeats: 1) { _ = score(model, on: set) }
}

/// Median seconds of `steps` training steps (forward, loss, backward, SGD with the recipe's
/// settings) on one batch, after one untimed step. The model's weights change; use a
/// throwaway model.
func timeSteps(_ model: ResNet, config: AblationConfig, batch: DataLoader.Batch, steps: Int)
    throws(AblationError) -> Double
{
    model.train()
    let optimizer = try config.makeOptimizer(for: model)
    return Timing.medianSeconds(repeats: steps) {
        _ = trainingStep(model, images: batch.images, labels: batch.labels, optimizer: optimizer)
    }
}
