import Foundation
import NN
import TensorCore

/// A weights file read for inference (`resnet-lab predict`): the model's tensors and, where
/// the file records them, the model they were trained as and the normalisation their
/// inputs had. A training checkpoint records both in its training state; the weights of an
/// ablation net carry them as metadata (`metadata(model:mean:std:)`); a bare state dict
/// (exported from PyTorch, say) records neither.
public struct TrainedWeights {
    /// The model's state dict (a checkpoint's optimizer tensors left out).
    public var tensors: [(name: String, tensor: Tensor)]
    /// The model name the file records (`resnet-lab summary`'s names), or nil.
    public var model: String?
    /// Per-channel mean and standard deviation of the training images: the model saw every
    /// image as `(x − mean) / std`. nil when the file does not say.
    public var normalization: (mean: [Float], std: [Float])?
    /// Where the record comes from, for messages: "its training state", "its metadata".
    public var recordedIn: String?

    /// The metadata key of the model's name, `residual.model`, in weights files that are not
    /// checkpoints (beside ``meanKey`` and ``stdKey``).
    public static let modelKey = "residual.model"
    /// The metadata key of the per-channel mean, a JSON array: `residual.mean`.
    public static let meanKey = "residual.mean"
    /// The metadata key of the per-channel standard deviation, a JSON array: `residual.std`.
    public static let stdKey = "residual.std"

    /// The metadata that makes a weights file say what it is.
    ///
    /// - Parameters:
    ///   - model: the model's name, as `resnet-lab summary` lists it.
    ///   - mean: the per-channel mean the inputs were normalised with.
    ///   - std: the per-channel standard deviation.
    /// - Returns: the three keys with the name and the two arrays as JSON.
    public static func metadata(model: String, mean: [Float], std: [Float]) -> [String: String] {
        func array(_ values: [Float]) -> String {
            "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
        }
        return [modelKey: model, meanKey: array(mean), stdKey: array(std)]
    }

    /// Reads the file at `path`.
    /// - Throws: `TrainingError.badCheckpoint` naming the file: missing, not safetensors,
    ///   corrupt, or a training state or normalisation that does not decode.
    public static func read(from path: String) throws(TrainingError) -> TrainedWeights {
        let (tensors, metadata) = try Checkpoint.readFile(path)
        if let json = metadata[Checkpoint.metadataKey] {
            let state = try Checkpoint.decodeState(json, path: path)
            return TrainedWeights(
                tensors: Checkpoint.weights(of: tensors), model: state.config.model,
                normalization: (state.mean, state.std), recordedIn: "its training state")
        }
        var normalization: (mean: [Float], std: [Float])?
        if let mean = metadata[meanKey], let std = metadata[stdKey] {
            guard let mean = try? JSONDecoder().decode([Float].self, from: Data(mean.utf8)),
                let std = try? JSONDecoder().decode([Float].self, from: Data(std.utf8)),
                mean.count == std.count, std.allSatisfy({ $0 > 0 })
            else {
                throw .badCheckpoint(
                    path: path,
                    reason: "its normalisation ('\(meanKey)', '\(stdKey)') is not two lists of "
                        + "as many numbers, the standard deviations positive")
            }
            normalization = (mean, std)
        }
        let model = metadata[modelKey]
        return TrainedWeights(
            tensors: tensors, model: model, normalization: normalization,
            recordedIn: model != nil || normalization != nil ? "its metadata" : nil)
    }
}
