import Foundation
import TensorCore
import Testing

/// The PyTorch golden values in `Fixtures/torch_goldens.json` (written by
/// `Fixtures/make_goldens.py`), read with `JSONDecoder` from a path next to this file.
///
/// The file is `{"torch_version": ..., "cases": {name: {field: value}}}`; a value is a tensor
/// `{"shape": [...], "data": [...]}`, a number (`stride`, `eps`) or a list of integers
/// (`targets`). `TorchCase` looks fields up by name and says which is missing.
enum TorchFixtures {
    /// The cases by name, decoded once.
    static let cases: Result<[String: TorchCase], any Error> = Result {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/torch_goldens.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    /// The case named `name`, or an error naming it.
    static func `case`(_ name: String) throws -> TorchCase {
        guard let found = try cases.get()[name] else {
            throw FixtureError("torch_goldens.json has no case \"\(name)\"")
        }
        return found
    }

    private struct File: Decodable {
        let cases: [String: TorchCase]
    }
}

/// A fixture that lacks what a test asked for.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One tensor from PyTorch, row-major.
struct TorchArray: Decodable, Sendable {
    let shape: [Int]
    let data: [Float]

    /// A new leaf tensor with these values.
    func tensor(requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, data: data, requiresGrad: requiresGrad)
    }
}

/// One case of the fixture: named fields, each a tensor, a number or a list of integers.
struct TorchCase: Decodable, Sendable {
    enum Value: Decodable, Sendable {
        case array(TorchArray)
        case number(Double)
        case integers([Int])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let integers = try? container.decode([Int].self) {
                self = .integers(integers)
            } else {
                self = .array(try container.decode(TorchArray.self))
            }
        }
    }

    let fields: [String: Value]

    init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([String: Value].self)
    }

    /// The tensor field `name`.
    func array(_ name: String) throws -> TorchArray {
        guard case .array(let array) = fields[name] else {
            throw FixtureError("fixture field \"\(name)\" is missing or not a tensor")
        }
        return array
    }

    /// A new leaf tensor from field `name`.
    func tensor(_ name: String, requiresGrad: Bool = false) throws -> Tensor {
        try array(name).tensor(requiresGrad: requiresGrad)
    }

    /// The integer field `name`.
    func int(_ name: String) throws -> Int {
        guard case .number(let number) = fields[name], let value = Int(exactly: number) else {
            throw FixtureError("fixture field \"\(name)\" is missing or not an integer")
        }
        return value
    }

    /// The field `name` as a (height, width) pair: `[h, w]` in the fixture, or one integer `n`
    /// for (n, n).
    func pair(_ name: String) throws -> PoolPair {
        if case .integers(let values) = fields[name], values.count == 2 {
            return (values[0], values[1])
        }
        let value = try int(name)
        return (value, value)
    }

    /// The numeric field `name`, as a Float.
    func float(_ name: String) throws -> Float {
        guard case .number(let number) = fields[name] else {
            throw FixtureError("fixture field \"\(name)\" is missing or not a number")
        }
        return Float(number)
    }
}

/// Expects `actual` (a tensor or gradient we computed) to match PyTorch's `expected` in shape
/// and, elementwise, within `absolute + relative · |expected|`.
///
/// **Why 1e-4 relative + 1e-5 absolute.** Both sides compute in Float32 (unit roundoff
/// 6·10⁻⁸) but sum in different orders: our GEMM blocks and fuses multiply-adds, PyTorch's
/// oneDNN/ATen kernels do it their own way, and batch norm's statistics run in Double here.
/// The fixtures' largest sums have ~150 terms of order 1 (the 7×7 convolution's input
/// gradient), so reordering moves a result by at most ~150 · 6·10⁻⁸ ≈ 10⁻⁵ times the terms'
/// size: well inside this band, whose relative part also covers results of order 10. The
/// largest differences seen are 4·10⁻⁶ on values near 18 (2·10⁻⁷ relative, a few ulps);
/// pooling matches exactly. A wrong index, sign, divisor or missing term changes results by
/// 10⁻² or more.
func expectMatchesTorch(
    _ actual: Tensor?, _ expected: TorchArray, _ what: String, relative: Float = 1e-4,
    absolute: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let actual else {
        Issue.record(
            "\(what): no tensor (a gradient was not computed)", sourceLocation: sourceLocation)
        return
    }
    guard actual.shape == expected.shape else {
        Issue.record(
            "\(what): shape \(actual.shape), PyTorch has \(expected.shape)",
            sourceLocation: sourceLocation)
        return
    }
    var failures = 0
    var worst = (index: 0, excess: -Float.infinity)
    for (index, (a, e)) in zip(actual.data, expected.data).enumerated() {
        let excess = abs(a - e) - (absolute + relative * abs(e))
        if !(excess <= 0) { failures += 1 }
        if !(excess <= worst.excess) { worst = (index, excess) }
    }
    let i = worst.index
    let detail =
        "\(what): \(failures) of \(expected.data.count) elements differ from PyTorch beyond "
        + "\(absolute) + \(relative)·|expected|; worst at \(i): \(actual.data[i]) vs "
        + "\(expected.data[i])"
    #expect(failures == 0, "\(detail)", sourceLocation: sourceLocation)
}
