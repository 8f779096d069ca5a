import Foundation
import ResNetModels
import TensorCore
import Training

/// The gradient correlation of nearby inputs against depth, plain and residual, for one
/// seed, at initialisation.
public struct ShatteredGradients: Codable, Equatable, Sendable {
    /// The ablation seed of the nets measured.
    public var seed: UInt64
    /// The depths measured, ascending (``AblationConfig/shatteredDepths``).
    public var depths: [Int]
    /// The plain net's mean gradient correlation at each of `depths`, from −1 to 1.
    public var plain: [Double]
    /// The residual net's mean gradient correlation at each of `depths`, from −1 to 1.
    public var residual: [Double]
    /// Image pairs each correlation averages over.
    public var pairs: Int
}

/// What the nets of one seed look like at initialisation: gradient per layer and block
/// responses, both on the same training batch in training mode.
public struct InitDiagnostics: Codable, Equatable, Sendable {
    /// The ablation seed of the nets measured.
    public var seed: UInt64
    /// The weight gradient of every layer, one profile per net of the run, in training
    /// order.
    public var gradients: [GradientProfile]
    /// The block responses, one profile per net of the run, in training order.
    public var responses: [ResponseProfile]
}

/// The trained nets of one seed: block responses on test images in eval mode, and the
/// lesions of the deepest pair.
public struct TrainedDiagnostics: Codable, Equatable, Sendable {
    /// The ablation seed of the nets measured.
    public var seed: UInt64
    /// The block responses, one profile per trained net of the run, in training order.
    public var responses: [ResponseProfile]
    /// The lesion studies of the analysed pair (``AblationConfig/analysedPair``): plain,
    /// then residual.
    public var lesions: [LesionProfile]
}

/// An analysis file's contents, which say what they were computed from: the nets (or
/// depths) measured. A file made for other depths than the run's (`--depths` changed on a
/// rerun) does not count: the run redoes it, and results leave it out.
public protocol RunAnalysis: Codable, Sendable {
    /// Whether this analysis measured exactly what `config` asks of it.
    func covers(_ config: AblationConfig) -> Bool
}

extension InitDiagnostics: RunAnalysis {
    /// Whether there is exactly one gradient profile and one response profile for each net
    /// of `config`.
    public func covers(_ config: AblationConfig) -> Bool {
        let nets = Set(config.nets.map(\.name))
        return Set(gradients.map(\.net)) == nets && Set(responses.map(\.net)) == nets
            && gradients.count == nets.count && responses.count == nets.count
    }
}

extension ShatteredGradients: RunAnalysis {
    /// Whether the depths measured are `config`'s ``AblationConfig/shatteredDepths``, with a
    /// value for each, plain and residual.
    public func covers(_ config: AblationConfig) -> Bool {
        depths == config.shatteredDepths && plain.count == depths.count
            && residual.count == depths.count
    }
}

extension TrainedDiagnostics: RunAnalysis {
    /// Whether there is exactly one response profile for each net of `config`, and lesions
    /// of its analysed pair, plain then residual.
    public func covers(_ config: AblationConfig) -> Bool {
        let nets = Set(config.nets.map(\.name))
        return Set(responses.map(\.net)) == nets && responses.count == nets.count
            && lesions.map(\.net) == config.analysedPair.map(\.name)
    }
}

/// The loss landscapes of one seed, one per net of the analysed pair, are one analysis file.
extension Array: RunAnalysis where Element == LossLandscape {
    /// Whether the landscapes are those of `config`'s analysed pair, plain then residual.
    public func covers(_ config: AblationConfig) -> Bool {
        map(\.net) == config.analysedPair.map(\.name)
    }
}

extension AblationConfig {
    /// The depths of the shattered-gradients measurement: every sixth depth from 8 to the
    /// deepest of the run, and the run's own depths.
    public var shatteredDepths: [Int] {
        let deepest = depths.max() ?? 8
        return Array(Set(Array(stride(from: 8, through: deepest, by: 6)) + depths)).sorted()
    }

