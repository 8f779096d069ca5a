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
/// `init(resuming:from:train:test:)` after any checkpoint ends with the same weights and the
/// same metrics, bit for bit, as a run that never stopped (the timings aside).
///
/// **Divergence guard.** A training loss that is NaN or infinite stops the run with
/// `TrainingError.diverged` (epoch, step, loss, learning rate and advice) before the bad
/// update is applied; so does a test loss that is not finite at the end of an epoch (before
/// that epoch's files and checkpoint are written), and weights are checked before every
/// checkpoint, so the last good checkpoint, whose numbers were all finite, is never
/// overwritten by a broken one.
public final class Trainer {
    /// The run's settings (for a resumed run: the checkpoint's, with its output directory).
    public private(set) var config: TrainingConfig
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
    public private(set) var step = 0
    /// The batch to train on next.
    public private(set) var position = DataLoader.Position(epoch: 0, batch: 0)
    /// Every step and every epoch so far.
    public private(set) var history = TrainingHistory()
    /// The evaluation at the end of the last epoch of this session (with every prediction).
    public private(set) var lastEvaluation: Evaluation?

    /// Where status and epoch lines go (a live line on a terminal, periodic lines in logs).
    public var progress = ProgressDisplay()

    /// The sums of the epoch in progress.
    private var epochInProgress = RunningMetrics()
    /// Wall-clock seconds of earlier sessions (from the checkpoint).
    private var earlierSeconds = 0.0
    /// When the current `run` began, if one is running.
    private var sessionStart: ContinuousClock.Instant?
    /// Steps and training seconds of the current `run`, for the speed and the ETA.
    private var sessionSteps = 0
    private var sessionTrainSeconds = 0.0
    /// The step of the last checkpoint written or loaded, for the divergence message.
    private var lastCheckpointStep: Int?

    /// A new run.
    ///
    /// Applies the limits (`trainLimit`, `testLimit`: the first N images), computes the
    /// training images' mean and standard deviation, builds the loaders, the model (seeded
    /// by `seeds.model`), the optimizer and the schedule.
    ///
    /// - Parameters:
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

    /// Continues the run saved in `checkpoint`, read from `path`, with the checkpoint's
    /// settings. Files go to the checkpoint's directory.
    ///
    /// - Parameters:
    ///   - train, test: the same data the run started with (checked through the training
    ///     images' mean and standard deviation).
    ///   - threads: a new thread count (the numbers do not depend on it); nil: the saved one.
    ///   - maxSteps: where this session stops (`--max-steps`, counted from the run's start);
    ///     nil: at the end of the run. The saved run's own `maxSteps` has done its work.
    /// - Throws: `TrainingError.badCheckpoint` naming the file when the checkpoint does not
    ///   fit (other weights, another optimizer, other data); `.invalidConfiguration` for a
    ///   `maxSteps` the checkpoint has already reached.
    public convenience init(
        resuming checkpoint: Checkpoint, from path: String, train: Dataset, test: Dataset,
        threads: Int? = nil, maxSteps: Int? = nil
    ) throws(TrainingError) {
        let state = checkpoint.state
        var config = state.config
        config.outputDirectory = (path as NSString).deletingLastPathComponent
        if config.outputDirectory.isEmpty { config.outputDirectory = "." }
        if let threads { config.threads = threads }
        if let maxSteps {
            try requireSetting(
                maxSteps > state.step,
                "--max-steps \(maxSteps) is not beyond the checkpoint's step \(state.step): give a "
                    + "later step, or leave it out to train to the end")
        }
        config.maxSteps = maxSteps
        try self.init(config: config, train: train, test: test)

        func refuse(_ reason: String) -> TrainingError {
            .badCheckpoint(path: path, reason: reason)
        }
        guard state.mean == mean && state.std == std && state.classNames == classNames else {
            throw refuse(
                "the training data differ from the run's (mean \(mean), std \(std) now; "
                    + "\(state.mean), \(state.std) then): use the same data set, --data-dir "
                    + "and --train-limit")
        }
        do {
            try model.loadStateDict(checkpoint.weights)
        } catch {
            throw refuse("its weights do not fit \(config.model): \(error)")
        }
        do {
            try optimizer.load(state.optimizer)
            switch (scheduler, state.scheduler) {
            case (let scheduler?, let saved?): try scheduler.load(saved)
            case (nil, nil): break
            default: throw OptimError("the saved schedule does not match \(config.schedule)")
            }
        } catch {
            throw refuse("\(error)")
        }
        guard state.step <= totalSteps else {
            throw refuse("it is at step \(state.step), past the run's \(totalSteps) steps")
        }
        step = state.step
        position = state.position
        epochInProgress = state.epochInProgress
        history = state.history
        earlierSeconds = state.elapsedSeconds
        lastCheckpointStep = state.step
    }

