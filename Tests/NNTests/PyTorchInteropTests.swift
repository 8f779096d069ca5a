import Foundation
import NN
import TensorCore
import TestSupport
import Testing

/// Golden values from PyTorch, made by `Fixtures/make_sequential_fixture.py`: the weights of
/// Sequential(Conv2d(2, 3, 3, padding=1), BatchNorm2d(3), ReLU(), Flatten(), Linear(48, 5))
/// in a safetensors file written by hand (num_batches_tracked as I64), an input, and the
/// outputs in eval and train mode.
@Suite("PyTorch interop")
struct PyTorchInteropTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Our model with PyTorch's weights loaded, and the fixture's tensors by name.
    func loadFixture() throws -> (model: Sequential, io: [String: Tensor]) {
        let model = smallSequential(seed: 99)
        try model.loadWeights(
            from: Self.fixtures.appendingPathComponent("sequential_weights.safetensors").path)
        let io = try Safetensors.read(
            Self.fixtures.appendingPathComponent("sequential_io.safetensors").path)
        return (model, Dictionary(uniqueKeysWithValues: io.tensors.map { ($0.name, $0.tensor) }))
    }

    @Test func weightsFileHasPyTorchsKeysAndMetadata() throws {
        let (tensors, metadata) = try Safetensors.read(
            Self.fixtures.appendingPathComponent("sequential_weights.safetensors").path)
        #expect(tensors.map(\.name) == smallSequential().stateDict().map(\.name))
        #expect(metadata["source"] == "make_sequential_fixture.py")
        let batchNorm = tensors.first { $0.name == "1.num_batches_tracked" }?.tensor
        #expect(batchNorm?.shape == [])
        #expect(batchNorm?.data == [7])
    }

    @Test func evalOutputMatchesPyTorch() throws {
        let (model, io) = try loadFixture()
        model.eval()
        let output = model(try #require(io["input"]))
        #expect(output.shape == [4, 5])
        expectClose(output.data, try #require(io["eval_output"]).data, relative: 1e-5)
        #expect((model[1] as! BatchNorm2d).numBatchesTracked.scalar == 7)
    }

    @Test func trainOutputAndRunningStatisticsMatchPyTorch() throws {
        let (model, io) = try loadFixture()
        let output = model(try #require(io["input"]))
        expectClose(output.data, try #require(io["train_output"]).data, relative: 1e-5)
        let bn = try #require(model[1] as? BatchNorm2d)
        expectClose(
            bn.runningMean.data, try #require(io["running_mean_after"]).data, relative: 1e-5)
        expectClose(bn.runningVar.data, try #require(io["running_var_after"]).data, relative: 1e-5)
        #expect(bn.numBatchesTracked.scalar == 8)
        #expect(try #require(io["num_batches_tracked_after"]).data == [8])
    }
}
