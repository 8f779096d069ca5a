import ArgumentParser
import NN
import Randomness
import ResNetModels
import Training

/// The options that name an architecture (`--model`, `--classes`, `--in-channels`), shared by
/// `summary`, `graph` (through `ModelOptions`) and `predict`, and checked once here.
struct ArchitectureOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The model: resnet18…resnet152, cifar-resnet20…110, ablation-res-18/34/56,",
            discussion: "ablation-plain-18/34/56, preact-resnet20…, and plainN twins."))
    var model: String

    @Option(
        parsing: .unconditional,
        help: "Output classes (default: the family's, 1000 for ImageNet models, 10 otherwise).")
    var classes: Int?

    @Option(
        parsing: .unconditional, help: "Input channels (default: 3, or 1 for the ablation family).")
    var inChannels: Int?

    /// Checks `--classes` and `--in-channels`.
    func validate() throws {
        let most = ModelOptions.largestSetting
        if let classes, !(1...most).contains(classes) {
            throw ValidationError("--classes must be between 1 and \(most), got \(classes)")
        }
        if let inChannels, !(1...most).contains(inChannels) {
            throw ValidationError("--in-channels must be between 1 and \(most), got \(inChannels)")
        }
    }

    /// The architecture `--model` names; an unknown name becomes a validation error that lists
    /// the valid ones.
    func configuration() throws -> ResNet.Configuration {
        do {
            return try .named(model, classes: classes, inputChannels: inChannels)
        } catch {
            throw ValidationError("--model: \(error)")
        }
    }
}

/// The options that pick and shape a model with random weights, shared by `summary` and
/// `graph`: the architecture, the input size and the seed.
struct ModelOptions: ParsableArguments {
    @OptionGroup var architecture: ArchitectureOptions
    /// `--model`.
    var model: String { architecture.model }

    @Option(
        parsing: .unconditional,
        help: "Input height×width, e.g. 224x224 (default: 224x224, 32x32 CIFAR, 28x28 ablation).")
    var input: String?

    @Option(parsing: .unconditional, help: "Seed for the (random) weights.")
    var seed: UInt64 = 0

    /// The largest `--classes`, `--in-channels` and `--input` side accepted: far beyond any
    /// data set (ImageNet-21k has 21,841 classes), small enough that no size computed from
    /// them overflows. What fits in memory is checked separately, before building.
    static let largestSetting = 1_000_000

    /// Refuses a forward pass of `batch` images of `height` × `width` through `configuration`
    /// (all layer outputs kept) that needs more memory than this machine has free; `what`
    /// begins the message, `advice` ends it.
    static func checkForwardMemory(
        _ configuration: ResNet.Configuration, height: Int, width: Int, batch: Int,
        what: String, advice: String
    ) throws {
        let needed = configuration.size(height: height, width: width).forwardBytes(batch: batch)
        guard let available = MachineMemory.available, needed > available else { return }
        let pass = batch == 1 ? "one forward pass" : "a forward pass of \(batch) images"
        throw ValidationError(
            "\(what) needs about \(describeBytes(needed)) for its weights and \(pass), more than "
                + "the \(describeBytes(available)) \(MachineMemory.availableSource): \(advice)")
    }

    func validate() throws {
        try checkThreadsEnvironment(threads: nil, usesThreads: false)
        if let input, parseSize(input) == nil {
            throw ValidationError(
                "--input must look like 224x224 (height×width, each 1 to \(Self.largestSetting)), "
                    + "got '\(input)'")
        }
    }

    /// Builds the model, after checking that it and a forward pass of one image fit in this
    /// machine's memory; an unknown name becomes a validation error that lists valid names.
    func build() throws -> ResNet {
        let configuration = try architecture.configuration()
        let (height, width) = inputSize(for: configuration)
        try Self.checkForwardMemory(
            configuration, height: height, width: width, batch: 1,
            what: "--model \(model) with \(configuration.classes) classes and a \(height)×\(width) "
                + "input",
            advice: "choose a smaller --input, --in-channels, --classes or --model")
        var generator = SeededGenerator(seed: seed)
        return ResNet(configuration, generator: &generator)
    }

    /// [1, C, H, W] for the model.
    func inputShape(for model: ResNet) -> [Int] {
        let (height, width) = inputSize(for: model.configuration)
        return [1, model.configuration.inputChannels, height, width]
    }

    /// `--input`, or the family's usual size.
    private func inputSize(for configuration: ResNet.Configuration) -> (Int, Int) {
        input.flatMap(parseSize)
            ?? (configuration.stem == .imagenet
                ? (224, 224) : configuration.inputChannels == 1 ? (28, 28) : (32, 32))
    }

    private func parseSize(_ text: String) -> (Int, Int)? {
        let parts = text.lowercased().split(separator: "x")
        let range = 1...Self.largestSetting
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]),
            range.contains(h), range.contains(w)
        else {
            return nil
        }
        return (h, w)
    }
}
