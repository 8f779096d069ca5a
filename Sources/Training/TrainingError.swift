import Foundation

/// Why training could not start, continue or save: a setting out of range, a run that
/// diverged, a checkpoint that cannot be used, a file that cannot be written. `description`
/// says what happened and what to do, naming the command-line flag, the step or the file.
public enum TrainingError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A setting is out of range; the message names the setting and its `resnet-lab train`
    /// flag (`"--batch-size must be at least 1, got 0"`).
    case invalidConfiguration(String)

    /// A number the run depends on stopped being finite: the training loss of a step, the
    /// test loss of an evaluation, or a weight. `epoch` and `step` count from 1 (the step
    /// that failed, or the last one taken); `learningRate` is the rate the schedule had
    /// reached there, `configuredRate` the run's `--lr`, which the advice divides;
    /// `lastCheckpoint` is the file left untouched, if one exists (every number in it was
    /// finite).
    case diverged(
        epoch: Int, step: Int, value: DivergedValue, learningRate: Double,
        configuredRate: Double, lastCheckpoint: String?)

    /// A checkpoint file cannot be read or does not fit the run.
    case badCheckpoint(path: String, reason: String)

    /// A file in the output directory cannot be written.
    case cannotWrite(path: String, reason: String)

    /// What happened and what to do: the setting's message, the divergence with its step,
    /// rates and advice (a tenth of `--lr`, or a warm-up), or the file and the reason.
    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return message
        case .diverged(let epoch, let step, let value, let learningRate, let configured, let saved):
            let what: String
            switch value {
            case .trainingLoss(let loss): what = "the training loss is \(loss)"
            case .testLoss(let loss): what = "the test loss is \(loss) after the epoch"
            case .weight(let name): what = "the weight '\(name)' holds NaN or infinite values"
            }
            let lower = formatLearningRate(configured / 10)
            var text =
                "training diverged at epoch \(epoch), step \(step): \(what) (learning rate "
                + "\(formatLearningRate(learningRate)) at that step). The updates grew too large "
                + "for the network to recover: start again with a lower learning rate, e.g. a "
                + "tenth of --lr \(formatLearningRate(configured)) (--lr \(lower)), or add a "
                + "warm-up (--warmup-epochs 1)."
            if let saved {
                text += " The last good checkpoint was left untouched: \(saved)."
            } else {
                text += " No checkpoint had been written yet."
            }
            return text
        case .badCheckpoint(let path, let reason):
            return "checkpoint '\(path)' cannot be used: \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason)"
        }
    }

    /// The same text as `description`, for `localizedDescription` (Foundation's
    /// `LocalizedError`).
    public var errorDescription: String? { description }
}

/// What stopped being finite when a run diverged.
public enum DivergedValue: Equatable, Sendable {
    /// The batch loss of a training step (checked before its update is applied).
    case trainingLoss(Float)
    /// The loss on the test set, evaluated at the end of an epoch.
    case testLoss(Double)
    /// A parameter or buffer, by its state-dict name.
    case weight(String)
}

/// A learning rate as a person writes it: `0.1`, `0.005`, `1e-05`.
func formatLearningRate(_ rate: Double) -> String {
    String(format: "%g", rate)
}

/// Throws `TrainingError.invalidConfiguration(message)` when `condition` is false.
@inline(__always)
func requireSetting(_ condition: Bool, _ message: @autoclosure () -> String)
    throws(TrainingError)
{
    if !condition { throw .invalidConfiguration(message()) }
}
