import Foundation
import ResNetModels

/// The memory this process can still use, to refuse a model or a batch that cannot fit
/// before allocating it (the alternative is the allocator's abort, or the system killing the
/// process after it has swapped for minutes).
public enum MachineMemory {
    /// The environment variable that sets a lower limit than the machine's, in bytes or
    /// with a unit (`512M`, `8G`): to see what a student's 8 GB laptop would refuse, or to
    /// keep a run from taking a shared machine's memory.
    public static let environmentVariable = "RESIDUAL_MEMORY_LIMIT"

    /// Bytes this process may still allocate: the machine's physical memory, or its control
    /// group's limit (a container's) or `RESIDUAL_MEMORY_LIMIT` when lower, less what the
    /// process holds now. nil when the machine does not say.
    public static var available: Double? {
        var limit = Double(ProcessInfo.processInfo.physicalMemory)
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
            let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            limit = min(limit, bytes)
        }
        if case .some(.some(let bytes)) = environmentLimit { limit = min(limit, bytes) }
        guard limit > 0 else { return nil }
        return max(0, limit - residentBytes)
    }

    /// Whose limit `available` is, for messages: "this machine has free", or
    /// "RESIDUAL_MEMORY_LIMIT leaves free" when that variable sets it.
    public static var availableSource: String {
        if case .some(.some(let bytes)) = environmentLimit,
            bytes < Double(ProcessInfo.processInfo.physicalMemory)
        {
            return "\(environmentVariable) leaves free"
        }
        return "this machine has free"
    }

    /// What is wrong with `RESIDUAL_MEMORY_LIMIT`, naming it; nil when it is unset or valid.
    public static var environmentProblem: String? {
        guard case .some(.none) = environmentLimit else { return nil }
        let value = ProcessInfo.processInfo.environment[environmentVariable] ?? ""
        return "\(environmentVariable)='\(value)' is not a size: give bytes, or a number with "
            + "K, M or G (for example 8G)"
    }

    /// nil: unset; .some(nil): set but not a size; .some(bytes): the limit.
    private static var environmentLimit: Double?? {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable] else {
            return nil
        }
        return .some(parseSize(text))
    }

    /// `123`, `512K`, `512M`, `8G` or `8GB` (powers of 1024) as bytes; nil otherwise.
    static func parseSize(_ text: String) -> Double? {
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        if digits.hasSuffix("B") && digits.count > 1 { digits.removeLast() }
        var scale = 1.0
        for (suffix, factor) in [("K", 1024.0), ("M", 1024.0 * 1024), ("G", 1024.0 * 1024 * 1024)]
        where digits.hasSuffix(suffix) {
            digits.removeLast()
            scale = factor
        }
        guard let value = Double(digits), value.isFinite, value > 0 else { return nil }
        return value * scale
    }

    /// This process's resident memory now (Linux: `/proc/self/statm`; 0 where unknown).
    static var residentBytes: Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else {
            return 0
        }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// A size in words: "812 MB", "3.4 GB", "1.2 TB".
public func describeBytes(_ bytes: Double) -> String {
    let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
    for (scale, unit) in units where bytes >= scale {
        let value = bytes / scale
        return value >= 100
            ? "\(Int(value.rounded())) \(unit)" : "\((value * 10).rounded() / 10) \(unit)"
    }
    return "\(Int(bytes)) bytes"
}

/// The memory check before a run: whether a model of this size and a batch fit.
extension ResNet.Configuration.Size {
    /// Refuses a training step that cannot fit in `available` bytes.
    ///
    /// - Parameters:
    ///   - batch: images per training step.
    ///   - optimizerBuffers: buffers the optimizer keeps per parameter
    ///     (``TrainingConfig/optimizerBufferCount``).
    ///   - what: names the model and the input in the message ("resnet152 on 28×28 images").
    ///   - smallerModel: the flag that chooses a smaller model, for the advice.
    ///   - available: the bytes the process may still use (``MachineMemory/available``); nil
    ///     checks nothing.
    /// - Throws: `TrainingError.invalidConfiguration` saying how much the model and a batch
    ///   need, what the machine has, and the largest batch that fits.
    public func checkTraining(
        batch: Int, optimizerBuffers: Int, what: String,
        smallerModel: String = "a smaller --model (or fewer --classes)", available: Double?
    ) throws(TrainingError) {
        guard let available else { return }
        let model = modelBytes(optimizerBuffers: optimizerBuffers)
        let activations = activationBytes(batch: batch)
        guard model + activations > available else { return }
        let perImage = activationBytes(batch: 1)
        let fits = Int(((available - model) / perImage).rounded(.down))
        let advice =
            model >= available
            ? "the model alone does not fit: choose \(smallerModel)"
            : fits < 1
                ? "not even one image fits: choose \(smallerModel)"
                : "lower --batch-size to \(fits) or less"
        throw .invalidConfiguration(
            "\(what) in batches of \(batch) needs about \(describeBytes(model + activations)) "
                + "(the model with its gradients and optimizer state \(describeBytes(model)), "
                + "the activations of a batch \(describeBytes(activations))), more than the "
                + "\(describeBytes(available)) \(MachineMemory.availableSource): \(advice)")
    }
}