    /// The depth whose pair gets lesions and loss landscapes: `analysis.landscapeDepth` when
    /// it is one of the run's depths, else the deepest.
    public var analysedDepth: Int {
        analysis.landscapeDepth.flatMap { depths.contains($0) ? $0 : nil } ?? depths.max() ?? 8
    }

    /// The plain net and its residual twin at `analysedDepth`.
    public var analysedPair: [AblationNet] {
        [false, true].map { AblationNet(depth: analysedDepth, residual: $0) }
    }

    /// Every analysis file the run makes, with what it holds: per seed the init-time
    /// diagnostics, shattered gradients and trained diagnostics; for the first seed the loss
    /// landscapes unless skipped.
    public var analyses: [(name: String, what: String, type: any RunAnalysis.Type)] {
        var list: [(name: String, what: String, type: any RunAnalysis.Type)] = []
        for seed in seeds {
            list.append(
                (
                    AnalysisName.initDiagnostics(seed: seed),
                    UntrainedAnalysis.initDiagnostics.what(seed),
                    InitDiagnostics.self
                ))
            list.append(
                (
                    AnalysisName.shattered(seed: seed), UntrainedAnalysis.shattered.what(seed),
                    ShatteredGradients.self
                )
            )
            list.append(
                (
                    AnalysisName.trained(seed: seed),
                    "responses and lesions of the trained nets, seed \(seed)",
                    TrainedDiagnostics.self
                ))
        }
        if !analysis.skipLandscape {
            list.append(
                (
                    AnalysisName.landscape(seed: seeds[0]),
                    "loss landscapes of the depth-\(analysedDepth) pair, seed \(seeds[0])",
                    [LossLandscape].self
                ))
        }
        return list
    }
}

extension RunDirectory {
    /// `analysis/<name>.json` when it is there, reads as `type` and covers `config`; nil
    /// when it is missing or was made for other nets.
    /// - Parameters:
    ///   - name: the file's name without `.json` (see `AnalysisName`).
    ///   - type: the analysis type the file holds.
    ///   - config: the run the analysis must cover (``RunAnalysis/covers(_:)``).
    /// - Throws: `AblationError.cannotRead` when it is there but damaged.
    public func analysis<T: RunAnalysis>(
        _ name: String, _ type: T.Type, for config: AblationConfig
    ) throws(AblationError) -> T? {
        let file = analysisPath(name)
        guard exists(file) else { return nil }
        let value = try readJSON(type, from: file)
        return value.covers(config) ? value : nil
    }

    /// The analyses of `config` (``AblationConfig/analyses``) whose file is missing, cannot
    /// be read, or was made for other nets.
    func missingAnalyses(for config: AblationConfig)
        -> [(name: String, what: String, type: any RunAnalysis.Type)]
    {
        config.analyses.filter { name, _, type in !hasAnalysis(name, type, for: config) }
    }

    /// Whether `analysis/<name>.json` is there, readable and made for `config`'s nets.
    func hasAnalysis<T: RunAnalysis>(_ name: String, _ type: T.Type, for config: AblationConfig)
        -> Bool
    {
        ((try? analysis(name, type, for: config)) ?? nil) != nil
    }
}

extension AblationRun {
    /// The depths of the shattered-gradients measurement (`AblationConfig.shatteredDepths`).
    public var shatteredDepths: [Int] { config.shatteredDepths }

    /// The depth whose pair gets lesions and loss landscapes.
    public var analysedDepth: Int { config.analysedDepth }

    /// Whether some analysis file of this run is missing, or was made for other nets.
    public var hasAnalysesToDo: Bool { !directory.missingAnalyses(for: config).isEmpty }

    /// Whether `analysis/<name>.json` is done for this run's nets.
    func isDone<T: RunAnalysis>(_ name: String, _ type: T.Type) -> Bool {
        directory.hasAnalysis(name, type, for: config)
    }

    /// Whether `analysis` of `seed` is done for this run's nets.
    func isDone(_ analysis: UntrainedAnalysis, seed: UInt64) -> Bool {
        switch analysis {
        case .initDiagnostics: isDone(analysis.name(seed), InitDiagnostics.self)
        case .shattered: isDone(analysis.name(seed), ShatteredGradients.self)
        }
    }