    /// Reads the checkpoint at `path` and continues its run (see
    /// `init(resuming:from:train:test:threads:)`).
    public convenience init(
        resumingFrom path: String, train: Dataset, test: Dataset, threads: Int? = nil,
        maxSteps: Int? = nil
    ) throws(TrainingError) {
        try self.init(
            resuming: try Checkpoint.read(from: path), from: path, train: train, test: test,
            threads: threads, maxSteps: maxSteps)
    }

    /// The checkpoint file: `<outputDirectory>/checkpoint.safetensors`.
    public var checkpointPath: String {
        (config.outputDirectory as NSString).appendingPathComponent(Checkpoint.fileName)
    }

    /// Whether every step has been taken.
    public var isFinished: Bool { step >= totalSteps }

    /// Whether this session has taken the steps `config.maxSteps` allows.
    private var reachedMaxSteps: Bool { config.maxSteps.map { step >= $0 } ?? false }

    // MARK: - The loop

    /// Trains until the run is complete: every epoch, each followed by an evaluation, the
    /// metrics files and a checkpoint. With `config.maxSteps`, stops after that step as a
    /// Ctrl-C does (a checkpoint there, `finished == false`, `stoppedAtMaxSteps`): the
    /// schedule is the full run's, and a resumed run ends exactly as an unbroken one.
    ///
    /// - Parameters:
    ///   - stop: stop (without a checkpoint, as if killed) before training step `stop + 1`;
    ///     resume then from the last checkpoint written. nil: run to the end.
    ///   - shouldStop: asked after every step; when it returns true the run writes a
    ///     checkpoint at that step and returns (`finished == false`), so a Ctrl-C loses
    ///     nothing and `--resume` continues from exactly there.
    /// - Returns: the step reached, the last test accuracy and the time taken.
    /// - Throws: `TrainingError.diverged` when the loss stops being finite (the last good
    ///   checkpoint is kept), `.cannotWrite` when a file cannot be written.
    @discardableResult
    public func run(
        stoppingAfterStep stop: Int? = nil, shouldStop: () -> Bool = { false }
    ) throws(TrainingError) -> TrainingSummary {
        let start = ContinuousClock.now
        sessionStart = start
        sessionSteps = 0
        sessionTrainSeconds = 0
        defer {
            earlierSeconds += seconds(from: start, to: .now)
            sessionStart = nil
        }
        try createOutputDirectory()
        let finished = try withThreads { () throws(TrainingError) -> Bool in
            while step < totalSteps {
                let epoch = position.epoch
                model.train()
                var stepStart = ContinuousClock.now
                for batch in trainLoader.epoch(epoch, startingAt: position.batch) {
                    if let stop, step >= stop { return false }
                    try trainStep(on: batch)
                    let now = ContinuousClock.now
                    epochInProgress.seconds += seconds(from: stepStart, to: now)
                    sessionTrainSeconds += seconds(from: stepStart, to: now)
                    sessionSteps += 1
                    stepStart = now
                    progress.status(statusLine())
                    let midEpoch = position.batch != 0 && step < totalSteps
                    if midEpoch && (shouldStop() || reachedMaxSteps) {
                        try saveCheckpoint()
                        return false
                    }
                    if let every = config.checkpointEvery, step % every == 0, midEpoch {
                        try saveCheckpoint()
                    }
                }
                try finishEpoch(epoch)  // writes the checkpoint
                if step < totalSteps && (shouldStop() || reachedMaxSteps) { return false }
            }
            return true
        }
        return TrainingSummary(
            finished: finished, stoppedAtMaxSteps: !finished && reachedMaxSteps, step: step,
            totalSteps: totalSteps,
            epochs: history.epochs.count, lastEpoch: history.epochs.last,
            seconds: seconds(from: start, to: .now), checkpointPath: checkpointPath)
    }

    /// One step on one batch: forward, loss, backward, update, schedule, and the log.
    private func trainStep(on batch: DataLoader.Batch) throws(TrainingError) {
        // listing: trainer-step
        let learningRate = optimizer.learningRates[0]
        optimizer.zeroGrad()
        let logits = model(batch.images)
        let loss = crossEntropy(logits: logits, targets: batch.labels)
        let lossValue = loss.scalar
        guard lossValue.isFinite else {
            throw .diverged(
                epoch: batch.position.epoch + 1, step: step + 1, value: .trainingLoss(lossValue),
                learningRate: learningRate, configuredRate: config.learningRate,
                lastCheckpoint: lastCheckpointDescription)
        }
        loss.backward()
        optimizer.step()
        scheduler?.step()
        step += 1
        position = trainLoader.position(after: batch.position)
        // listing-end: trainer-step

        let correct = zip(logits.argmax(axis: 1), batch.labels).count { $0 == $1 }
        epochInProgress.lossSum += Double(lossValue) * Double(batch.count)
        epochInProgress.correct += correct
        epochInProgress.examples += batch.count
        history.steps.append(
            StepMetrics(
                step: step, epoch: batch.position.epoch + 1, loss: lossValue,
                accuracy: Double(correct) / Double(batch.count), learningRate: learningRate))
    }

