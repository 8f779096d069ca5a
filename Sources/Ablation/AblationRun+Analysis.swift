import Foundation
import ResNetModels
import TensorCore
import Training

/// The gradient correlation of nearby inputs against depth, plain and residual, for one
/// seed, at initialisation.
public struct ShatteredGradients: Codable, Equatable, Sendable {
    public var seed: UInt64
    public var depths: [Int]
    public var plain: [Double]
    public var residual: [Double]
    /// Image pairs each correlation averages over.
    public var pairs: Int
}

/// What the nets of one seed look like at initialisation: gradient per layer and block
/// responses, both on the same training batch in training mode.
public struct InitDiagnostics: Codable, Equatable, Sendable {
    public var seed: UInt64
    public var gradients: [GradientProfile]
    public var responses: [ResponseProfile]
}

/// The trained nets of one seed: block responses on test images in eval mode, and the
/// lesions of the deepest pair.
public struct TrainedDiagnostics: Codable, Equatable, Sendable {
    public var seed: UInt64
    public var responses: [ResponseProfile]
    public var lesions: [LesionProfile]
}

extension AblationRun {
    /// The depths of the shattered-gradients measurement: every sixth depth from 8 to the
    /// deepest of the run, and the run's own depths.
    public var shatteredDepths: [Int] {
        let deepest = config.depths.max() ?? 8
        return Array(Set(Array(stride(from: 8, through: deepest, by: 6)) + config.depths)).sorted()
    }

    /// The depth whose pair gets lesions and loss landscapes.
    public var analysedDepth: Int {
        config.analysis.landscapeDepth.flatMap { config.depths.contains($0) ? $0 : nil }
            ?? config.depths.max() ?? 8
    }

    /// Runs every analysis that is not yet in the directory: for each seed the init-time
    /// diagnostics, the shattered gradients and, once its nets are trained, the trained
    /// diagnostics and lesions; for the first seed the loss landscapes of the deepest pair.
    ///
    /// - Parameter shouldStop: asked between analyses; true stops (what is done is saved).
    /// - Returns: false when stopped.
    @discardableResult
    public func analyse(shouldStop: () -> Bool = { false }) throws(AblationError) -> Bool {
        let data = try data()
        let analysis = config.analysis
        return try withThreads { () throws(AblationError) -> Bool in
            for seed in config.seeds {
                try once("init-seed\(seed)", "init diagnostics, seed \(seed)") {
                    initDiagnostics(seed: seed, data: data)
                }
                if shouldStop() { return false }
                try once("shattered-seed\(seed)", "shattered gradients, seed \(seed)") {
                    shattered(seed: seed, data: data)
                }
                if shouldStop() { return false }
                try once(
                    "trained-seed\(seed)", "responses and lesions of the trained nets, seed \(seed)"
                ) {
                    () throws(AblationError) in try trainedDiagnostics(seed: seed, data: data)
                }
                if shouldStop() { return false }
            }
            let seed = config.seeds[0]
            let landscapePath = directory.analysisPath("landscape-seed\(seed)")
            if !analysis.skipLandscape && !directory.exists(landscapePath) {
                let start = ContinuousClock.now
                var landscapes: [LossLandscape] = []
                for residual in [false, true] {
                    let net = AblationNet(depth: analysedDepth, residual: residual)
                    landscapes.append(try landscape(net, seed: seed, data: data))
                    if shouldStop() { return false }
                }
                try directory.writeJSON(landscapes, to: landscapePath)
                note(
                    "loss landscapes of the depth-\(analysedDepth) pair, seed \(seed)", since: start
                )
            }
            return true
        }
    }

    private func note(_ what: String, since start: ContinuousClock.Instant) {
        progress.line("\(what): \(formatSeconds(seconds(from: start, to: .now)))")
        progress.restartInterval()
    }

    /// Computes and writes `analysis/<name>.json` unless it is already there.
    private func once<T: Encodable>(
        _ name: String, _ what: String, _ compute: () throws(AblationError) -> T
    ) throws(AblationError) {
        let path = directory.analysisPath(name)
        guard !directory.exists(path) else { return }
        let start = ContinuousClock.now
        try directory.writeJSON(try compute(), to: path)
        note(what, since: start)
    }