    /// Runs every analysis that is not yet in the directory for this run's nets: for each
    /// seed the init-time diagnostics, the shattered gradients and, once its nets are
    /// trained, the trained diagnostics and lesions; for the first seed the loss landscapes
    /// of the deepest pair. An analysis file made for other depths (`--depths` changed) is
    /// redone, and the run says so.
    ///
    /// - Parameters:
    ///   - estimate: the result of ``estimate(steps:analyses:)``, if one was made: each
    ///     analysis's line then gives its estimated time beside the measured one.
    ///   - shouldStop: asked between nets, depths, lesions and landscape points, so a stop
    ///     comes within seconds; what is finished is saved, the analysis in progress is
    ///     dropped.
    /// - Returns: false when stopped.
    /// - Throws: `AblationError.cannotRead` when a trained net's weights are missing or
    ///   damaged; `.cannotWrite` when an analysis file cannot be written; the errors of
    ///   ``data()``.
    @discardableResult
    public func analyse(estimate: SuiteEstimate? = nil, shouldStop: () -> Bool = { false })
        throws(AblationError) -> Bool
    {
        let data = try data()
        let expected = Dictionary(
            uniqueKeysWithValues: (estimate?.analyses ?? []).map { ($0.name, $0.seconds) })
        func phase<T: RunAnalysis>(
            _ name: String, _ type: T.Type, _ what: String,
            _ compute: () throws(AblationError) -> T?
        ) throws(AblationError) -> Bool {
            try once(name, type, what, expected: expected[name], compute)
        }
        return try withThreads { () throws(AblationError) -> Bool in
            for seed in config.seeds {
                for analysis in UntrainedAnalysis.allCases {
                    guard
                        try make(
                            analysis, seed: seed, data: data,
                            expected: expected[analysis.name(seed)],
                            shouldStop: shouldStop)
                    else { return false }
                }
                guard
                    try phase(
                        AnalysisName.trained(seed: seed), TrainedDiagnostics.self,
                        "responses and lesions of the trained nets, seed \(seed)",
                        { () throws(AblationError) in
                            try trainedDiagnostics(seed: seed, data: data, shouldStop: shouldStop)
                        })
                else { return false }
            }
            if !config.analysis.skipLandscape {
                let seed = config.seeds[0]
                guard
                    try phase(
                        AnalysisName.landscape(seed: seed), [LossLandscape].self,
                        "loss landscapes of the depth-\(analysedDepth) pair, seed \(seed)",
                        { () throws(AblationError) -> [LossLandscape]? in
                            try landscapes(seed: seed, data: data, shouldStop: shouldStop)
                        })
                else { return false }
            }
            return true
        }
    }

    /// Makes `analysis` of `seed` unless its file is already there for this run's nets
    /// (``once``), on `lanes` (nil: ``analysisLanes()``; given, the lane of the training it
    /// runs beside, and its line says so); false when stopped.
    func make(
        _ analysis: UntrainedAnalysis, seed: UInt64, data: AblationData, lanes: NetLanes? = nil,
        expected: Double?, shouldStop: () -> Bool
    ) throws(AblationError) -> Bool {
        let what = analysis.what(seed) + (lanes == nil ? "" : ", beside the training")
        switch analysis {
        case .initDiagnostics:
            return try once(analysis.name(seed), InitDiagnostics.self, what, expected: expected) {
                () throws(AblationError) in
                try initDiagnostics(seed: seed, data: data, lanes: lanes, shouldStop: shouldStop)
            }
        case .shattered:
            return try once(analysis.name(seed), ShatteredGradients.self, what, expected: expected)
            {
                () throws(AblationError) in
                try shattered(seed: seed, data: data, lanes: lanes, shouldStop: shouldStop)
            }
        }
    }

    /// `responses and lesions of the trained nets, seed 0: 1m12s (estimated 1m05s)`.
    private func note(_ what: String, since start: ContinuousClock.Instant, expected: Double?) {
        progress.line(
            "\(what): \(formatSeconds(seconds(from: start, to: .now)))"
                + (expected.map { " (estimated \(formatSeconds($0)))" } ?? ""))
        progress.restartInterval()
    }

