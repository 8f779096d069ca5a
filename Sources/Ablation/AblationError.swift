import Foundation

/// Why an ablation run could not start, continue or finish. `description` says what is wrong
/// and what to do, naming the flag, the net or the file at fault.
public enum AblationError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A setting is out of range; the message names the setting and its flag.
    case invalidConfiguration(String)
    /// The output directory holds a run made with another recipe; `flag` is the option that
    /// named the directory (`--out` for `resnet-lab ablate`, `--run` for lesson 08).
    case otherRun(directory: String, differences: [String], flag: String = "--out")
    /// A net's loss stopped being a finite number.
    case diverged(net: String, seed: UInt64, step: Int, loss: Float, learningRate: Double)
    /// The data cannot be loaded or do not fit the run in the directory.
    case badData(String)
    /// A file of the run cannot be read.
    case cannotRead(path: String, reason: String)
    /// A file cannot be written.
    case cannotWrite(path: String, reason: String)

    /// The message for the person running the command: what is wrong and, where there is
    /// one, the way out (another `--out`, a lower `--lr`, the file to delete).
    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return message
        case .otherRun(let directory, let differences, let flag):
            return "'\(directory)' holds an ablation run with another recipe ("
                + differences.joined(separator: "; ")
                + ", this command vs the directory's config.json). Choose another \(flag), or "
                + "repeat the run's own settings to continue it; nothing was changed"
        case .diverged(let net, let seed, let step, let loss, let rate):
            return "\(net) (seed \(seed)) diverged at step \(step): the loss is \(loss) at "
                + "learning rate \(rate). Try a lower rate (--lr \(rate / 10))"
        case .badData(let message):
            return message
        case .cannotRead(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason)"
        }
    }

    /// The same text as ``description``, for `LocalizedError`.
    public var errorDescription: String? { description }
}

/// Throws `AblationError.invalidConfiguration(message)` when `condition` is false.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(AblationError) {
    if !condition { throw .invalidConfiguration(message()) }
}
