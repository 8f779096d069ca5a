import Datasets
import Foundation
import NN
import Optim
import Randomness
import ResNetModels
import TensorCore

/// Trains a ResNet on an image data set: the loop of lesson 07 and `resnet-lab train`.
///
/// ```swift
/// var config = TrainingConfig()
/// config.epochs = 2
/// let (train, test) = try DatasetName.load(for: config)
/// let trainer = try Trainer(config: config, train: train, test: test)
/// let summary = try trainer.run()          // progress on the terminal, files in runs/train
/// print(trainer.history.epochs.last!.testAccuracy)
/// ```
///
/// Each epoch trains on every batch (forward, cross-entropy loss, backward, optimizer step,
/// scheduler step), then evaluates on the test set in eval mode without gradients: loss,
/// accuracy, per-class accuracy, confusion matrix. After each epoch the metrics files
/// (`metrics.csv`, `metrics.json`, `steps.csv`) and the checkpoint are rewritten in the
/// output directory; with `checkpointEvery` the checkpoint is also written every N steps.
///
/// **Exact resume.** Everything a step depends on is either saved in the checkpoint (weights
/// and batch-norm buffers, optimizer and scheduler state, the loader position, the step, the
/// sums of the epoch in progress, the history) or a pure function of the seed and the
/// position (the order of the examples, the augmentation). So a run resumed with
/// ``init(resuming:from:train:test:threads:maxSteps:)`` after any checkpoint ends with the
/// same weights and metrics, bit for bit, as a run that never stopped (the timings aside).
///
/// **Divergence guard.** A training loss that is NaN or infinite stops the run with
/// `TrainingError.diverged` (epoch, step, loss, learning rate and advice) before the bad
/// update is applied; so does a test loss that is not finite at the end of an epoch (before
/// that epoch's files and checkpoint are written), and weights are checked before every
/// checkpoint, so the last good checkpoint, whose numbers were all finite, is never
/// overwritten by a broken one.
public final class Trainer {
    /// The run's settings (for a resumed run: the checkpoint's, with its output directory).
    public internal(set) var config: TrainingConfig
    public let model: ResNet
    public let optimizer: Optimizer
    /// nil when the learning rate is constant.
    public let scheduler: LRScheduler?
    /// The (limited) training set, shuffled, augmented if asked, normalised.
    public let trainLoader: DataLoader
    /// The (limited) test set in order, normalised.
    public let testLoader: DataLoader
    /// The class names, indexed by label.
    public let classNames: [String]
    /// Per-channel mean and standard deviation of the training images: every image is
    /// normalised as `(x − mean) / std` before the model sees it.
    public let mean: [Float]
    public let std: [Float]
    public let seeds: TrainingSeeds
    /// Steps in the whole run: epochs × batches per epoch. `config.maxSteps` stops a session
    /// earlier without changing this (or the schedule, which is laid over all of them).
    public let totalSteps: Int

    /// Steps taken so far.
    public internal(set) var step = 0
    /// The batch to train on next.
    public internal(set) var position = DataLoader.Position(epoch: 0, batch: 0)
    /// Every step and every epoch so far.
    public internal(set) var history = TrainingHistory()
    /// The evaluation at the end of the last epoch of this session (with every prediction).
    public internal(set) var lastEvaluation: Evaluation?
    /// The tensors of `config.initialWeights` that did not fit the model (another shape) and
    /// kept their fresh weights: usually the classifier, for a new number of classes.
    public private(set) var skippedInitialWeights: [String] = []

    /// Where status and epoch lines go (a live line on a terminal, periodic lines in logs).
    public var progress = ProgressDisplay()

    /// Called once, right before the run writes its first file (the metrics or a
    /// checkpoint), then dropped. `resnet-lab train --overwrite` removes the old run's files
    /// here: only once everything about the new run has been checked and it has trained.
    public var beforeFirstWrite: (() throws(TrainingError) -> Void)?

    /// The sums of the epoch in progress.
    var epochInProgress = RunningMetrics()
    /// Wall-clock seconds of earlier sessions (from the checkpoint).
    var earlierSeconds = 0.0
    /// When the current `run` began, if one is running.
    var sessionStart: ContinuousClock.Instant?
    /// Steps and training seconds of the current `run`, for the speed and the ETA.
    var sessionSteps = 0
    var sessionTrainSeconds = 0.0
    /// The step of the last checkpoint written or loaded, for the divergence message.
    var lastCheckpointStep: Int?

