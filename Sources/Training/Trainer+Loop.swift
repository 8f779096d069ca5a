import Datasets
import Foundation
import NN
import TensorCore

// The training loop: epochs of steps, each epoch ending in an evaluation, the files and a
// checkpoint.

extension Trainer {
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
        // A run killed in the middle of writing its checkpoint (kill -9) left the temporary
        // file; this run writes that checkpoint, so no other process is writing it.
        for name in Safetensors.removeStaleTemporaries(of: checkpointPath) {
            progress.line(
                "removed \(name), a checkpoint write that an earlier process did not finish")
        }
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
    func trainStep(on batch: DataLoader.Batch) throws(TrainingError) {
        let learningRate = optimizer.learningRates[0]
        let outcome = trainingStep(
            model, images: batch.images, labels: batch.labels, optimizer: optimizer)
        guard outcome.loss.isFinite else {
            throw .diverged(
                epoch: batch.position.epoch + 1, step: step + 1, value: .trainingLoss(outcome.loss),
                learningRate: learningRate, configuredRate: config.learningRate,
                lastCheckpoint: lastCheckpointDescription)
        }
        scheduler?.step()
        step += 1
        position = trainLoader.position(after: batch.position)

        let correct = outcome.count - outcome.wrong
        epochInProgress.lossSum += Double(outcome.loss) * Double(batch.count)
        epochInProgress.correct += correct
        epochInProgress.examples += batch.count
        history.steps.append(
            StepMetrics(
                step: step, epoch: batch.position.epoch + 1, loss: outcome.loss,
                accuracy: Double(correct) / Double(batch.count), learningRate: learningRate))
    }

    /// The end of an epoch (or of the run, inside one): evaluate, log, write the files.
    func finishEpoch(_ epoch: Int) throws(TrainingError) {
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
        try willWriteFiles()
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
                var tally = EvaluationTally()
                for batch in testLoader.epoch(0) {
                    let before = tally.predictions.count
                    tally.add(logits: model(batch.images), labels: batch.labels)
                    let predicted = tally.predictions[before...]
                    for (guess, label) in zip(predicted, batch.labels) where guess < classes {
                        confusion[label][guess] += 1
                    }
                }
                return Evaluation(
                    loss: tally.meanLoss, confusionMatrix: confusion,
                    predictions: tally.predictions)
            }
        }
    }

    /// Runs `body` with the configured thread count for the kernels.
    func withThreads<T>(_ body: () throws(TrainingError) -> T) throws(TrainingError) -> T {
        try Tensor.withThreadCount(config.threads ?? Tensor.threadCount, body)
    }
}
