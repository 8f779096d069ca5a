import Ablation
import Foundation
import Kernels
import NN
import Optim
import Randomness
import ResNetModels
import TensorCore
import Training

/// Training throughput of the ablation family: one step is the step the training loops take
/// (Training's `trainingStep`: forward, cross-entropy, backward, the ablation recipe's SGD
/// update) on a fixed batch of 128 random 28×28×1 images, so only the tensor core is timed.
enum TrainBench {
    /// The six nets of the plain-vs-residual ablation at its default depths, in the order
    /// the ablation runs them.
    static let nets = AblationConfig().nets

    /// The recipe's batch, the default.
    static let batch = 128
    /// Untimed steps first (one more runs inside `Timing.medianSeconds`): they grow the
    /// scratch pools and create the momentum buffers.
    static let warmUpSteps = 1

    /// Seconds per step of `batch` images for each net (or only the one named `only`): the
    /// median of `repeats` timed steps.
    static func measure(
        repeats: Int, batch: Int = batch, only: String? = nil, onEach: (TrainResult) -> Void
    ) throws -> [TrainResult] {
        var results: [TrainResult] = []
        for net in nets where only == nil || net.name == only {
            let step = try stepper(net, batch: batch)
            for _ in 0..<warmUpSteps { step() }
            let seconds = Timing.medianSeconds(repeats: repeats, step)
            let result = TrainResult(
                net: net.name, secondsPerStep: seconds,
                imagesPerSecond: Double(batch) / seconds)
            onEach(result)
            results.append(result)
        }
        return results
    }

    /// One training step of `net` on its fixed batch, as a closure: the model (seed 0), its
    /// optimizer and the batch (seed 3) made once, each call one more step.
    static func stepper(_ net: AblationNet, batch: Int) throws -> () -> Void {
        var generator = SeededGenerator(seed: 3)
        let images = Tensor.randn([batch, 1, 28, 28], generator: &generator)
        let labels = (0..<batch).map { _ in Int(generator.next() % 10) }
        var weights = SeededGenerator(seed: 0)
        let model = ResNet.ablation(depth: net.depth, residual: net.residual, generator: &weights)
        model.train()
        let optimizer = try AblationConfig().makeOptimizer(for: model)
        return { _ = trainingStep(model, images: images, labels: labels, optimizer: optimizer) }
    }

    /// Minutes the ablation takes at these speeds: every net for `iterations` steps.
    static func ablationMinutes(_ results: [TrainResult], iterations: Int) -> Double {
        results.reduce(0) { $0 + $1.secondsPerStep } * Double(iterations) / 60
    }
}

struct TrainResult: Codable {
    var net: String
    var secondsPerStep: Double
    var imagesPerSecond: Double
}