    /// Computes and writes `analysis/<name>.json` unless it is already there for this run's
    /// nets, then says how long it took (and the `expected` seconds, when estimated).
    /// Returns false when `compute` was stopped (nil).
    private func once<T: RunAnalysis>(
        _ name: String, _ type: T.Type, _ what: String, expected: Double?,
        _ compute: () throws(AblationError) -> T?
    ) throws(AblationError) -> Bool {
        let path = directory.analysisPath(name)
        if directory.exists(path) {
            if isDone(name, type) { return true }
            progress.line(
                "redoing the \(what): analysis/\(name).json was made for other nets than this "
                    + "run's (depths \(config.depths.sorted().map(String.init).joined(separator: ", ")))"
                    + " or cannot be read")
        }
        let start = ContinuousClock.now
        guard let value = try compute() else { return false }
        try directory.writeJSON(value, to: path)
        note(what, since: start, expected: expected)
        return true
    }

    /// Gradient per layer and block responses of every net of `seed` at initialisation
    /// (nil when stopped), a net per lane (``inLanes(_:order:lanes:shouldStop:_:)``; `lanes`
    /// nil: ``analysisLanes()``).
    func initDiagnostics(
        seed: UInt64, data: AblationData, lanes: NetLanes? = nil,
        shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> InitDiagnostics? {
        let batch = data.train.prefix(config.analysis.diagnosticImages)
        let images = batch.allImages()
        let labels = batch.labels
        let nets = config.nets
        guard
            let profiles = try inLanes(
                UntrainedAnalysis.initDiagnostics.what(seed), order: AnalysisJobs.initOrder(config),
                lanes: lanes, shouldStop: shouldStop,
                { index, status, _ -> (ResponseProfile, GradientProfile)? in
                    let net = nets[index]
                    status(net.name)
                    let model = build(net, seed: seed, data: data)
                    let responses = Diagnostics.responseProfile(
                        model, net: net.name, images: images)
                    let fresh = build(net, seed: seed, data: data)
                    return (
                        responses,
                        Diagnostics.gradientProfile(
                            fresh, net: net.name, images: images, labels: labels)
                    )
                })
        else { return nil }
        return InitDiagnostics(
            seed: seed, gradients: profiles.map(\.1), responses: profiles.map(\.0))
    }

    /// The gradient correlation of nearby inputs at initialisation, at `shatteredDepths`
    /// (nil when stopped), a net per lane (`lanes` nil: ``analysisLanes()``).
    func shattered(
        seed: UInt64, data: AblationData, lanes: NetLanes? = nil,
        shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> ShatteredGradients? {
        let pairs = config.analysis.shatteredPairs
        let images = Diagnostics.neighbourPairs(data.train.prefix(pairs).allImages())
        let nets = AnalysisJobs.shatteredNets(config)
        guard
            let values = try inLanes(
                UntrainedAnalysis.shattered.what(seed), order: AnalysisJobs.shatteredOrder(config),
                lanes: lanes, shouldStop: shouldStop,
                { index, status, _ -> Double? in
                    let net = nets[index]
                    status(net.name)
                    let model = build(net, seed: seed, data: data)
                    return Diagnostics.gradientCorrelation(
                        model, images: images, readoutSeed: AblationSeeds(seed).readout)
                })
        else { return nil }
        func family(residual: Bool) -> [Double] {
            nets.indices.filter { nets[$0].residual == residual }.map { values[$0] }
        }
        return ShatteredGradients(
            seed: seed, depths: shatteredDepths, plain: family(residual: false),
            residual: family(residual: true), pairs: pairs)
    }

    /// Responses of every trained net of `seed` and lesions of the analysed pair (nil when
    /// stopped), a net per lane.
    func trainedDiagnostics(
        seed: UInt64, data: AblationData, shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> TrainedDiagnostics? {
        let images = data.test.prefix(config.analysis.diagnosticImages).allImages()
        let lesionSet = data.testBatches(config.analysis.lesionImages)
        let nets = config.nets
        let analysed = analysedDepth
        guard
            let profiles = try inLanes(
                "trained nets, seed \(seed)", order: AnalysisJobs.trainedOrder(config),
                shouldStop: shouldStop,
                {
                    index, status, shouldStop throws(AblationError)
                        -> (ResponseProfile, LesionProfile?)? in
                    let net = nets[index]
                    status("responses of \(net.name)")
                    let model = try trainedModel(net, seed: seed)
                    let responses = Diagnostics.responseProfile(
                        model, net: net.name, images: images)
                    guard net.depth == analysed else { return (responses, nil) }
                    status("lesions of \(net.name)")
                    guard
                        let lesion = LesionProfile(
                            model, net: net.name, on: lesionSet, shouldStop: shouldStop)
                    else { return nil }
                    return (responses, lesion)
                })
        else { return nil }
        return TrainedDiagnostics(
            seed: seed, responses: profiles.map(\.0), lesions: profiles.compactMap(\.1))
    }

    /// The loss landscapes of the analysed pair, in its order (nil when stopped), a net per
    /// lane.
    /// - Throws: the first lane's error (`AblationError.cannotRead` for missing weights), the
    ///   other lane stopped at its next point.
    func landscapes(
        seed: UInt64, data: AblationData, shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> [LossLandscape]? {
        let pair = config.analysedPair
        return try inLanes(
            "loss landscapes", order: Array(pair.indices), shouldStop: shouldStop
        ) { index, status, shouldStop throws(AblationError) in
            try landscape(
                pair[index], seed: seed, data: data,
                report: { done, total in status("\(pair[index].name) \(done)/\(total) points") },
                shouldStop: shouldStop)
        }
    }

    /// Runs the jobs `order` lists (each index once, from 0) side by side as the training's
    /// lanes run (``analysisLanes()``: with two threads, each job on one thread, where scoring
    /// runs in slices that stay in cache), else one after the other on every thread; the lanes
    /// take them in `order`. Given `lanes`, those instead (one lane of the training's, for an
    /// analysis beside it: then the status line is the training's, and this one says
    /// nothing). The same bits either way: every kernel's are the same on any thread count.
    /// `job(index, status, shouldStop)` computes job `index`, nil when stopped; `status` sets
    /// its lane's part of the status line (after `what`), and `shouldStop` asks the run's,
    /// once for all the lanes. The data are loaded before the lanes start (they would
    /// otherwise race to load them).
    /// - Returns: the results in job order; nil when stopped.
    /// - Throws: the first lane's error, the other lanes stopped at their next job or check.
    func inLanes<Value>(
        _ what: String, order: [Int], lanes given: NetLanes? = nil, shouldStop: () -> Bool,
        _ job: (
            _ index: Int, _ status: (String) -> Void, _ shouldStop: () -> Bool
        ) throws(AblationError) -> Value?
    ) throws(AblationError) -> [Value]? {
        _ = try self.data()
        let lanes: NetLanes
        if let given { lanes = given } else { lanes = try analysisLanes() }
        let reports = given == nil
        let board = LaneBoard(LaneQueue<Value>(order: order, lanes: lanes.count))
        // Escapable only to satisfy the exclusivity check: the lanes' closures call it.
        withoutActuallyEscaping(shouldStop) { shouldStop in
            lanes.run { lane in
                let stop = { board.locked { $0.shouldStop(asking: shouldStop) } }
                while let index = board.locked({ $0.take(asking: shouldStop) }) {
                    do throws(AblationError) {
                        let value = try job(
                            index,
                            { line in
                                guard reports else { return }
                                board.locked { state in
                                    state.lines[lane] = line
                                    progress.status("\(what): \(state.statusLine)")
                                }
                            }, stop)
                        board.locked { $0.finish(index, with: value) }
                    } catch {
                        board.locked { $0.fail(error) }
                        return
                    }
                }
            }
        }
        return try board.locked { $0 }.result()
    }

    /// The loss landscape of one trained net (nil when stopped), `report` told the points
    /// measured and their total after each. Both nets of a depth get the same Gaussian draws
    /// (the directions' seeds depend on the run's seed only).
    func landscape(
        _ net: AblationNet, seed: UInt64, data: AblationData,
        report: (Int, Int) -> Void, shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> LossLandscape? {
        let analysis = config.analysis
        let model = try trainedModel(net, seed: seed)
        let set = data.trainBatches(analysis.landscapeImages, batchSize: 256)
        let seeds = AblationSeeds(seed)
        return LossLandscape(
            model, net: net.name, on: set,
            directions: FilterNormalizedDirection(for: model, seed: seeds.landscapeDirections.0),
            FilterNormalizedDirection(for: model, seed: seeds.landscapeDirections.1),
            steps: analysis.landscapeSteps, gridSteps: analysis.landscapeGridSteps,
            progress: report, shouldStop: shouldStop)
    }

    /// A fresh net of `seed`, at its initial weights.
    func build(_ net: AblationNet, seed: UInt64, data: AblationData) -> ResNet {
        net.build(
            classes: data.train.classNames.count, inputChannels: data.train.channels,
            seed: AblationSeeds(seed).model)
    }
}

/// `4.2 s` or `1m05s`.
func formatSeconds(_ seconds: Double) -> String {
    seconds < 60 ? String(format: "%.1f s", seconds) : formatDuration(seconds)
}

/// The analysis files' names (`analysis/NAME.json`), written once for the list of analyses,
/// the runs that make them and the outputs that read them.
public enum AnalysisName {
    /// Gradient norms and block responses at initialisation.
    public static func initDiagnostics(seed: UInt64) -> String { "init-seed\(seed)" }
    /// The shattered-gradients correlations.
    public static func shattered(seed: UInt64) -> String { "shattered-seed\(seed)" }
    /// Responses and lesions of the trained nets.
    public static func trained(seed: UInt64) -> String { "trained-seed\(seed)" }
    /// The loss landscapes of the analysed pair.
    public static func landscape(seed: UInt64) -> String { "landscape-seed\(seed)" }
}

/// The analyses that measure nets at initialisation: they need no trained net, so they may
/// run beside the training, in a lane that has no net left to train
/// (``AblationRun/trainAll(estimate:analysesAlongside:shouldStop:)``).
enum UntrainedAnalysis: CaseIterable {
    case initDiagnostics, shattered

    /// Its file's name for `seed` (``AnalysisName``).
    func name(_ seed: UInt64) -> String {
        switch self {
        case .initDiagnostics: AnalysisName.initDiagnostics(seed: seed)
        case .shattered: AnalysisName.shattered(seed: seed)
        }
    }

    /// `init diagnostics, seed 0`: what the run's lines call it.
    func what(_ seed: UInt64) -> String {
        switch self {
        case .initDiagnostics: "init diagnostics, seed \(seed)"
        case .shattered: "shattered gradients, seed \(seed)"
        }
    }
}

/// The jobs of the analyses that run a net per lane, and the order the lanes take them in:
/// the costliest first (``LaneSchedule/longestFirst(_:)``, by a net's depth, the lesions'
/// far above the responses'), so the lanes finish close together. The run and its estimate
/// both use these.
enum AnalysisJobs {
    /// The init diagnostics: one job per net of `config.nets`, the deepest first.
    static func initOrder(_ config: AblationConfig) -> [Int] {
        LaneSchedule.longestFirst(config.nets.map { Double($0.depth) })
    }

    /// The shattered gradients: every depth of `shatteredDepths`, plain then residual.
    static func shatteredNets(_ config: AblationConfig) -> [AblationNet] {
        config.shatteredDepths.flatMap { depth in
            [false, true].map { AblationNet(depth: depth, residual: $0) }
        }
    }

    /// The shattered gradients' nets, the deepest first.
    static func shatteredOrder(_ config: AblationConfig) -> [Int] {
        LaneSchedule.longestFirst(shatteredNets(config).map { Double($0.depth) })
    }

    /// The responses of every trained net of `config.nets`, and the lesions of the analysed
    /// pair with them: the pair first (a lesion study scores about (blocks + 1) / 2 forward
    /// passes of `lesionImages`, a response one unfolded pass of `diagnosticImages`), then
    /// the deepest.
    static func trainedOrder(_ config: AblationConfig) -> [Int] {
        LaneSchedule.longestFirst(
            config.nets.map {
                Double($0.depth) * ($0.depth == config.analysedDepth ? 1000 : 1)
            })
    }
}
