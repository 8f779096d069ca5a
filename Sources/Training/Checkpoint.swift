import Datasets
import Foundation
import NN
import Optim
import Randomness
import TensorCore

/// Everything besides the weights that a run needs to continue exactly where it stopped.
/// Stored as JSON in the checkpoint's metadata, except the optimizer's buffers, which are
/// tensors of the file (`OptimizerTensors`); Swift writes every `Float` and `Double` in its
/// shortest round-tripping form, so nothing is lost.
public struct TrainingState: Codable, Equatable, Sendable {
    /// The layout of the checkpoint: 2 stores the optimizer's buffers as tensors; 1, the
    /// first, stored them in this JSON (still read). Other versions are refused.
    public static let currentVersion = 2
    /// The versions `Checkpoint.read` accepts.
    static let readableVersions = 1...2

    /// The checkpoint layout this state was saved with (`currentVersion` when written now).
    public var version = TrainingState.currentVersion
    /// The run's settings.
    public var config: TrainingConfig
    /// The seeds derived from `config.seed`.
    public var seeds: TrainingSeeds
    /// Per-channel mean of the training images, used to normalise every image the model sees
    /// as `(x − mean) / std` (also what inference needs).
    public var mean: [Float]
    /// Per-channel standard deviation of the training images, the divisor of that
    /// normalisation.
    public var std: [Float]
    /// The class names, indexed by label.
    public var classNames: [String]
    /// Steps taken.
    public var step: Int
    /// The batch to train on next.
    public var position: DataLoader.Position
    /// The sums of the epoch in progress (zero at an epoch boundary).
    public var epochInProgress: RunningMetrics
    /// The optimizer's hyper-parameters and running state (in the file, its buffers are
    /// tensors of their own; see ``Checkpoint``).
    public var optimizer: OptimizerState
    /// The scheduler's position; nil when the learning rate is constant.
    public var scheduler: SchedulerState?
    /// Every step and epoch logged so far.
    public var history: TrainingHistory
    /// Wall-clock seconds spent in `run` so far, over every session.
    public var elapsedSeconds: Double
}

/// The seeds a run draws from, derived from `TrainingConfig.seed`: one for the initial
/// weights, one for the data (the order of the examples and the augmentation).
public struct TrainingSeeds: Codable, Equatable, Sendable {
    /// Seeds the initial weights.
    public var model: UInt64
    /// Seeds the order of the examples and the augmentation (`DataLoader`'s seed).
    public var data: UInt64

    /// The two seeds `seed` stands for (two draws of a `SeededGenerator(seed: seed)`).
    public init(deriving seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        model = generator.next()
        data = generator.next()
    }
}

/// A training checkpoint: ONE safetensors file holding the model's state dict under its
/// PyTorch names, the optimizer's buffers as tensors named `optimizer.state.<i>.<buffer>`
/// (see `OptimizerTensors`) and, in the metadata, the rest of the `TrainingState` as a JSON
/// string under `residual.training`. PyTorch reads the weights with
/// `safetensors.torch.load_file` and `load_state_dict` after leaving out the names that
/// start with `optimizer.`.
///
/// Written atomically (a temporary file renamed over the old one), so an interruption while
/// writing leaves the previous checkpoint whole.
public struct Checkpoint {
    /// The file name a run writes in its output directory.
    public static let fileName = "checkpoint.safetensors"
    /// The metadata key holding the `TrainingState` JSON.
    public static let metadataKey = "residual.training"

    /// Parameters and buffers, PyTorch names, state-dict order.
    public var weights: [(name: String, tensor: Tensor)]
    /// The whole state, the optimizer's buffers included.
    public var state: TrainingState
    /// The shapes of the optimizer's parameters, in its order, which give the stored buffers
    /// their shapes (a buffer without one is stored flat).
    public var parameterShapes: [[Int]]

    /// A checkpoint of `weights` and `state`, ready to write.
    ///
    /// - Parameters:
    ///   - weights: the model's state dict, PyTorch names in state-dict order.
    ///   - state: everything else a run needs to continue.
    ///   - parameterShapes: the shapes of the optimizer's parameters, in its order (for
    ///     `model.parameters`, each tensor's `shape`); without them the optimizer's buffers
    ///     are stored flat.
    public init(
        weights: [(name: String, tensor: Tensor)], state: TrainingState,
        parameterShapes: [[Int]] = []
    ) {
        self.weights = weights
        self.state = state
        self.parameterShapes = parameterShapes
    }

