import Datasets
import Foundation
import NN
import Optim
import ResNetModels
import Training

/// Everything that decides an ablation run: which nets, how long each trains, the recipe,
/// how training and test error are logged, and how large the after-training analyses are.
/// Every `resnet-lab ablate` flag sets one field (named beside it below).
///
/// The recipe is the one of He et al. (2015), section 4.2, at a budget that fits a laptop:
/// batch 128, SGD with momentum 0.9 and weight decay 1e-4, learning rate 0.1 held constant,
/// then a tenth of it for the last `decayIterations` steps (the paper divides it by 10 at 32k
/// and 48k iterations of a 64k run; we train hundreds, not tens of thousands). A longer run
/// can cut twice as the paper does: `finalDecayIterations` of the decayed steps then run at a
/// hundredth.
///
/// Codable: `config.json` in the output directory records it, so a rerun with the same
/// `--out` knows which finished nets it can reuse and refuses to mix in another recipe.
public struct AblationConfig: Codable, Equatable, Sendable {
    /// `--depths`: weighted layers of each pair of nets (even, ≥ 8).
    public var depths = [18, 34, 56]
    /// `--seeds`: one full set of nets per seed.
    public var seeds: [UInt64] = [0]
    /// `--iterations`: SGD steps per net.
    public var iterations = 300
    /// `--decay-iterations`: the last N steps run at a tenth of the learning rate (0: none).
    public var decayIterations = 50
    /// `--final-decay-iterations`: the last N steps run at a hundredth of the learning rate,
    /// a second cut inside the first (nil: one cut). Optional so that a `config.json` written
    /// before it existed still reads, and one with a single cut reads the same as before.
    public var finalDecayIterations: Int?
    /// `--batch-size`: images per step.
    public var batchSize = 128
    /// `--lr`: the learning rate before the decay.
    public var learningRate = 0.1
    /// SGD momentum.
    public var momentum = 0.9
    /// L2 weight decay.
    public var weightDecay = 1e-4
    /// `--window`: steps per point of the training curve (each point is the mean training
    /// error and loss of the last `window` batches).
    public var window = 20
    /// `--evaluations`: test-error measurements along the way, evenly spaced, the last at
    /// the end of training.
    public var evaluations = 4
    /// Test images for the measurements along the way (the first N of the test set).
    public var evaluationImages = 1000
    /// `--test-limit`: test images for the final test error (nil: all of them).
    public var testLimit: Int?
    /// `--train-limit`: train on the first N training images only (nil: all).
    public var trainLimit: Int?
    /// `--dataset`: the data set to train and test on (default Fashion-MNIST).
    public var dataset: DatasetName = .fashionMNIST
    /// `--data-dir`: where the data set's files are (nil: the default places). Not part of
    /// the recipe: the data are checked through their statistics instead.
    public var dataDirectory: String?

    /// After training: the analyses of the trained nets.
    public var analysis = AnalysisConfig()

    /// The default run: depths 18, 34 and 56, seed 0, 300 steps of 128 images with the last 50
    /// at a tenth of the rate, on all of Fashion-MNIST; each field's default is beside it.
    public init() {}

    /// The quick run of `--quick`: shallow nets, few steps, a tenth of the data; under a
    /// minute on two cores.
    public static var quick: AblationConfig {
        var config = AblationConfig()
        config.depths = [8, 14]
        config.iterations = 60
        config.decayIterations = 10
        config.batchSize = 64
        config.window = 10
        config.evaluations = 2
        config.evaluationImages = 500
        config.testLimit = 1000
        config.trainLimit = 6000
        config.analysis = .quick
        return config
    }

    /// Every net of the run, seed by seed, shallow to deep, plain before residual.
    public var runs: [(net: AblationNet, seed: UInt64)] {
        seeds.flatMap { seed in nets.map { (net: $0, seed: seed) } }
    }

    /// The nets of one seed, shallow to deep, plain before residual.
    public var nets: [AblationNet] {
        depths.sorted().flatMap {
            [AblationNet(depth: $0, residual: false), .init(depth: $0, residual: true)]
        }
    }

    /// The iterations at which test error is measured along the way.
    public var evaluationIterations: [Int] {
        (1...evaluations).map { iterations * $0 / evaluations }
    }

    /// The step from which the learning rate is a tenth (== `iterations` when there is no
    /// decay).
    public var decayStart: Int { iterations - decayIterations }

    /// The step from which the learning rate is a hundredth (== `iterations` when there is
    /// no second cut).
    public var finalDecayStart: Int { iterations - (finalDecayIterations ?? 0) }

