import Foundation
import Training

extension LandscapeComparison {
    /// The ablation run, net and seed a weights file belongs to:
    /// `RUN/nets/res-56-seed3.safetensors` → (`RUN`, res-56, 3).
    /// - Throws: `AblationError.invalidConfiguration` naming the path when it is not a net of
    ///   an ablation run's `nets` folder.
    public static func locate(_ weights: String) throws(AblationError) -> (
        run: String, net: AblationNet, seed: UInt64
    ) {
        let url = URL(fileURLWithPath: weights)
        let file = url.deletingPathExtension().lastPathComponent
        let folder = url.deletingLastPathComponent()
        let usage =
            "'\(weights)' is not the weights of an ablation net: expected "
            + "RUN/nets/<plain|res>-<depth>-seed<k>.safetensors, as `resnet-lab ablate` writes"
        guard url.pathExtension == "safetensors", folder.lastPathComponent == "nets",
            let cut = file.range(of: "-seed", options: .backwards),
            let net = AblationNet(name: String(file[..<cut.lowerBound])),
            let seed = UInt64(file[cut.upperBound...])
        else { throw .invalidConfiguration(usage) }
        return (folder.deletingLastPathComponent().path, net, seed)
    }

    /// Measures the landscapes of the nets in `weights` not yet in `existing`, pair by pair,
    /// and returns the whole comparison (nil when stopped).
    ///
    /// Every net is scored on the first `settings.images` training images of its own run's
    /// data; the runs must agree on those data (their `data.json`: the same images,
    /// normalised the same way) so that every point is measured on the same inputs.
    ///
    /// - Parameters:
    ///   - weights: the nets' weights files, in an ablation run's `nets` folder (``locate(_:)``).
    ///   - settings: how to measure; must equal `existing`'s settings.
    ///   - existing: a comparison measured before with the same settings (a resume): the
    ///     landscapes it holds for the nets in `weights` are kept, the rest are measured.
    ///   - dataDirectory: where the data are, overriding the runs' own (`--data-dir`).
    ///   - loaded: the data of every run, if already loaded (tests); nil: each run's own.
    ///   - save: called after each landscape with the comparison so far (to write it).
    ///   - progress: status lines.
    ///   - shouldStop: asked before each distinct point of a landscape; true gives up,
    ///     keeping what `save` wrote.
    /// - Throws: `AblationError.invalidConfiguration` for bad settings, a path that is not an
    ///   ablation net, or `existing` with other settings; `.cannotRead` for a missing run file
    ///   or weights; `.badData` when the runs' data differ.
    public static func measure(
        weights: [String], settings: Settings, existing: LandscapeComparison? = nil,
        dataDirectory: String? = nil, data loaded: AblationData? = nil,
        save: (LandscapeComparison) throws(AblationError) -> Void,
        progress: ProgressDisplay = ProgressDisplay(), shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> LandscapeComparison? {
        try settings.validate()
        try require(!weights.isEmpty, "name at least one net's weights (--net)")
        try require(
            Set(weights).count == weights.count,
            "a net is named twice: \(weights.joined(separator: ", "))")
        if let existing, existing.settings != settings {
            throw .invalidConfiguration(
                "the output already holds a comparison measured with other settings "
                    + "(\(existing.settings) there, \(settings) now): choose another --out, or "
                    + "repeat its settings to continue it")
        }
        var comparison = LandscapeComparison(settings: settings)
        // One run (and one load of its data) per directory, however many of its nets are named.
        var runs: [String: AblationRun] = [:]
        var first: (path: String, run: AblationRun, data: AblationData)?
        for path in weights {
            let (runPath, net, seed) = try locate(path)
            let run: AblationRun
            if let known = runs[runPath] {
                run = known
            } else {
                let directory = RunDirectory(runPath)
                var config = try directory.readJSON(AblationConfig.self, from: directory.configPath)
                if let dataDirectory { config.dataDirectory = dataDirectory }
                run = try AblationRun(
                    config: config, directory: runPath, data: loaded, progress: progress)
                runs[runPath] = run
            }
            let record = try run.result(net, seed: seed)
            let data = try run.data()
            if let first {
                guard first.data.mean == data.mean, first.data.std == data.std,
                    first.data.train.count == data.train.count,
                    first.run.config.dataset == run.config.dataset
                else {
                    throw .badData(
                        "'\(runPath)' and '\(first.path)' were trained on different data (their "
                            + "data.json differ): their nets cannot be measured on the same images")
                }
            } else {
                first = (runPath, run, data)
            }
            var entry =
                existing?.nets.first { $0.weights == path }
                ?? Entry(
                    weights: path, net: net.name, seed: seed, iterations: record.iterations,
                    trainingError: record.finalTraining(window: min(20, record.iterations))
                        .trainError,
                    testError: record.test.error, landscapes: [])
            if entry.landscapes.count < settings.directionPairs {
                let model = try run.trainedModel(net, seed: seed)
                let set = data.trainBatches(settings.images, batchSize: 256)
                let steps = LossLandscape.steps(
                    count: settings.slicePoints, radius: settings.radius)
                let gridSteps = LossLandscape.steps(
                    count: settings.gridPoints, radius: settings.radius)
                for pair in entry.landscapes.count..<settings.directionPairs {
                    let seeds = settings.directionSeeds(pair: pair)
                    guard
                        let landscape = LossLandscape(
                            model, net: net.name, on: set,
                            directions: FilterNormalizedDirection(for: model, seed: seeds.0),
                            FilterNormalizedDirection(for: model, seed: seeds.1),
                            steps: steps, gridSteps: gridSteps,
                            progress: { done, total in
                                progress.status(
                                    "\(entry.label), directions \(pair + 1) of "
                                        + "\(settings.directionPairs): \(done)/\(total) points")
                            }, shouldStop: shouldStop)
                    else { return nil }
                    entry.landscapes.append(landscape)
                    try save(
                        LandscapeComparison(settings: settings, nets: comparison.nets + [entry]))
                }
            }
            comparison.nets.append(entry)
        }
        try save(comparison)
        return comparison
    }
}