    /// A new run.
    ///
    /// Applies the limits (`trainLimit`, `testLimit`: the first N images), computes the
    /// training images' mean and std, builds the loaders, the model, the optimizer, the schedule.
    ///
    /// - Parameters:
    ///   - config: the run's settings, checked here; its seed decides every random choice.
    ///   - train: the full training split (images in [0, 1]).
    ///   - test: the full test split.
    /// - Throws: `TrainingError.invalidConfiguration` for a bad setting, an unknown model
    ///   name, or data sets that do not fit together.
    public init(config: TrainingConfig, train: Dataset, test: Dataset) throws(TrainingError) {
        try config.validate()
        let trainSet = config.trainLimit.map { train.prefix($0) } ?? train
        let testSet = config.testLimit.map { test.prefix($0) } ?? test
        try requireSetting(trainSet.count > 0, "the training set (\(train.name)) is empty")
        try requireSetting(testSet.count > 0, "the test set (\(test.name)) is empty")
        try requireSetting(
            train.imageShape == test.imageShape && train.classNames == test.classNames,
            "the training set (\(train)) and the test set (\(test)) must have the same image "
                + "shape and classes")

        let (mean, std) = trainSet.channelStatistics()
        try requireSetting(
            std.allSatisfy { $0 > 0 },
            "the training images have a constant channel (std \(std)); they cannot be "
                + "normalised")
        // listing: augmentation
        var transforms: [Transform] = []
        if config.augment {
            try requireSetting(
                train.height == train.width,
                "--augment crops square images; these are \(train.height)×\(train.width)")
            let padding = train.height >= 32 ? 4 : 2
            transforms = [
                .randomCrop(size: train.height, padding: padding), .randomHorizontalFlip(),
            ]
        }
        // listing-end: augmentation
        let normalize = Transform.normalize(mean: mean, std: std)
        let seeds = TrainingSeeds(deriving: config.seed)
        let lastBatchIsOne = trainSet.count > 1 && trainSet.count % config.batchSize == 1
        if lastBatchIsOne && config.lastBatchOfOne == .error {
            throw .invalidConfiguration(
                "the \(trainSet.count) training images leave a last batch of one image "
                    + "(--batch-size \(config.batchSize)), which batch norm cannot normalise in "
                    + "training mode: change --train-limit or --batch-size, or pass "
                    + "--last-batch-of-one drop to leave that image out")
        }
        let trainLoader = DataLoader(
            trainSet, batchSize: config.batchSize, shuffle: true,
            dropLast: lastBatchIsOne && config.lastBatchOfOne == .drop, seed: seeds.data,
            transforms: transforms + [normalize])
        let testLoader = DataLoader(
            testSet, batchSize: config.batchSize, shuffle: false, transforms: [normalize])

        let classes = config.classes ?? train.classNames.count
        try requireSetting(
            classes >= train.classNames.count,
            "classes (\(classes)) must be at least the data set's \(train.classNames.count)")
        let architecture: ResNet.Configuration
        do {
            architecture = try .named(
                config.model, classes: classes, inputChannels: train.channels)
        } catch {
            throw .invalidConfiguration("--model: \(error)")
        }
        // Before anything is allocated: a model or a batch too large for this machine.
        try architecture.size(height: train.height, width: train.width).checkTraining(
            batch: min(config.batchSize, trainSet.count),
            optimizerBuffers: config.optimizerBufferCount,
            what: "\(config.model) on \(train.height)×\(train.width) images",
            available: MachineMemory.available)
        var generator = SeededGenerator(seed: seeds.model)
        let model = ResNet(architecture, generator: &generator)
        if let path = config.initialWeights {
            skippedInitialWeights = try Trainer.loadInitialWeights(path, into: model)
        }
        if let frozen = config.frozenModules {
            try Trainer.freeze(frozen, in: model)
        }

        let stepsPerEpoch = trainLoader.batchesPerEpoch
        let totalSteps = config.epochs * stepsPerEpoch
        let optimizer = try config.makeOptimizer(parameters: model.parameters)
        self.scheduler = try config.makeScheduler(
            for: optimizer, totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
        self.config = config
        self.model = model
        self.optimizer = optimizer
        self.trainLoader = trainLoader
        self.testLoader = testLoader
        self.classNames = train.classNames
        self.mean = mean
        self.std = std
        self.seeds = seeds
        self.totalSteps = totalSteps
    }

    /// The checkpoint file: `<outputDirectory>/checkpoint.safetensors`.
    public var checkpointPath: String {
        (config.outputDirectory as NSString).appendingPathComponent(Checkpoint.fileName)
    }

    /// Freezes the modules at `paths` (`--freeze`), refusing an empty path, a module
    /// without parameters (`relu`: nothing would change) and a list that leaves nothing to
    /// train.
    static func freeze(_ paths: [String], in model: ResNet) throws(TrainingError) {
        try requireSetting(
            !paths.isEmpty && !paths.contains(""),
            "--freeze takes module paths separated by commas, e.g. conv1,bn1,layer1; got an "
                + "empty one")
        for path in paths {
            let module: Module
            do {
                module = try model.module(at: path)
            } catch {
                throw .invalidConfiguration("--freeze: \(error)")
            }
            try requireSetting(
                !module.parameters.isEmpty,
                "--freeze \(path): '\(path)' (\(type(of: module))) has no parameters, so freezing "
                    + "it changes nothing; name modules with weights (e.g. conv1, bn1, layer1)")
            module.freeze()
        }
        try requireSetting(
            !model.trainableParameters.isEmpty,
            "--freeze \(paths.joined(separator: ",")) freezes every parameter of the model: "
                + "nothing is left to train. Leave at least one module (the head, fc) out")
    }

    /// Runs `beforeFirstWrite` if it has not run yet.
    func willWriteFiles() throws(TrainingError) {
        guard let hook = beforeFirstWrite else { return }
        beforeFirstWrite = nil
        try hook()
    }

    /// Whether every step has been taken.
    public var isFinished: Bool { step >= totalSteps }

    /// Whether this session has taken the steps `config.maxSteps` allows.
    var reachedMaxSteps: Bool { config.maxSteps.map { step >= $0 } ?? false }

}
