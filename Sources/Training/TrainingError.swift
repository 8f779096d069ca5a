import Foundation

/// Why training could not start, continue or save: a setting out of range, a run that
/// diverged, a checkpoint that cannot be used, a file that cannot be written. `description`
/// says what happened and what to do, naming the command-line flag, the step or the file.
public enum TrainingError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A setting is out of range; the message names the setting and its `resnet-lab train`
    /// flag (`"batchSize (--batch-size) must be at least 1, got 0"`).
    case invalidConfiguration(String)

    /// The loss (or a weight) stopped being a finite number. `epoch` and `step` count from 1
    /// (the step that failed); `loss` is the value seen, nil when a weight was found broken
    /// (`tensor` names it); `lastCheckpoint` is the file left untouched, if one exists.
    case diverged(
        epoch: Int, step: Int, loss: Float?, tensor: String?, learningRate: Double,
        lastCheckpoint: String?)

    /// A checkpoint file cannot be read or does not fit the run.
    case badCheckpoint(path: String, reason: String)

    /// A file in the output directory cannot be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return message
        case .diverged(let epoch, let step, let loss, let tensor, let learningRate, let saved):
            let what =
                loss.map { "the loss is \($0)" }
                ?? "the weight '\(tensor ?? "?")' holds NaN or infinite values"
            let lower = formatLearningRate(learningRate / 10)
            var text =
                "training diverged at epoch \(epoch), step \(step): \(what) (learning rate "
                + "\(formatLearningRate(learningRate))). The updates grew too large for the "
                + "network to recover: start again with a lower learning rate, e.g. a tenth "
                + "(--lr \(lower)), or add a warm-up (--warmup-epochs 1)."
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

    public var errorDescription: String? { description }
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