    /// The learning rate of step `step` (counted from 0).
    public func learningRate(atStep step: Int) -> Double {
        step < decayStart
            ? learningRate : step < finalDecayStart ? learningRate / 10 : learningRate / 100
    }

    /// The recipe's optimizer for `model`'s parameters: SGD with `learningRate`, `momentum`
    /// and `weightDecay` (the rate of later steps is set by `learningRate(atStep:)`).
    /// - Parameter model: the net to train.
    /// - Throws: `AblationError.invalidConfiguration` with SGD's reason when it refuses the
    ///   settings (a negative momentum, say).
    public func makeOptimizer(for model: Module) throws(AblationError) -> SGD {
        do {
            return try SGD(
                parameters: model.parameters, learningRate: learningRate, momentum: momentum,
                weightDecay: weightDecay)
        } catch {
            throw .invalidConfiguration("\(error)")
        }
    }

    /// The schedule in words: "lr 0.1, the last 50 steps at 0.01".
    public var scheduleDescription: String {
        var text = "lr \(learningRate), the last \(decayIterations) steps at \(learningRate / 10)"
        if let finalDecayIterations {
            text += " and the last \(finalDecayIterations) of those at \(learningRate / 100)"
        }
        return text
    }

    /// Checks every setting on its own.
    /// - Throws: `AblationError.invalidConfiguration` naming the setting and its flag.
    public func validate() throws(AblationError) {
        try require(!depths.isEmpty, "--depths must name at least one depth")
        for depth in depths {
            try require(
                depth <= ResNet.Configuration.maximumDepth,
                "--depths: \(depth) is deeper than the \(ResNet.Configuration.maximumDepth) layers "
                    + "this course builds")
            try require(
                ResNet.Configuration.ablationDepthIsValid(depth),
                "--depths: each depth must be even and ≥ 8 (2 per block, one block per "
                    + "stage, plus the stem and fc), got \(depth)")
        }
        try require(
            Set(depths).count == depths.count, "--depths has a repeated depth: \(depths)")
        try require(!seeds.isEmpty, "--seeds must name at least one seed")
        try require(
            Set(seeds).count == seeds.count, "--seeds has a repeated seed: \(seeds)")
        try require(iterations >= 1, "--iterations must be ≥ 1, got \(iterations)")
        try require(
            decayIterations >= 0 && decayIterations < iterations,
            "--decay-iterations must be ≥ 0 and below the iterations "
                + "(\(iterations)), got \(decayIterations)")
        if let finalDecayIterations {
            try require(
                finalDecayIterations >= 1 && finalDecayIterations < decayIterations,
                "--final-decay-iterations must be ≥ 1 and below --decay-iterations "
                    + "(\(decayIterations)), got \(finalDecayIterations)")
        }
        try require(batchSize >= 2, "--batch-size must be ≥ 2, got \(batchSize)")
        try require(
            learningRate > 0 && learningRate.isFinite,
            "--lr must be a finite number > 0, got \(learningRate)")
        try require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got \(momentum)")
        try require(
            weightDecay >= 0 && weightDecay.isFinite, "weightDecay must be ≥ 0, got \(weightDecay)")
        try require(
            window >= 1 && window <= iterations,
            "--window must be between 1 and the iterations (\(iterations)), got \(window)")
        try require(
            evaluations >= 1 && evaluations <= iterations,
            "--evaluations must be between 1 and the iterations (\(iterations)), "
                + "got \(evaluations)")
        try require(
            evaluationImages >= 1, "evaluationImages must be ≥ 1, got \(evaluationImages)")
        if let testLimit {
            try require(testLimit >= 1, "--test-limit must be ≥ 1, got \(testLimit)")
        }
        if let trainLimit {
            try require(
                trainLimit >= batchSize,
                "--train-limit must be at least one batch (\(batchSize)), got "
                    + "\(trainLimit)")
        }
        try analysis.validate()
    }

    /// The settings that are not the recipe: which nets and seeds to run, where the data is,
    /// and whether to skip the landscape (the analyses saved must agree in size, not in
    /// whether one was skipped). Every other field, a new one included, is compared.
    static let notRecipe: Set<String> = [
        "depths", "seeds", "data_directory", "analysis.skip_landscape",
    ]

    /// What the recipe's fields are called in a message: the flag where there is one, else
    /// the field's name in config.json with spaces.
    static let recipeNames = [
        "learning_rate": "lr", "batch_size": "batch-size", "decay_iterations": "decay-iterations",
        "final_decay_iterations": "final-decay-iterations", "weight_decay": "weight-decay",
        "evaluation_images": "evaluation-images", "test_limit": "test-limit",
        "train_limit": "train-limit", "analysis.landscape_points": "landscape-points",
        "analysis.landscape_grid": "landscape-grid",
    ]

