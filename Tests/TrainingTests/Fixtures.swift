import Foundation
import TensorCore

/// `Fixtures/checkpoint_in_pytorch.json`, written by `make_checkpoint_in_pytorch.py`: what the
/// reference safetensors reader and torchvision saw in a ResNet-18 checkpoint.
struct CheckpointInPyTorch: Decodable {
    /// `[name, shape, dtype]` as `safe_open` listed them.
    struct Entry: Decodable {
        let name: String
        let shape: [Int]
        let dtype: String

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            name = try list.decode(String.self)
            shape = try list.decode([Int].self)
            dtype = try list.decode(String.self)
        }
    }

    /// One tensor from PyTorch, row-major.
    struct Array: Decodable {
        let shape: [Int]
        let data: [Float]

        var tensor: Tensor { Tensor(shape: shape, data: data) }
    }

    let header_bytes: Int
    let file_bytes: Int
    let metadata_keys: [String]
    let tensors: [Entry]
    let missing_keys: [String]
    let unexpected_keys: [String]
    let momentum_buffers_loaded: Int
    let input: Array
    let eval_logits: Array

    static func load() throws -> Self {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/checkpoint_in_pytorch.json")
        return try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
    }
}
