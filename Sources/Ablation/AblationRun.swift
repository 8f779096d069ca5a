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
/// let estimate = try run.estimate()    // each net's first steps, timed
/// print(estimate)
/// // Skips the nets already finished; a lane with no net left makes the analyses of
/// // untrained nets meanwhile, as the estimate reckoned.
/// try run.trainAll(estimate: estimate, analysesAlongside: true)
/// try run.analyse()
/// let summary = try run.writeOutputs()  // summary.json, curves.csv, plots
/// ```
///
/// **Resumable.** Each finished net is written at once (`nets/<net>-seed<k>.json` and its
/// weights); a rerun with the same directory and recipe skips them and says so, so an
/// interruption loses at most the nets in progress (one per lane, side by side) and an
/// analysis beside them (each analysis file, too, is written once it is whole). A directory
/// that holds a run with another recipe is refused, never mixed in.
public final class AblationRun {
    /// The run's configuration, validated when the run was made.
    public let config: AblationConfig
    /// The directory every file of the run goes to.
    public let directory: RunDirectory
    /// Status lines and notes.
    public var progress: ProgressDisplay
    /// Threads for the kernels (the numbers do not depend on it).
    public let threads: Int?
    /// The most nets trained side by side (nil: two when the thread count is even); see
    /// ``lanes(forNets:batch:)``.
    public let netsAtOnce: Int?
    /// The option that named the directory, for messages: `--out` (`resnet-lab ablate`),
    /// `--run` (lesson 08).
    public var directoryFlag = "--out"

    /// Loaded on first use.
    private var loadedData: AblationData?
    /// The nets whose first steps the estimate took, until the training carries them on.
    let begunNets = LaneBoard([BegunKey: BegunNet]())

    /// A run of `config` in `directory`; nothing is read or written until a method needs it.
    ///
    /// - Parameters:
    ///   - config: the run's settings; validated here.
    ///   - directory: the run's directory (`--out`); created when needed.
    ///   - threads: threads for the kernels (nil: the current `Tensor.threadCount`); the
    ///     numbers do not depend on it.
    ///   - netsAtOnce: the most nets trained side by side, the threads shared out between them
    ///     (nil: two when the thread count is even, else one; never more than there are nets
    ///     to train or than fit in memory; 1: one after another, every thread on each); the
    ///     numbers do not depend on it.
    ///   - data: the data, if already loaded (tests); nil: loaded from `config` when needed.
    ///   - progress: where status lines and notes go.
    /// - Throws: `AblationError.invalidConfiguration` naming the setting at fault, from
    ///   ``AblationConfig/validate()``, for a `threads` below 1, or for a `netsAtOnce` below 1
    ///   or above the thread count.
    public init(
        config: AblationConfig, directory: String, threads: Int? = nil, netsAtOnce: Int? = nil,
        data: AblationData? = nil, progress: ProgressDisplay = ProgressDisplay()
    ) throws(AblationError) {
        try config.validate()
        if let threads {
            try require(threads >= 1, "--threads must be at least 1, got \(threads)")
        }
        if let netsAtOnce { try Self.check(netsAtOnce: netsAtOnce, threads: threads) }
        self.config = config
        self.directory = RunDirectory(directory)
        self.threads = threads
        self.netsAtOnce = netsAtOnce
        self.loadedData = data
        self.progress = progress
    }