    /// Gradient per layer and block responses of every net of `seed` at initialisation.
    func initDiagnostics(seed: UInt64, data: AblationData) -> InitDiagnostics {
        let batch = data.train.prefix(config.analysis.diagnosticImages)
        let images = batch.allImages()
        let labels = batch.labels
        var gradients: [GradientProfile] = []
        var responses: [ResponseProfile] = []
        for net in config.nets {
            progress.status("init diagnostics, seed \(seed): \(net.name)")
            let model = build(net, seed: seed, data: data)
            responses.append(Diagnostics.responseProfile(model, net: net.name, images: images))
            let fresh = build(net, seed: seed, data: data)
            gradients.append(
                Diagnostics.gradientProfile(fresh, net: net.name, images: images, labels: labels))
        }
        return InitDiagnostics(seed: seed, gradients: gradients, responses: responses)
    }

    /// The gradient correlation of nearby inputs at initialisation, at `shatteredDepths`.
    func shattered(seed: UInt64, data: AblationData) -> ShatteredGradients {
        let pairs = config.analysis.shatteredPairs
        let images = Diagnostics.neighbourPairs(data.train.prefix(pairs).allImages())
        var plain: [Double] = []
        var residual: [Double] = []
        for depth in shatteredDepths {
            for isResidual in [false, true] {
                let net = AblationNet(depth: depth, residual: isResidual)
                progress.status("shattered gradients, seed \(seed): \(net.name)")
                let model = build(net, seed: seed, data: data)
                let value = Diagnostics.gradientCorrelation(
                    model, images: images, readoutSeed: AblationSeeds(seed).model &+ 1)
                if isResidual { residual.append(value) } else { plain.append(value) }
            }
        }
        return ShatteredGradients(
            seed: seed, depths: shatteredDepths, plain: plain, residual: residual, pairs: pairs)
    }

    /// Responses of every trained net of `seed` and lesions of the analysed pair.
    func trainedDiagnostics(seed: UInt64, data: AblationData) throws(AblationError)
        -> TrainedDiagnostics
    {
        let images = data.test.prefix(config.analysis.diagnosticImages).allImages()
        let lesionSet = data.testBatches(config.analysis.lesionImages)
        var responses: [ResponseProfile] = []
        var lesions: [LesionProfile] = []
        for net in config.nets {
            progress.status("trained nets, seed \(seed): responses of \(net.name)")
            let model = try trainedModel(net, seed: seed)
            responses.append(Diagnostics.responseProfile(model, net: net.name, images: images))
            if net.depth == analysedDepth {
                progress.status("trained nets, seed \(seed): lesions of \(net.name)")
                lesions.append(LesionProfile(model, net: net.name, on: lesionSet))
            }
        }
        return TrainedDiagnostics(seed: seed, responses: responses, lesions: lesions)
    }

    /// The loss landscape of one trained net. Both nets of a depth get the same Gaussian
    /// draws (the directions' seeds depend on the run's seed only).
    func landscape(_ net: AblationNet, seed: UInt64, data: AblationData) throws(AblationError)
        -> LossLandscape
    {
        let analysis = config.analysis
        let model = try trainedModel(net, seed: seed)
        let set = data.trainBatches(analysis.landscapeImages, batchSize: 256)
        let seeds = AblationSeeds(seed)
        return LossLandscape(
            model, net: net.name, on: set,
            directions: FilterNormalizedDirection(for: model, seed: seeds.model &+ 2),
            FilterNormalizedDirection(for: model, seed: seeds.model &+ 3),
            steps: LossLandscape.steps(
                count: analysis.landscapePoints, radius: analysis.landscapeRadius),
            gridSteps: LossLandscape.steps(
                count: analysis.landscapeGrid, radius: analysis.landscapeRadius),
            progress: { done, total in
                progress.status("loss landscape of \(net.name): \(done)/\(total) points")
            })
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
