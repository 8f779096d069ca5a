import Datasets
import Foundation
import NN
import Optim
import ResNetModels
import TensorCore
import TextFormat

// Continuing a saved run, and saving one: the checkpoint side of `Trainer`.

extension Trainer {
    /// Continues the run saved in `checkpoint`, read from `path`, with the checkpoint's
    /// settings. Files go to the checkpoint's directory.
    ///
    /// - Parameters:
    ///   - checkpoint: the saved run, as ``Checkpoint/read(from:)`` returns it.
    ///   - path: the file it was read from; the run's files go to its directory, and
    ///     errors name it.
    ///   - train: the training split the run started with (checked through the training
    ///     images' mean and standard deviation).
    ///   - test: the test split the run started with.
    ///   - threads: a new thread count (the numbers do not depend on it); nil: the saved one.
    ///   - maxSteps: where this session stops (`--max-steps`, counted from the run's start);
    ///     nil: at the end of the run. The saved run's own `maxSteps` has done its work.
    /// - Throws: `TrainingError.badCheckpoint` naming the file when the checkpoint does not
    ///   fit (other weights, another optimizer, other data, a step past the run's end);
    ///   `.invalidConfiguration` for a `maxSteps` the checkpoint has already reached, or a
    ///   saved setting ``init(config:train:test:)`` refuses.
    public convenience init(
        resuming checkpoint: Checkpoint, from path: String, train: Dataset, test: Dataset,
        threads: Int? = nil, maxSteps: Int? = nil
    ) throws(TrainingError) {
        let state = checkpoint.state
        var config = state.config
        config.outputDirectory = (path as NSString).deletingLastPathComponent
        if config.outputDirectory.isEmpty { config.outputDirectory = "." }
        if let threads { config.threads = threads }
        // The starting weights were read when the run began; the checkpoint's replace them.
        config.initialWeights = nil
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
    /// ``init(resuming:from:train:test:threads:maxSteps:)``).
    ///
    /// - Parameters:
    ///   - path: the checkpoint file.
    ///   - train: the training split the run started with.
    ///   - test: the test split the run started with.
    ///   - threads: a new thread count; nil: the saved one.
    ///   - maxSteps: where this session stops; nil: at the end of the run.
    /// - Throws: `TrainingError.badCheckpoint` naming the file when it cannot be read or does
    ///   not fit, and what ``init(resuming:from:train:test:threads:maxSteps:)`` throws.
    public convenience init(
        resumingFrom path: String, train: Dataset, test: Dataset, threads: Int? = nil,
        maxSteps: Int? = nil
    ) throws(TrainingError) {
        try self.init(
            resuming: try Checkpoint.read(from: path), from: path, train: train, test: test,
            threads: threads, maxSteps: maxSteps)
    }

    // MARK: Saving

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
        try willWriteFiles()
        let shapes = optimizer.groups.flatMap(\.parameters).map(\.shape)
        try Checkpoint(weights: model.stateDict(), state: state(), parameterShapes: shapes)
            .write(to: checkpointPath)
        lastCheckpointStep = step
    }

    /// Throws `diverged` naming the first parameter or buffer holding NaN or infinity.
    func checkWeightsAreFinite() throws(TrainingError) {
        for (name, tensor) in model.stateDict() where !tensor.data.allSatisfy(\.isFinite) {
            throw .diverged(
                epoch: history.steps.last?.epoch ?? 1, step: step, value: .weight(name),
                learningRate: history.steps.last?.learningRate ?? optimizer.learningRates[0],
                configuredRate: config.learningRate, lastCheckpoint: lastCheckpointDescription)
        }
    }

    var lastCheckpointDescription: String? {
        lastCheckpointStep.map { "\(checkpointPath) (step \($0))" }
    }

    func createOutputDirectory() throws(TrainingError) {
        do {
            try FileManager.default.createDirectory(
                atPath: config.outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(
                path: config.outputDirectory,
                reason: describeWriteFailure(config.outputDirectory, error))
        }
    }
}

extension Trainer {
    /// Loads `--init-weights` into `model`: every tensor whose name and shape match; those
    /// whose shape differs (a classifier for another class count) are left fresh and returned.
    /// A training checkpoint's optimizer tensors are left out.
    /// - Throws: `TrainingError.invalidConfiguration` naming the file when it cannot be read,
    ///   or when it lacks some of the model's tensors or has tensors the model lacks (another
    ///   architecture), listing them.
    static func loadInitialWeights(_ path: String, into model: ResNet) throws(TrainingError)
        -> [String]
    {
        let entries: [(name: String, tensor: Tensor)]
        do {
            entries = try Checkpoint.stateDict(inFileAt: path)
        } catch {
            throw .invalidConfiguration("--init-weights: \(error)")
        }
        var shapes: [String: [Int]] = [:]
        for (name, tensor) in model.stateDict() { shapes[name] = tensor.shape }
        let skipped = entries.filter { entry in
            shapes[entry.name].map { $0 != entry.tensor.shape } ?? false
        }.map(\.name)
        let usable = entries.filter { !skipped.contains($0.name) }
        let given = Set(usable.map(\.name))
        let missing = model.stateDict().map(\.name).filter {
            !given.contains($0) && !skipped.contains($0)
        }
        let unexpected = usable.map(\.name).filter { shapes[$0] == nil }
        guard missing.isEmpty && unexpected.isEmpty else {
            throw .invalidConfiguration(
                "--init-weights \(path) does not fit this run's model: "
                    + (missing.isEmpty ? "" : "missing \(missing.joined(separator: ", ")); ")
                    + (unexpected.isEmpty ? "" : "unexpected \(unexpected.joined(separator: ", "))")
            )
        }
        do {
            try model.loadStateDict(usable, strict: false)
        } catch {
            throw .invalidConfiguration("--init-weights \(path): \(error)")
        }
        return skipped
    }
}
