import ArgumentParser
import Datasets
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
            safetensors file under PyTorch's state-dict names (a training checkpoint, the \
            weights of an ablation net, one written by `saveWeights`, or one exported from \
            PyTorch), loaded strictly: every missing, unexpected or misshapen tensor is listed.

            The input's scale: give images as the data set stores them, pixels in [0, 1] (a \
            byte divided by 255). A training checkpoint and an ablation net's weights record \
            the per-channel mean and std their training images were normalised with, and \
            predict applies the same (x − mean) / std before the model, as training did; pass \
            --normalized when the input is already normalised. Weights that record no \
            normalisation (a bare state dict) get the input as it is, and predict says so.

            A file that records its model (a checkpoint, an ablation net) must be given to \
            that model: the weights of a plain net and its residual twin have the same names \
            and shapes, and would load into each other without a word. For a bare state dict \
            predict cannot tell, and says so. --out may not be the --weights or --input file.

            Example:
              resnet-lab predict --model cifar-resnet20 --in-channels 1 \\
                --weights runs/r20/checkpoint.safetensors --input x.safetensors --out y.safetensors
            """)

    @OptionGroup var architecture: ArchitectureOptions
    /// `--model`.
    var model: String { architecture.model }

    @Option(help: "The weights: a safetensors file with the model's state dict.")
    var weights: String

    @Option(help: "A safetensors file with the input tensor [N, C, H, W] under the key \"input\".")
    var input: String

    @Option(help: "Where to write the logits (key \"logits\").")
    var out: String

    @OptionGroup var threading: ThreadsOption
    /// `--threads`, if given.
    var threads: Int? { threading.threads }

    @Flag(
        help: ArgumentHelp(
            "The input is already normalised: do not apply the weights' recorded mean and std.",
            discussion: "Without it, weights that record a normalisation get (x − mean) / std."))
    var normalized = false

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out must name a file") }
        for (flag, path) in [("--weights", weights), ("--input", input)] where isSameFile(out, path)
        {
            throw ValidationError(
                "--out '\(out)' is the \(flag) file '\(path)': writing the logits there would "
                    + "replace it. Choose another --out; nothing was changed")
        }
    }

    func run() throws {
        let configuration = try architecture.configuration()
        let trained: TrainedWeights
        do {
            trained = try TrainedWeights.read(from: weights)
        } catch {
            throw PredictFailure("--weights: \(error)")
        }
        try checkRecordedModel(trained, configuration: configuration)
        var x = try readInput(channels: configuration.inputChannels)
        try ModelOptions.checkForwardMemory(
            configuration, height: x.shape[2], width: x.shape[3], batch: x.shape[0],
            what: "--input \(input): \(Format.shape(x.shape)) through \(model)",
            advice: "predict on fewer images at a time")
        var generator = SeededGenerator(seed: 0)  // replaced by the weights just below
        let network = ResNet(configuration, generator: &generator)
        do {
            try network.loadStateDict(trained.tensors, strict: true)
        } catch {
            throw PredictFailure("--weights \(weights): \(error)")
        }
        network.eval()
        x = try normalize(x, with: trained)
        let logits = Tensor.withThreadCount(threads ?? Tensor.threadCount) {
            Tensor.withoutGrad { network(x) }
        }
        do {
            try Safetensors.write(
                [(name: "logits", tensor: logits)],
                metadata: ["residual.model": model, "residual.weights": weights], to: out)
        } catch {
            throw PredictFailure("--out: \(error)")
        }
        print("wrote logits \(Format.shape(logits.shape)) to \(out)")
    }

    /// Refuses weights recorded as another architecture than `--model` builds; says so when
    /// the file does not record one.
    private func checkRecordedModel(
        _ trained: TrainedWeights, configuration: ResNet.Configuration
    ) throws {
        guard let recorded = trained.model else {
            print(
                "note: \(weights) does not record its model (a bare state dict): its tensors "
                    + "are matched to \(model) by name and shape only, and a plain net's weights "
                    + "would fit its residual twin")
            return
        }
        let recordedConfiguration = try? ResNet.Configuration.named(
            recorded, classes: configuration.classes, inputChannels: configuration.inputChannels)
        guard recordedConfiguration == configuration else {
            let source = trained.recordedIn ?? "the file"
            throw PredictFailure(
                "--weights \(weights) holds the weights of \(recorded) (\(source) says so), not of "
                    + "--model \(model): pass --model \(recorded)")
        }
    }

    /// `x` as the model saw its training images: `(x − mean) / std` per channel when the
    /// weights record a normalisation and `--normalized` is not given.
    private func normalize(_ x: Tensor, with trained: TrainedWeights) throws -> Tensor {
        guard !normalized else { return x }
        guard let (mean, std) = trained.normalization else {
            print(
                "note: \(weights) records no normalisation: the input is given to the model as it "
                    + "is")
            return x
        }
        let channels = x.shape[1]
        guard mean.count == channels else {
            throw PredictFailure(
                "--weights \(weights) records a normalisation for \(mean.count) channels; "
                    + "--input has \(channels)")
        }
        // Image by image, with the arithmetic the training loader's `.normalize` uses.
        let (height, width) = (x.shape[2], x.shape[3])
        let size = channels * height * width
        let data = (0..<x.shape[0]).flatMap { n in
            Image(
                channels: channels, height: height, width: width,
                pixels: Array(x.data[(n * size)..<((n + 1) * size)])
            ).normalized(mean: mean, std: std).pixels
        }
        print(
            "normalised the input with the mean \(mean) and std \(std) recorded in \(weights) "
                + "(--normalized: give it as it is)")
        return Tensor(shape: x.shape, data: data)
    }

    /// The tensor under "input", checked to be [N, channels, H, W].
    private func readInput(channels: Int) throws -> Tensor {
        let tensors: [(name: String, tensor: Tensor)]
        do {
            tensors = try Safetensors.read(input).tensors
        } catch {
            throw PredictFailure("--input: \(error)")
        }
        guard let x = tensors.first(where: { $0.name == "input" })?.tensor else {
            throw PredictFailure(
                "--input \(input) has no tensor named \"input\"; it holds "
                    + (tensors.isEmpty
                        ? "none" : tensors.map { "\"\($0.name)\"" }.joined(separator: ", ")))
        }
        guard x.shape.count == 4, x.shape[1] == channels, x.shape.allSatisfy({ $0 >= 1 }) else {
            throw PredictFailure(
                "--input \(input): \"input\" is \(Format.shape(x.shape)); \(model) takes "
                    + "[N, \(channels), H, W]")
        }
        return x
    }
}

/// A failure while predicting (a file that cannot be read or written, weights that do not
/// fit): reported as "Error: ..." with exit status 1, without the usage line that a mistake
/// in the flags gets.
struct PredictFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