    /// Writes the checkpoint to `path`, atomically.
    /// - Throws: `TrainingError.cannotWrite` naming the file.
    public func write(to path: String) throws(TrainingError) {
        var stripped = state
        let buffers: [(name: String, tensor: Tensor)]
        (stripped.optimizer, buffers) = OptimizerTensors.split(
            state.optimizer, shapes: parameterShapes)
        let json: String
        do {
            json = String(decoding: try Checkpoint.encoder.encode(stripped), as: UTF8.self)
        } catch {
            throw .cannotWrite(path: path, reason: "the training state cannot be encoded: \(error)")
        }
        do {
            try Safetensors.write(
                weights + buffers, metadata: [Checkpoint.metadataKey: json], to: path)
        } catch {
            throw .cannotWrite(path: path, reason: error.writeFailureReason)
        }
    }

    /// Reads a checkpoint written by `write(to:)`.
    /// - Throws: `TrainingError.badCheckpoint` naming the file: missing, not a safetensors
    ///   file, cut short, a weights-only file without the training state, or a state that
    ///   does not decode.
    public static func read(from path: String) throws(TrainingError) -> Checkpoint {
        let (tensors, metadata) = try readFile(path)
        guard let json = metadata[metadataKey] else {
            throw .badCheckpoint(
                path: path,
                reason: "it holds weights but no training state (no '\(metadataKey)' metadata); "
                    + "it was not written by a training run, so there is nothing to resume")
        }
        var state = try decodeState(json, path: path)
        guard TrainingState.readableVersions.contains(state.version) else {
            let versions = TrainingState.readableVersions
            throw .badCheckpoint(
                path: path,
                reason: "its training state has version \(state.version); this program reads "
                    + "versions \(versions.lowerBound) to \(versions.upperBound)")
        }
        let modelTensors = weights(of: tensors)
        let shapes: [[Int]]
        do {
            shapes = try OptimizerTensors.merge(tensors, into: &state.optimizer)
        } catch {
            throw .badCheckpoint(path: path, reason: "its optimizer state is damaged: \(error)")
        }
        state.version = TrainingState.currentVersion
        return Checkpoint(weights: modelTensors, state: state, parameterShapes: shapes)
    }

    /// The tensors and metadata of the safetensors file at `path`.
    /// - Throws: `TrainingError.badCheckpoint` naming the file and what is wrong with it.
    static func readFile(_ path: String) throws(TrainingError) -> (
        tensors: [(name: String, tensor: Tensor)], metadata: [String: String]
    ) {
        do {
            return try Safetensors.read(path)
        } catch {
            throw .badCheckpoint(path: path, reason: error.problemDescription)
        }
    }

    /// The `TrainingState` in a checkpoint's metadata JSON (`path` names the file in errors).
    static func decodeState(_ json: String, path: String) throws(TrainingError) -> TrainingState {
        do {
            return try decoder.decode(TrainingState.self, from: Data(json.utf8))
        } catch {
            throw .badCheckpoint(
                path: path, reason: "its training state is damaged: \(describe(error))")
        }
    }

    /// The model's state dict in the safetensors file at `path`, read once: every tensor of a
    /// weights file, or a training checkpoint's weights without the optimizer's buffers. For
    /// loading weights (`resnet-lab predict`, `--init-weights`), not for resuming.
    /// - Throws: `SafetensorsError` naming the file (missing, not safetensors, cut short,
    ///   corrupt).
    public static func stateDict(inFileAt path: String) throws(SafetensorsError)
        -> [(name: String, tensor: Tensor)]
    {
        let (tensors, metadata) = try Safetensors.read(path)
        return metadata[metadataKey] == nil ? tensors : weights(of: tensors)
    }

    /// The tensors of a checkpoint file that are the model's (not the optimizer's).
    static func weights(of tensors: [(name: String, tensor: Tensor)]) -> [(
        name: String, tensor: Tensor
    )] {
        tensors.filter { !$0.name.hasPrefix(OptimizerTensors.prefix) }
    }

    /// Compact `RecordJSON` (the same state gives the same bytes).
    static var encoder: JSONEncoder { RecordJSON.encoder() }

    static var decoder: JSONDecoder { RecordJSON.decoder() }
}

/// The messages of `NN`'s safetensors errors, shortened for the checkpoint's own errors,
/// which name the file once.
extension SafetensorsError {
    /// Why a write failed, without the file's name (the caller's message names it once).
    public var writeFailureReason: String {
        if case .writeFailed(let reason) = problem { return reason }
        return problemDescription
    }

    /// The problem without the leading "safetensors file '<path>':" (the checkpoint error
    /// names the file already).
    public var problemDescription: String {
        let prefix = "safetensors file '\(path)': "
        return description.hasPrefix(prefix)
            ? String(description.dropFirst(prefix.count)) : description
    }
}

/// A decoding error in a sentence, with the path to the bad field.
func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func field(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? "" : " at '\(path)'"
    }
    switch error {
    case .dataCorrupted(let context):
        return "not valid JSON\(field(context))"
    case .keyNotFound(let key, let context):
        return "missing field '\(key.stringValue)'\(field(context))"
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
        return "expected \(type)\(field(context))"
    @unknown default:
        return "\(error)"
    }
}