    /// The end of an epoch (or of the run, inside one): evaluate, log, write the files.
    private func finishEpoch(_ epoch: Int) throws(TrainingError) {
        try checkWeightsAreFinite()
        let start = ContinuousClock.now
        let evaluation = evaluate()
        // Finite weights can still give a NaN or infinite test loss (batch norm's running
        // variance overflowing, logits too large): stop here, before this epoch's files and
        // checkpoint replace the last good ones.
        guard evaluation.loss.isFinite else {
            throw .diverged(
                epoch: epoch + 1, step: step, value: .testLoss(evaluation.loss),
                learningRate: history.steps.last?.learningRate ?? optimizer.learningRates[0],
                configuredRate: config.learningRate, lastCheckpoint: lastCheckpointDescription)
        }
        let metrics = EpochMetrics(
            epoch: epoch + 1, step: step, trainExamples: epochInProgress.examples,
            learningRate: history.steps.last?.learningRate ?? optimizer.learningRates[0],
            trainLoss: epochInProgress.meanLoss, trainAccuracy: epochInProgress.accuracy,
            testLoss: evaluation.loss, testAccuracy: evaluation.accuracy,
            perClassAccuracy: evaluation.perClassAccuracy,
            confusionMatrix: evaluation.confusionMatrix, trainSeconds: epochInProgress.seconds,
            evaluationSeconds: seconds(from: start, to: .now))
        history.epochs.append(metrics)
        epochInProgress = RunningMetrics()
        lastEvaluation = evaluation
        progress.line(epochLine(metrics))
        progress.restartInterval()
        try MetricsFiles.write(
            history: history, config: config, classNames: classNames,
            to: config.outputDirectory)
        try saveCheckpoint()
    }

    /// Evaluates the model on the test set: eval mode (batch norm uses its running
    /// statistics), no gradients, in order. The model is back in training mode afterwards.
    public func evaluate() -> Evaluation {
        Tensor.withThreadCount(config.threads ?? Tensor.threadCount) {
            model.eval()
            defer { model.train() }
            return Tensor.withoutGrad {
                let classes = classNames.count
                var confusion = [[Int]](
                    repeating: [Int](repeating: 0, count: classes), count: classes)
                var predictions: [Int] = []
                var lossSum = 0.0
                for batch in testLoader.epoch(0) {
                    let logits = model(batch.images)
                    let loss = crossEntropy(logits: logits, targets: batch.labels).scalar
                    lossSum += Double(loss) * Double(batch.count)
                    let predicted = logits.argmax(axis: 1)
                    for (guess, label) in zip(predicted, batch.labels) where guess < classes {
                        confusion[label][guess] += 1
                    }
                    predictions += predicted
                }
                return Evaluation(
                    loss: lossSum / Double(predictions.count), confusionMatrix: confusion,
                    predictions: predictions)
            }
        }
    }

    // MARK: - Checkpoints

    /// Everything needed to continue, as saved in the checkpoint.
    public func state() -> TrainingState {
        let session = sessionStart.map { seconds(from: $0, to: .now) } ?? 0
        return TrainingState(
            config: config, seeds: seeds, mean: mean, std: std, classNames: classNames,
            step: step, position: position, epochInProgress: epochInProgress,
            optimizer: optimizer.stateDict(), scheduler: scheduler?.stateDict(),
            history: history, elapsedSeconds: earlierSeconds + session)
    }

    /// Writes the checkpoint (`checkpointPath`) atomically, after checking that every weight
    /// is finite.
    /// - Throws: `TrainingError.diverged` (nothing written) when a weight is NaN or
    ///   infinite; `.cannotWrite` when the file cannot be written.
    public func saveCheckpoint() throws(TrainingError) {
        try checkWeightsAreFinite()
        try createOutputDirectory()
        let shapes = optimizer.groups.flatMap(\.parameters).map(\.shape)
        try Checkpoint(weights: model.stateDict(), state: state(), parameterShapes: shapes)
            .write(to: checkpointPath)
        lastCheckpointStep = step
    }