    /// The recipe settings that differ from `other`'s, as `name ours vs theirs` (`lr 0.1 vs
    /// 0.05`): every field of the two configurations as config.json stores them
    /// (`RecordJSON`), but those in `notRecipe`; an absent optional reads "none".
    public func recipeDifferences(from other: AblationConfig) -> [String] {
        func fields(_ config: AblationConfig) -> [String: String] {
            guard let data = try? RunDirectory.encoder.encode(config),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { fatalError("AblationConfig: cannot encode \(config)") }
            var fields: [String: String] = [:]
            func add(_ object: [String: Any], prefix: String) {
                for (key, value) in object {
                    if let nested = value as? [String: Any] {
                        add(nested, prefix: prefix + key + ".")
                    } else {
                        fields[prefix + key] = "\(value)"
                    }
                }
            }
            add(object, prefix: "")
            return fields
        }
        let (ours, theirs) = (fields(self), fields(other))
        let keys = Set(ours.keys).union(theirs.keys).subtracting(Self.notRecipe)
        return keys.sorted().compactMap { key in
            let (a, b) = (ours[key] ?? "none", theirs[key] ?? "none")
            guard a != b else { return nil }
            let name =
                Self.recipeNames[key]
                ?? key.replacingOccurrences(of: "analysis.", with: "")
                .replacingOccurrences(of: "_", with: " ")
            return "\(name) \(a) vs \(b)"
        }
    }
}

/// The sizes of the analyses run on the nets before and after training.
public struct AnalysisConfig: Codable, Equatable, Sendable {
    /// Training images in the batch the init-time diagnostics use (gradient norms, block
    /// responses).
    public var diagnosticImages = 128
    /// Pairs of nearby inputs for the shattered-gradients correlation.
    public var shatteredPairs = 128
    /// Test images each lesion is scored on.
    public var lesionImages = 1000
    /// Training images the loss landscape is measured on (a fixed subset).
    public var landscapeImages = 256
    /// `--landscape-points`: points along the 1D slice, from −radius to +radius.
    public var landscapePoints = 21
    /// `--landscape-grid`: points per side of the 2D grid.
    public var landscapeGrid = 11
    /// How far the slices reach, in units of the filter-normalised direction.
    public var landscapeRadius = 1.0
    /// The depth whose plain and residual nets get the loss landscape (nil: the deepest).
    public var landscapeDepth: Int?
    /// `--no-landscape`: skip the loss landscape.
    public var skipLandscape = false

    /// The steps α of the loss landscape's 1D slice: `landscapePoints` from −radius to radius.
    public var landscapeSteps: [Double] {
        LossLandscape.steps(count: landscapePoints, radius: landscapeRadius)
    }

    /// The steps along each axis of the loss landscape's grid: `landscapeGrid` from −radius to
    /// radius.
    public var landscapeGridSteps: [Double] {
        LossLandscape.steps(count: landscapeGrid, radius: landscapeRadius)
    }

    /// The full-size analyses; each field's default is beside it.
    public init() {}

    /// Small sizes for `--quick`.
    public static var quick: AnalysisConfig {
        var config = AnalysisConfig()
        config.diagnosticImages = 32
        config.shatteredPairs = 64
        config.lesionImages = 300
        config.landscapeImages = 128
        config.landscapePoints = 9
        config.landscapeGrid = 5
        return config
    }

    func validate() throws(AblationError) {
        try require(diagnosticImages >= 2, "diagnosticImages must be ≥ 2, got \(diagnosticImages)")
        try require(shatteredPairs >= 2, "shatteredPairs must be ≥ 2, got \(shatteredPairs)")
        try require(lesionImages >= 1, "lesionImages must be ≥ 1, got \(lesionImages)")
        try require(landscapeImages >= 1, "landscapeImages must be ≥ 1, got \(landscapeImages)")
        try require(
            landscapePoints >= 3 && landscapePoints % 2 == 1,
            "--landscape-points must be odd and ≥ 3 (so 0 is a point), got "
                + "\(landscapePoints)")
        try require(
            landscapeGrid >= 3 && landscapeGrid % 2 == 1,
            "--landscape-grid must be odd and ≥ 3, got \(landscapeGrid)")
        try require(
            landscapeRadius > 0 && landscapeRadius.isFinite,
            "landscapeRadius must be > 0, got \(landscapeRadius)")
    }
}
