import Optim
import TensorCore

/// The optimizer's running state as tensors of the checkpoint file.
///
/// Each buffer is stored as an F32 tensor shaped like its parameter, under PyTorch's names
/// for `optimizer.state_dict()["state"][i][buffer]`:
/// ```
/// optimizer.state.<i>.momentum_buffer   SGD with momentum: the velocity
/// optimizer.state.<i>.exp_avg           Adam, AdamW: m
/// optimizer.state.<i>.exp_avg_sq        Adam, AdamW: v
/// ```
/// where `i` numbers the optimizer's parameters across its groups (PyTorch numbers them so
/// too). What is not a buffer (hyper-parameters, Adam's step count) stays in the
/// `TrainingState` JSON, which therefore stays a few kilobytes long whatever the model's
/// size: the reference safetensors reader refuses headers over 100 MB.
enum OptimizerTensors {
    /// Every tensor name of the optimizer's state starts with this.
    static let prefix = "optimizer.state."

    /// The buffers of a `ParameterState`, by their PyTorch names.
    static var buffers: [(name: String, path: WritableKeyPath<ParameterState, [Float]?>)] {
        [
            ("momentum_buffer", \.momentumBuffer),
            ("exp_avg", \.expAvg),
            ("exp_avg_sq", \.expAvgSq),
        ]
    }

    /// Moves the buffers of `state` into tensors: returns the state without them and the
    /// tensors, shaped by `shapes[i]` (the parameters' shapes, in the optimizer's order; a
    /// missing or mismatched shape stores the buffer flat).
    static func split(
        _ state: OptimizerState, shapes: [[Int]]
    ) -> (state: OptimizerState, tensors: [(name: String, tensor: Tensor)]) {
        var stripped = state
        var tensors: [(name: String, tensor: Tensor)] = []
        for (index, entry) in state.parameters.enumerated() {
            guard var entry else { continue }
            for buffer in buffers {
                guard let values = entry[keyPath: buffer.path] else { continue }
                let shape =
                    index < shapes.count && shapes[index].reduce(1, *) == values.count
                    ? shapes[index] : [values.count]
                tensors.append(
                    (
                        name: "\(prefix)\(index).\(buffer.name)",
                        tensor: Tensor(shape: shape, data: values)
                    ))
                entry[keyPath: buffer.path] = nil
            }
            stripped.parameters[index] = entry
        }
        return (stripped, tensors)
    }

    /// Puts the buffers stored as `tensors` back into `state` (the reverse of `split`), and
    /// returns the parameters' shapes as stored. Tensors whose names do not start with
    /// `prefix` are ignored.
    /// - Throws: a sentence saying what does not fit: a name that is not one of the buffers,
    ///   a parameter number out of range, or a buffer for a parameter with no saved state.
    static func merge(
        _ tensors: [(name: String, tensor: Tensor)], into state: inout OptimizerState
    ) throws(OptimizerTensorsError) -> [[Int]] {
        var shapes = state.parameters.map { _ in [Int]() }
        for (name, tensor) in tensors where name.hasPrefix(prefix) {
            let parts = name.dropFirst(prefix.count).split(
                separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]),
                let buffer = buffers.first(where: { $0.name == parts[1] })
            else {
                throw OptimizerTensorsError(
                    "tensor '\(name)' is not an optimizer buffer (expected \(prefix)<number>."
                        + "\(buffers.map(\.name).joined(separator: "|")))")
            }
            guard state.parameters.indices.contains(index) else {
                throw OptimizerTensorsError(
                    "tensor '\(name)' is for parameter \(index), but the optimizer state lists "
                        + "\(state.parameters.count) parameters")
            }
            guard var entry = state.parameters[index] else {
                throw OptimizerTensorsError(
                    "tensor '\(name)' belongs to parameter \(index), which has no saved state")
            }
            entry[keyPath: buffer.path] = tensor.data
            state.parameters[index] = entry
            shapes[index] = tensor.shape
        }
        return shapes
    }
}

/// Why the optimizer tensors of a checkpoint do not fit its training state.
struct OptimizerTensorsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
