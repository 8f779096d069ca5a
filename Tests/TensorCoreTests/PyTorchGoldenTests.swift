import Foundation
import TensorCore
import TestSupport
import Testing

/// Values from PyTorch (`Fixtures/make_goldens.py` wrote `Fixtures/torch_goldens.json`).
@Suite("Agreement with PyTorch")
struct PyTorchGoldenTests {
    struct Array: Decodable {
        let shape: [Int]
        let data: [Float]
        var tensor: Tensor { Tensor(shape: shape, data: data) }
    }

    struct CrossEntropyCase: Decodable {
        let logits: Array
        let targets: [Int]
        let loss: Float
        let dlogits: Array
    }

    struct LogSoftmaxCase: Decodable {
        let x: Array
        let y: Array
        let g: Array
        let dx: Array
    }

    struct Goldens: Decodable {
        struct Cases: Decodable {
            let cross_entropy: CrossEntropyCase
            let log_softmax: LogSoftmaxCase
        }
        let cases: Cases
    }

    static func load() throws -> Goldens {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/torch_goldens.json")
        return try JSONDecoder().decode(Goldens.self, from: Data(contentsOf: url))
    }

    @Test func crossEntropy() throws {
        let golden = try Self.load().cases.cross_entropy
        let logits = golden.logits.tensor
        logits.requiresGrad = true
        let loss = TensorCore.crossEntropy(logits: logits, targets: golden.targets)
        expectClose([loss.scalar], [golden.loss], relative: 1e-5)
        loss.backward()
        #expect(logits.grad?.shape == golden.dlogits.shape)
        expectClose(logits.grad?.data ?? [], golden.dlogits.data, relative: 1e-5)
    }

    @Test func logSoftmax() throws {
        let golden = try Self.load().cases.log_softmax
        let x = golden.x.tensor
        x.requiresGrad = true
        let y = x.logSoftmax(dim: 1)
        expectClose(y.data, golden.y.data, relative: 1e-5)
        y.backward(gradient: golden.g.tensor)
        expectClose(x.grad?.data ?? [], golden.dx.data, relative: 1e-5)
    }
}
