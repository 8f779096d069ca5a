import Foundation
import TensorCore

/// Reads the JSON files in `Fixtures/` (written by the Python scripts beside them), from a
/// path next to this file.
enum Fixtures {
    static func load<T: Decodable>(_ type: T.Type, from file: String) throws -> T {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(file)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}

/// A fixture that lacks what a test asked for.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `[name, shape]`, as the torchvision fixtures list state-dict keys and modules.
struct NamedShape: Decodable, Equatable, CustomStringConvertible {
    let name: String
    let shape: [Int]

    init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        name = try list.decode(String.self)
        shape = try list.decode([Int].self)
    }

    var description: String { "\(name) \(shape)" }
}

/// `[path, class name]`, as `torchvision_module_names.json` lists modules.
struct NamedType: Decodable, Equatable, CustomStringConvertible {
    let name: String
    let type: String

    init(name: String, type: String) {
        self.name = name
        self.type = type
    }

    init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        name = try list.decode(String.self)
        type = try list.decode(String.self)
    }

    var description: String { "\(name): \(type)" }
}

/// `torchvision_state_dict_keys.json` (from `make_state_dict_keys.py`).
struct TorchvisionStateDicts: Decodable {
    struct Model: Decodable {
        let keys: [NamedShape]
        let parameters: Int
    }
    let models: [String: Model]

    static func load() throws -> Self {
        try Fixtures.load(Self.self, from: "torchvision_state_dict_keys.json")
    }
}

/// `torchvision_module_names.json` (from `make_module_names.py`).
struct TorchvisionModuleNames: Decodable {
    let models: [String: [NamedType]]

    static func load() throws -> Self {
        try Fixtures.load(Self.self, from: "torchvision_module_names.json")
    }
}

/// One tensor from PyTorch, row-major.
struct TorchArray: Decodable {
    let shape: [Int]
    let data: [Float]

    var tensor: Tensor { Tensor(shape: shape, data: data) }
}

/// `[name, shape, values]`: one state-dict entry.
struct StateEntry: Decodable {
    let name: String
    let shape: [Int]
    let data: [Float]

    init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        name = try list.decode(String.self)
        shape = try list.decode([Int].self)
        data = try list.decode([Float].self)
    }
}

/// A `parity_<case>.json` file (from `make_parity.py`): a tiny ResNet's PyTorch state dict,
/// an input, the logits PyTorch computed in eval and then training mode, and the gradients of
/// the training-mode cross-entropy.
struct ParityFixture: Decodable {
    struct Config: Decodable {
        let block: String
        let widths: [Int]
        let blocks: [Int]
        let stem: String
        let shortcut: String
    }
    let config: Config
    let state_dict: [StateEntry]
    let input: TorchArray
    let eval_logits: TorchArray
    let train_logits: TorchArray
    let targets: [Int]
    let train_loss: Float
    let gradients: [StateEntry]
    let buffers_after_train: [StateEntry]

    static func load(_ name: String) throws -> Self {
        try Fixtures.load(Self.self, from: "parity_\(name).json")
    }
}

/// `preact_bottleneck.json` (from `make_preact_bottleneck.py`): PyTorch's pre-activation
/// bottleneck, its parameter count, weights, an input and the eval-mode output.
struct PreActBottleneckFixture: Decodable {
    struct Config: Decodable {
        let in_planes: Int
        let planes: Int
        let stride: Int
    }
    struct Case: Decodable {
        let config: Config
        let parameters: Int
        let state_dict: [StateEntry]
        let input: TorchArray
        let eval_output: TorchArray
    }
    let cases: [String: Case]

    static func load() throws -> Self {
        try Fixtures.load(Self.self, from: "preact_bottleneck.json")
    }
}
