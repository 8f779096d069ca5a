import Datasets
import Foundation
import NN
import Optim
import Randomness
import ResNetModels
import TensorCore
import TextFormat

// What a run shows while it trains, and what it reports at the end.

extension Trainer {
    /// Epochs in the run.
    public var totalEpochs: Int {
        let perEpoch = trainLoader.batchesPerEpoch
        return (totalSteps + perEpoch - 1) / perEpoch
    }

    /// `epoch 2/15 · batch 120/469 · loss 0.4123 · acc 85.2% · lr 0.0953 · 412 img/s · ETA 12m05s`:
    /// the learning rate of the last step taken (not the one the schedule set for the next).
    func statusLine() -> String {
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
    func epochLine(_ metrics: EpochMetrics) -> String {
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
    /// Steps taken when it returned, over every session of the run.
    public var step: Int
    /// Steps in the whole run (``Trainer/totalSteps``).
    public var totalSteps: Int
    /// Epochs completed (evaluated) so far.
    public var epochs: Int
    /// The last epoch's figures, if an epoch has ended.
    public var lastEpoch: EpochMetrics?
    /// Wall-clock seconds of this `run`.
    public var seconds: Double
    /// The checkpoint file of the run (``Trainer/checkpointPath``).
    public var checkpointPath: String

    /// One line: `finished` or `stopped`, the last test accuracy and loss, the epochs, the
    /// steps, this run's wall time and the checkpoint, e.g. `finished: test accuracy 91.23%
    /// (loss 0.2501) after 15 epochs, 7035/7035 steps, wall time 41m12s; checkpoint
    /// runs/train/checkpoint.safetensors`.
    public var description: String {
        let accuracy =
            lastEpoch.map {
                String(
                    format: "test accuracy %.2f%% (loss %.4f)", 100 * $0.testAccuracy, $0.testLoss)
            } ?? "no epoch finished"
        return
            "\(finished ? "finished" : "stopped"): \(accuracy) after \(Format.count(epochs, "epoch")), "
            + "\(step)/\(totalSteps) steps, wall time \(formatDuration(seconds)); checkpoint "
            + checkpointPath
    }
}