    /// Throws `diverged` naming the first parameter or buffer holding NaN or infinity.
    private func checkWeightsAreFinite() throws(TrainingError) {
        for (name, tensor) in model.stateDict() where !tensor.data.allSatisfy(\.isFinite) {
            throw .diverged(
                epoch: history.steps.last?.epoch ?? 1, step: step, value: .weight(name),
                learningRate: history.steps.last?.learningRate ?? optimizer.learningRates[0],
                configuredRate: config.learningRate, lastCheckpoint: lastCheckpointDescription)
        }
    }

    private var lastCheckpointDescription: String? {
        lastCheckpointStep.map { "\(checkpointPath) (step \($0))" }
    }

    private func createOutputDirectory() throws(TrainingError) {
        do {
            try FileManager.default.createDirectory(
                atPath: config.outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(
                path: config.outputDirectory,
                reason: describeWriteFailure(config.outputDirectory, error))
        }
    }

    /// Runs `body` with the configured thread count for the kernels.
    private func withThreads<T>(_ body: () throws(TrainingError) -> T) throws(TrainingError) -> T {
        let threads = config.threads ?? Tensor.threadCount
        do {
            return try Tensor.withThreadCount(threads) { try body() }
        } catch let error as TrainingError {
            throw error
        } catch {
            fatalError("Trainer: unexpected error \(error)")
        }
    }

    // MARK: - Progress lines

    /// Epochs in the run.
    public var totalEpochs: Int {
        let perEpoch = trainLoader.batchesPerEpoch
        return (totalSteps + perEpoch - 1) / perEpoch
    }

    /// `epoch 2/15 · batch 120/469 · loss 0.4123 · acc 85.2% · lr 0.0953 · 412 img/s · ETA 12m05s`:
    /// the learning rate of the last step taken (not the one the schedule set for the next).
    private func statusLine() -> String {
        let perSecond =
            epochInProgress.seconds > 0
            ? Double(epochInProgress.examples) / epochInProgress.seconds : 0
        let secondsPerStep = sessionTrainSeconds / Double(max(1, sessionSteps))
        let remaining = Double(totalSteps - step) * secondsPerStep
        let batch = position.batch == 0 ? trainLoader.batchesPerEpoch : position.batch
        let epoch = position.batch == 0 ? position.epoch : position.epoch + 1
        return "epoch \(epoch)/\(totalEpochs) · batch \(batch)/\(trainLoader.batchesPerEpoch) · "
            + String(
                format: "loss %.4f · acc %.1f%% · lr %@ · %.0f img/s · ETA %@",
                epochInProgress.meanLoss, 100 * epochInProgress.accuracy,
                formatLearningRate(history.steps.last?.learningRate ?? optimizer.learningRates[0]),
                perSecond,
                formatDuration(remaining))
    }

    /// `epoch 1/15: train loss 0.5123 acc 81.23% | test loss 0.4012 acc 85.61% | ...`
    private func epochLine(_ metrics: EpochMetrics) -> String {
        String(
            format: "epoch %d/%d: train loss %.4f acc %.2f%% | test loss %.4f acc %.2f%% | "
                + "lr %@ | %.0f img/s | %@",
            metrics.epoch, totalEpochs, metrics.trainLoss, 100 * metrics.trainAccuracy,
            metrics.testLoss, 100 * metrics.testAccuracy, formatLearningRate(metrics.learningRate),
            metrics.imagesPerSecond,
            formatDuration(metrics.trainSeconds + metrics.evaluationSeconds))
    }
}

/// What `Trainer.run` reports when it returns.
public struct TrainingSummary: Sendable, CustomStringConvertible {
    /// Whether every step was taken (false when `stoppingAfterStep`, `shouldStop` or
    /// `maxSteps` stopped it).
    public var finished: Bool
    /// Whether `config.maxSteps` stopped it (and not a signal).
    public var stoppedAtMaxSteps: Bool
    public var step: Int
    public var totalSteps: Int
    /// Epochs completed (evaluated) so far.
    public var epochs: Int
    /// The last epoch's figures, if an epoch has ended.
    public var lastEpoch: EpochMetrics?
    /// Wall-clock seconds of this `run`.
    public var seconds: Double
    public var checkpointPath: String

    /// `finished: test accuracy 91.23% (loss 0.2501) after 15 epochs, 7035 steps in 41m12s`
    public var description: String {
        let accuracy =
            lastEpoch.map {
                String(
                    format: "test accuracy %.2f%% (loss %.4f)", 100 * $0.testAccuracy, $0.testLoss)
            } ?? "no epoch finished"
        return "\(finished ? "finished" : "stopped"): \(accuracy) after \(epochs) epochs, "
            + "\(step)/\(totalSteps) steps, wall time \(formatDuration(seconds)); checkpoint "
            + checkpointPath
    }
}
