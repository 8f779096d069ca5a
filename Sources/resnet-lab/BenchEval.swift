import Foundation
import Kernels
import NN
import Randomness
import ResNetModels
import TensorCore

/// Forward-only throughput of the ablation family and of the CIFAR ResNet-20 of
/// Docs/TRAINING.md (one input channel, Fashion-MNIST's 28×28), batch 256, three ways: the
/// forward pass of training (batch statistics, every operation recording its backward
/// node), the model in eval mode inside `Tensor.withoutGrad`, and `FoldedResNet` (batch norm
/// folded into the convolutions). The analyses of lesson 08 (test error, lesions, loss
/// landscapes) and prediction run the last. The net is folded before the timed passes, and
/// with it each 3×3 layer's weights transformed for Winograd (`Conv2dForwardWeights`), as a
/// run that scores many batches has it: the timed passes do not transform them again.
enum EvalBench {
    /// The default batch.
    static let batch = 256

    /// The six ablation nets, then cifar-resnet20.
    static var nets: [(name: String, build: (inout SeededGenerator) -> ResNet)] {
        TrainBench.nets.map { net in
            (
                net.name,
                { ResNet.ablation(depth: net.depth, residual: net.residual, generator: &$0) }
            )
        } + [("cifar-resnet20", { ResNet.cifar(depth: 20, inputChannels: 1, generator: &$0) })]
    }

    /// Images/s three ways for each net, `batch` images at a time: medians of `repeats` runs.
    static func measure(repeats: Int, batch: Int = batch, onEach: (EvalResult) -> Void)
        -> [EvalResult]
    {
        var generator = SeededGenerator(seed: 4)
        let images = Tensor.randn([batch, 1, 28, 28], generator: &generator)
        var results: [EvalResult] = []
        for net in nets {
            var weights = SeededGenerator(seed: 0)
            let model = net.build(&weights)
            func rate(_ body: () -> Void) -> Double {
                body()  // untimed: grows the scratch pools
                return Double(batch) / Timing.medianSeconds(repeats: repeats, body)
            }
            /// Minor page faults per image in one more run, after `rate`'s: memory the
            /// kernel maps afresh on every pass (an allocator giving blocks back and taking
            /// them again) shows here; reused memory does not.
            func faultsPerImage(_ body: () -> Void) -> Double {
                let before = minorPageFaults()
                body()
                return Double(minorPageFaults() - before) / Double(batch)
            }
            model.train()
            let taped = rate { _ = model(images) }
            let tapedFaults = faultsPerImage { _ = model(images) }
            model.eval()
            let eval = rate { _ = Tensor.withoutGrad { model(images) } }
            let evalFaults = faultsPerImage { _ = Tensor.withoutGrad { model(images) } }
            let folded = FoldedResNet(model)!
            let fast = rate { _ = folded(images) }
            let result = EvalResult(
                net: net.name, imagesPerSecond: fast, trainingForwardImagesPerSecond: taped,
                evalForwardImagesPerSecond: eval,
                foldedForwardImagesPerSecond: fast, trainingForwardPageFaultsPerImage: tapedFaults,
                evalForwardPageFaultsPerImage: evalFaults)
            onEach(result)
            results.append(result)
        }
        return results
    }
}

extension EvalBench {
    /// One folded forward pass of the net named `name` (`nets`, weights of seed 0) on a fixed
    /// batch (seed 4, as `measure`), as a closure: each call one more pass. Nine
    /// training-mode passes come first, as in PyTorch's half (Docs/bench/torch_paired.py,
    /// where they decide how fast its evaluation runs) and about as many as `measure` runs
    /// (`repeats` + 3) before it folds.
    static func foldedPass(_ name: String, batch: Int) -> () -> Void {
        var generator = SeededGenerator(seed: 4)
        let images = Tensor.randn([batch, 1, 28, 28], generator: &generator)
        var weights = SeededGenerator(seed: 0)
        let model = nets.first { $0.name == name }!.build(&weights)
        model.train()
        for _ in 0..<9 { _ = model(images) }
        model.eval()
        let folded = FoldedResNet(model)!
        return { _ = folded(images) }
    }
}

struct EvalResult: Codable {
    var net: String
    /// Images/s of evaluation as the course runs it, the figure compared with PyTorch's
    /// `torch.inference_mode()`: `FoldedResNet`'s, the same as `foldedForwardImagesPerSecond`.
    var imagesPerSecond: Double
    /// Images/s of a training-mode forward pass that records the autograd graph.
    var trainingForwardImagesPerSecond: Double
    /// Images/s in eval mode without recording.
    var evalForwardImagesPerSecond: Double
    /// Images/s of `FoldedResNet`.
    var foldedForwardImagesPerSecond: Double
    /// Minor page faults per image in one training-mode forward (recording the graph).
    var trainingForwardPageFaultsPerImage: Double?
    /// Minor page faults per image in one eval-mode forward without recording.
    var evalForwardPageFaultsPerImage: Double?
}

/// This process's minor page faults so far (pages the kernel mapped on first touch).
func minorPageFaults() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_minflt
}
