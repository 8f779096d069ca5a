import ArgumentParser
import Foundation
import NN
import Randomness
import ResNetModels
import TensorCore
import TextFormat
import Training

/// `resnet-lab predict`: a model in eval mode on a tensor from a safetensors file, its logits
/// written to another, for scripting and for comparing with PyTorch.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model in eval mode on a tensor from a safetensors file; write its logits.",
        discussion: """
            The input file holds a float NCHW tensor under the key "input"; the output file \
            gets the logits, [N, classes], under the key "logits". The weights are a \
            safetensors file under PyTorch's state-dict names (one written by `saveWeights`, \
            exported from PyTorch, or a training checkpoint), loaded strictly: every missing, \
            unexpected or misshapen tensor is listed. Example:
              resnet-lab predict --model resnet18 --classes 10 --weights w.safetensors \\
                --input x.safetensors --out y.safetensors
            """)

    @Option(help: "The model: resnet18…resnet152, cifar-resnet20…, ablation-res-18, …")
    var model: String

    @Option(parsing: .unconditional, help: "Output classes (default: the family's).")
    var classes: Int?

    @Option(parsing: .unconditional, help: "Input channels (default: the family's).")
    var inChannels: Int?

    @Option(help: "The weights: a safetensors file with the model's state dict.")
    var weights: String

    @Option(help: "A safetensors file with the input tensor [N, C, H, W] under the key \"input\".")
    var input: String

    @Option(help: "Where to write the logits (key \"logits\").")
    var out: String

    @Option(parsing: .unconditional, help: "Threads for the kernels (default: all cores).")
    var threads: Int?

    func validate() throws {
        try checkThreadsEnvironment(threads: threads, usesThreads: true)
        try ModelOptions.checkCounts(classes: classes, inChannels: inChannels)
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1, got \(threads)")
        }
        if out.isEmpty { throw ValidationError("--out must name a file") }
    }

    func run() throws {
        let configuration = try ModelOptions.configuration(
            model: model, classes: classes, inChannels: inChannels)
        let x = try readInput(channels: configuration.inputChannels)
        try ModelOptions.checkForwardMemory(
            configuration, height: x.shape[2], width: x.shape[3], batch: x.shape[0],
            what: "--input \(input): \(Format.shape(x.shape)) through \(model)",
            advice: "predict on fewer images at a time")
        var generator = SeededGenerator(seed: 0)  // replaced by the weights just below
        let network = ResNet(configuration, generator: &generator)
        try loadWeights(into: network)
        network.eval()
        let logits = Tensor.withThreadCount(threads ?? Tensor.threadCount) {
            Tensor.withoutGrad { network(x) }
        }
        do {
            try Safetensors.write(
                [(name: "logits", tensor: logits)],
                metadata: ["residual.model": model, "residual.weights": weights], to: out)
        } catch {
            throw ValidationError("--out: \(error)")
        }
        print("wrote logits \(Format.shape(logits.shape)) to \(out)")
    }

    /// The tensor under "input", checked to be [N, channels, H, W].
    private func readInput(channels: Int) throws -> Tensor {
        let tensors: [(name: String, tensor: Tensor)]
        do {
            tensors = try Safetensors.read(input).tensors
        } catch {
            throw ValidationError("--input: \(error)")
        }
        guard let x = tensors.first(where: { $0.name == "input" })?.tensor else {
            throw ValidationError(
                "--input \(input) has no tensor named \"input\"; it holds "
                    + (tensors.isEmpty
                        ? "none" : tensors.map { "\"\($0.name)\"" }.joined(separator: ", ")))
        }
        guard x.shape.count == 4, x.shape[1] == channels, x.shape.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError(
                "--input \(input): \"input\" is \(Format.shape(x.shape)); \(model) takes "
                    + "[N, \(channels), H, W]")
        }
        return x
    }

    /// Loads `weights` strictly; a training checkpoint's optimizer tensors are left out.
    private func loadWeights(into network: ResNet) throws {
        let tensors: [(name: String, tensor: Tensor)]
        do {
            tensors = try Checkpoint.stateDict(inFileAt: weights)
        } catch {
            throw ValidationError("--weights: \(error)")
        }
        do {
            try network.loadStateDict(tensors, strict: true)
        } catch {
            throw ValidationError("--weights \(weights): \(error)")
        }
    }
}