    /// Refuses a `netsAtOnce` below 1 or above the thread count (`threads`, or
    /// `Tensor.threadCount` when nil): each net side by side needs a thread of its own.
    /// - Throws: `AblationError.invalidConfiguration` naming `--nets-at-once`.
    public static func check(netsAtOnce: Int, threads: Int?) throws(AblationError) {
        let available = threads ?? Tensor.threadCount
        try require(netsAtOnce >= 1, "--nets-at-once must be at least 1, got \(netsAtOnce)")
        try require(
            netsAtOnce <= available,
            "--nets-at-once \(netsAtOnce) needs a thread per net, and there are \(available) "
                + "(--threads or RESIDUAL_THREADS): give at most \(available), or more threads")
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
        let size = deepestSize(data)
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

    /// The size of the deepest residual net of the configuration on `data`'s images.
    private func deepestSize(_ data: AblationData) -> ResNet.Configuration.Size {
        let train = data.train
        return ResNet.Configuration.ablation(
            depth: config.depths.max()!, classes: train.classNames.count,
            inputChannels: train.channels
        ).size(height: train.height, width: train.width)
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
    /// The timed steps are real ones: each net still to train takes its first steps here (its
    /// first seed still to train, on its own batches, with the recipe's rates), and
    /// ``trainAll(estimate:analysesAlongside:shouldStop:)`` carries it on from there, to the
    /// same bits as a net trained in one go; a net with every seed finished, or with no step
    /// left, is timed on a throwaway copy. Nets that will train side by side
    /// (``lanes(forNets:batch:)``) are timed side by side, on the threads each will have, and
    /// the training's time is when the lanes would finish, taking the nets longest first as
    /// the training does. The analyses run a net per lane too, so the same timings serve them,
    /// each analysis's nets scheduled on the lanes as the run takes them (timed once more, one
    /// step per net, only when the training runs otherwise: a single net left to train takes
    /// every thread); with `analyses`, those of untrained nets are counted beside the
    /// training, as `trainAll(estimate:analysesAlongside: true, shouldStop:)` makes them.
    ///
    /// - Parameters:
    ///   - steps: timed training steps per net (after one untimed step), taken round by round
    ///     across the nets of a lane (a slow moment of the machine then falls on every net's
    ///     steps alike); the median is used.
    ///   - includingAnalyses: whether to count the analyses still to do (the argument
    ///     labelled `analyses`).
    /// - Throws: the errors of ``data()``; `AblationError.invalidConfiguration` when SGD
    ///   refuses the recipe's settings; `.diverged` when a net's loss stops being finite in
    ///   its first steps.
    public func estimate(steps: Int = 7, analyses includingAnalyses: Bool = true)
        throws(AblationError) -> SuiteEstimate
    {
        let todo = remaining
        let lanes = try lanes(forNets: todo.count)
        // The analyses' lanes (one net left to train takes every thread).
        let analysisLanes = try analysisLanes()
        let timings = try timeNets(
            steps: steps, lanes: todo.isEmpty ? analysisLanes : lanes, beginning: todo)
        let test = try data().test
        let testImages = min(config.testLimit ?? test.count, test.count)
        let taken = begunNets.locked { $0.mapValues(\.steps) }
        let perNet = todo.map { item in
            let time = timings[item.net]!
            let left = config.iterations - (taken[BegunKey(item)] ?? 0)
            return (
                training: time.step * Double(left),
                evaluation: time.image
                    * Double(config.evaluations * config.evaluationImages + testImages)
            )
        }
        var analyses: [(name: String, seconds: Double, laneSeconds: Double)] = []
        if includingAnalyses {
            // Timed again, one step each, only where the analyses run otherwise than training.
            analyses = analysisEstimate(
                todo.isEmpty || analysisLanes == lanes
                    ? timings : try timeNets(steps: 1, lanes: analysisLanes),
                lanes: analysisLanes.count)
        }
        // The analyses a lane makes beside the training once no net is left to take
        // (`trainAll(estimate:analysesAlongside:shouldStop:)`), each whole in one lane.
        let besideNames =
            includingAnalyses
            ? try untrainedAnalyses(beside: lanes, training: todo).map { $0.analysis.name($0.seed) }
            : []
        let beside = besideNames.compactMap { name in analyses.first { $0.name == name } }
        // When the last lane finishes, shared between training, test error and the analyses
        // beside them as their sums.
        let order =
            trainingOrder(todo, secondsPerStep: timings.mapValues(\.step)).map {
                index in perNet[index].training + perNet[index].evaluation
            } + beside.map(\.laneSeconds)
        let finish = LaneSchedule.finish(order, lanes: lanes.count)
        let training = perNet.reduce(0) { $0 + $1.training }
        let evaluation = perNet.reduce(0) { $0 + $1.evaluation }
        let besideSeconds = beside.reduce(0) { $0 + $1.laneSeconds }
        let busy = training + evaluation + besideSeconds
        let share = busy > 0 ? finish / busy : 0
        return SuiteEstimate(
            remaining: todo.count, finished: config.runs.count - todo.count,
            lanes: lanes, secondsPerStep: config.nets.map { ($0, timings[$0]!.step) },
            finalTestSeconds: config.nets.map { ($0, timings[$0]!.image * Double(testImages)) },
            trainingSeconds: training * share, evaluationSeconds: evaluation * share,
            analyses: analyses.map { phase in
                (
                    phase.name,
                    besideNames.contains(phase.name) ? phase.laneSeconds * share : phase.seconds
                )
            },
            alongside: beside.map { ($0.name, $0.laneSeconds) }, includesAnalyses: includingAnalyses
        )
    }

    /// Seconds per training step and per image scored forward only of every net of the
    /// configuration, timed as `lanes` will train them: side by side, lane `i` timing nets `i`,
    /// `i + lanes.count`, … (a plain net beside its residual twin, with two lanes), each on
    /// `lanes.threadsEach` threads. The list of nets is repeated until every lane has as many
    /// to time as the others (a net timed twice keeps its first timing), so no lane runs alone.
    ///
    /// A net with a seed in `todo` is timed on that seed's training, begun here (the first
    /// such seed; or carried on, when an earlier estimate began it) and kept in `begunNets`
    /// for ``trainAll(estimate:analysesAlongside:shouldStop:)``: its steps are the run's
    /// own. One with none, or whose training has no step left, is timed on a throwaway net of
    /// seed 0 and the first batch. A lane steps its nets round by round (``StepTimer``), so a
    /// moment when the machine slows falls on all of them, not on one net's every step (a
    /// default run once timed plain-18's and plain-34's steps at 1.5 times their length in
    /// training, their steps taken one net after the other in such a moment).
    func timeNets(
        steps: Int, lanes: NetLanes, beginning todo: [(net: AblationNet, seed: UInt64)] = []
    ) throws(AblationError) -> [AblationNet: (step: Double, image: Double)] {
        let data = try data()
        let training = NetTraining(config: config, data: data)
        let batch = data.trainLoader(batchSize: config.batchSize, seed: 0)
            .batch(at: .init(epoch: 0, batch: 0))
        let images = data.trainBatches(256, batchSize: 256)
        var nets = config.nets
        while nets.count % lanes.count != 0 {
            nets.append(config.nets[nets.count % config.nets.count])
        }
        let board = LaneBoard(
            [Result<[AblationNet: (step: Double, image: Double)], AblationError>](
                repeating: .success([:]), count: lanes.count))
        lanes.run { lane in
            do throws(AblationError) {
                // The lane's nets, each with a step to time: its own training's next step
                // where it has one to begin or carry on (once, not for a repeat that only
                // keeps this lane busy), else a throwaway net's step on the first batch.
                var timers: [StepTimer] = []
                for index in stride(from: lane, to: nets.count, by: lanes.count) {
                    let net = nets[index]
                    let seed = index < config.nets.count ? todo.first { $0.net == net }?.seed : nil
                    var begun: BegunNet?
                    if let seed {
                        begun = begunNets.locked { $0[BegunKey(net: net, seed: seed)] }
                        if begun == nil { begun = try training.begin(net, seed: seed) }
                    }
                    if let begun, begun.steps < config.iterations {
                        begunNets.locked { $0[BegunKey(net: net, seed: begun.seed)] = begun }
                        timers.append(.begun(begun, training))
                    } else {
                        timers.append(
                            try .throwaway(
                                net, build(net, seed: 0, data: data), config, batch: batch))
                    }
                }
                // Round by round, a step of each net (the first round untimed), so that a
                // moment when the machine slows falls on every net's steps alike, not on all
                // the steps of one.
                var times = [[Double]](repeating: [], count: timers.count)
                for _ in 0...max(1, steps) {
                    for (index, timer) in timers.enumerated() {
                        if let seconds = try timer.step(dropping: begunNets) {
                            times[index].append(seconds)
                        }
                    }
                }
                var timed: [AblationNet: (step: Double, image: Double)] = [:]
                for (timer, var seconds) in zip(timers, times) where timed[timer.net] == nil {
                    if seconds.count > 1 { seconds.removeFirst() }
                    let forward = timeForward(timer.model, on: images)
                    timed[timer.net] = (Timing.median(seconds), forward / Double(images.count))
                }
                board.locked { $0[lane] = .success(timed) }
            } catch {
                board.locked { $0[lane] = .failure(error) }
            }
        }
        var timings: [AblationNet: (step: Double, image: Double)] = [:]
        for result in board.locked({ $0 }) {
            timings.merge(try result.get()) { first, _ in first }
        }
        return timings
    }

    /// The analyses that lanes with no net left to train make beside the others, in the order
    /// they take them (per seed, the shattered gradients, the larger, then the init
    /// diagnostics), those not yet in the directory: none unless `lanes` has several lanes,
    /// `training` is not empty, and the analyses run in the same lanes (``analysisLanes()``).
    /// - Throws: the errors of ``data()``.
    func untrainedAnalyses(beside lanes: NetLanes, training: [(net: AblationNet, seed: UInt64)])
        throws(AblationError) -> [(analysis: UntrainedAnalysis, seed: UInt64)]
    {
        guard lanes.count > 1, !training.isEmpty, try analysisLanes() == lanes else { return [] }
        return config.seeds.flatMap { seed in
            [UntrainedAnalysis.shattered, .initDiagnostics].map { ($0, seed) }
        }.filter { !isDone($0, seed: $1) }
    }

    /// Takes a net's training out of `begunNets` (nil when the estimate did not begin it).
    func takeBegun(_ net: AblationNet, seed: UInt64) -> BegunNet? {
        begunNets.locked { $0.removeValue(forKey: BegunKey(net: net, seed: seed)) }
    }

    func save(_ result: NetResult, model: ResNet) throws(AblationError) {
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

    /// How `nets` nets train: side by side (``NetLanes``), `netsAtOnce` of them (by default
    /// two when the thread count is even, else one), no more than there are threads or nets
    /// to train, and no more than fit in this machine's memory together; each lane gets the
    /// threads divided by the lanes, rounded down (`--threads 3 --nets-at-once 2` leaves one
    /// thread idle).
    /// - Parameters:
    ///   - nets: the nets to train.
    ///   - batch: the images of one step, for the memory a net needs (nil: the recipe's
    ///     batch size).
    /// - Throws: the errors of ``data()``.
    public func lanes(forNets nets: Int, batch: Int? = nil) throws(AblationError) -> NetLanes {
        let threads = threadCount
        // By default two lanes, where the threads split evenly between them: the case
        // measured (Docs/PERFORMANCE.md, "The ablation's nets side by side").
        let preferred = netsAtOnce ?? (threads % 2 == 0 ? 2 : 1)
        var count = min(preferred, threads, max(1, nets))
        if count > 1, let available = MachineMemory.available {
            let data = try data()
            let size = deepestSize(data)
            let perNet =
                size.modelBytes(optimizerBuffers: config.momentum > 0 ? 1 : 0)
                + size.activationBytes(batch: min(batch ?? config.batchSize, data.train.count))
            count = min(count, max(1, Int(available / perNet)))
        }
        return NetLanes(count: count, threadsEach: threads / count)
    }

    /// The lanes every analysis runs in: those of training all the configuration's nets,
    /// with the memory of the largest batch an analysis takes through a net with gradients
    /// (the shattered gradients' pairs of images, the diagnostics' batch, or a training
    /// step's). The estimate schedules the analyses on the same lanes.
    /// - Throws: the errors of ``data()``.
    public func analysisLanes() throws(AblationError) -> NetLanes {
        let analysis = config.analysis
        return try lanes(
            forNets: config.nets.count,
            batch: max(config.batchSize, 2 * analysis.shatteredPairs, analysis.diagnosticImages))
    }

    /// The threads the run's kernels use: `threads`, or `Tensor.threadCount` when nil.
    var threadCount: Int { threads ?? Tensor.threadCount }

    /// Runs `body` with the configured thread count for the kernels.
    func withThreads<T>(_ body: () throws(AblationError) -> T) throws(AblationError) -> T {
        try Tensor.withThreadCount(threadCount, body)
    }
}

/// How long the remaining nets will take, from a few timed steps of each.
public struct SuiteEstimate: Sendable, CustomStringConvertible {
    /// Nets of the configuration still to train.
    public var remaining: Int
    /// Nets already finished in the directory (not counted in the times).
    public var finished: Int
    /// How the remaining nets train: how many side by side, on how many threads each.
    public var lanes: NetLanes
    /// Measured seconds per training step of each net, as it will train (side by side when
    /// `lanes` has several).
    public var secondsPerStep: [(net: AblationNet, secondsPerStep: Double)]
    /// Measured seconds of each net's final test (its test images scored forward only, as it
    /// will run them: side by side when `lanes` has several).
    public var finalTestSeconds: [(net: AblationNet, seconds: Double)] = []
    /// Training the remaining nets (side by side: the share of the lanes' time that trains).
    public var trainingSeconds: Double
    /// Their test error along the way and at the end (side by side: the share of the lanes'
    /// time that measures it).
    public var evaluationSeconds: Double
    /// The analyses not yet done, in the order ``AblationRun/analyse(estimate:shouldStop:)``
    /// lists them: each one's file name (as `AnalysisName` makes it) and its expected seconds
    /// (for one beside the training, its share of the lanes' time, as `alongside` says).
    public var analyses: [(name: String, seconds: Double)]
    /// The analyses not yet done, in all.
    public var analysisSeconds: Double { analyses.reduce(0) { $0 + $1.seconds } }
    /// The analyses that lanes with no net left to train make beside the others, each whole
    /// in one lane, with its seconds there; their share of the wall time is their entry in
    /// `analyses`.
    public var alongside: [(name: String, laneSeconds: Double)] = []
    /// The analyses after the last net is trained.
    public var analysisSecondsAfterTraining: Double {
        analyses.filter { phase in !alongside.contains { $0.name == phase.name } }
            .reduce(0) { $0 + $1.seconds }
    }
    /// Whether the run will analyse (not `--train-only`).
    public var includesAnalyses = true

    /// The whole estimate: training, evaluation and analyses, in seconds.
    public var totalSeconds: Double { trainingSeconds + evaluationSeconds + analysisSeconds }

    /// `estimated time on this machine: 9m40s (training 8m10s for 6 nets, test error 40s,
    /// analyses 50s); ms per step: plain-18 92, ...`; side by side, `(training 8m10s for 6
    /// nets, 2 at a time, 1 thread each, ...); ms per step, side by side: plain-18 170, ...`;
    /// with analyses beside the training, `analyses 50s, 4s of them beside the training`.
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
        let sideBySide = lanes.count > 1
        return "estimated time on this machine: \(formatDuration(totalSeconds)) (training "
            + "\(formatDuration(trainingSeconds)) for \(remaining) nets"
            + (sideBySide ? ", \(lanes)" : "") + ", test error \(formatDuration(evaluationSeconds))"
            + (includesAnalyses ? ", analyses \(formatDuration(analysisSeconds))" : "")
            + (alongside.isEmpty
                ? ""
                : ", \(formatDuration(analysisSeconds - analysisSecondsAfterTraining)) of them "
                    + "beside the training") + "); "
            + "ms per step\(sideBySide ? ", side by side" : ""): \(speeds.joined(separator: ", "))"
    }
}

/// Seconds of one forward-only pass over `set`, the first: the run's measurements are
/// first passes too, each folding the net afresh.
func timeForward(_ model: ResNet, on set: EvaluationSet) -> Double {
    Timing.seconds { _ = score(model, on: set) }
}

/// A step of one net for the estimate to time: its own training's next step (`begun`: the
/// run's step, kept), or one on a throwaway net and a fixed batch.
enum StepTimer {
    case begun(BegunNet, NetTraining)
    case throwaway(AblationNet, ResNet, SGD, DataLoader.Batch)

    /// A throwaway `model` of `net` in training mode, with the recipe's optimizer, stepping
    /// on `batch`: its weights change.
    /// - Throws: `AblationError.invalidConfiguration` when SGD refuses the recipe's settings.
    static func throwaway(
        _ net: AblationNet, _ model: ResNet, _ config: AblationConfig, batch: DataLoader.Batch
    ) throws(AblationError) -> StepTimer {
        model.train()
        return .throwaway(net, model, try config.makeOptimizer(for: model), batch)
    }

    var net: AblationNet {
        switch self {
        case .begun(let begun, _): begun.net
        case .throwaway(let net, _, _, _): net
        }
    }

    var model: ResNet {
        switch self {
        case .begun(let begun, _): begun.model
        case .throwaway(_, let model, _, _): model
        }
    }

    /// Takes one step and returns its seconds (a begun net's without its test-error
    /// measurement, if one falls there); nil when a begun net has no step left.
    /// - Throws: `AblationError.diverged` when a begun net's loss stops being finite; the net
    ///   is then not carried on (its weights took the step its record lacks: the training
    ///   starts it afresh, and fails at the same step).
    func step(dropping begunNets: LaneBoard<[BegunKey: BegunNet]>? = nil) throws(AblationError)
        -> Double?
    {
        switch self {
        case .begun(let begun, let training):
            let before = begun.trainSeconds
            do throws(AblationError) {
                guard try training.step(begun) else { return nil }
            } catch {
                begunNets?.locked { $0[BegunKey(net: begun.net, seed: begun.seed)] = nil }
                throw error
            }
            return begun.trainSeconds - before
        case .throwaway(_, let model, let optimizer, let batch):
            return Timing.seconds {
                _ = trainingStep(
                    model, images: batch.images, labels: batch.labels, optimizer: optimizer)
            }
        }
    }
}

/// A net of the run and its seed: which training a `BegunNet` is.
struct BegunKey: Hashable {
    let net: AblationNet
    let seed: UInt64

    init(net: AblationNet, seed: UInt64) {
        self.net = net
        self.seed = seed
    }

    init(_ run: (net: AblationNet, seed: UInt64)) { self.init(net: run.net, seed: run.seed) }
}
