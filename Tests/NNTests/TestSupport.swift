import Foundation
import NN
import Randomness
import TensorCore
import TestSupport
import Testing

/// The network of the PyTorch fixture: Conv2d(2, 3, 3, padding 1), BatchNorm2d(3), ReLU,
/// Flatten, Linear(3·4·4, 5), for [N, 2, 4, 4] inputs.
func smallSequential(seed: UInt64 = 1) -> Sequential {
    var generator = SeededGenerator(seed: seed)
    return Sequential([
        Conv2d(
            inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1,
            generator: &generator),
        BatchNorm2d(3),
        ReLU(),
        Flatten(),
        Linear(inputFeatures: 3 * 4 * 4, outputFeatures: 5, generator: &generator),
    ])
}

/// A fresh empty directory for one test; `body` gets its path, and the directory is removed
/// afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "NNTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

/// The mean and (population) standard deviation of `values`, in Double.
func meanAndStd(_ values: [Float]) -> (mean: Double, std: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0) { $0 + Double($1) } / n
    let variance = values.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    return (mean, variance.squareRoot())
}
