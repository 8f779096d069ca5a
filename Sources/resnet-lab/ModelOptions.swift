import ArgumentParser
import NN
import Randomness
import ResNetModels

/// The options that pick and shape a model, shared by `summary` and `graph`.
struct ModelOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The model: resnet18…resnet152, cifar-resnet20…110, ablation-res-18/34/56,",
            discussion: "ablation-plain-18/34/56, preact-resnet20…, and plainN twins."))
    var model: String

    @Option(help: "Output classes (default: the family's, 1000 for ImageNet models, 10 otherwise).")
    var classes: Int?

    @Option(help: "Input channels (default: 3, or 1 for the ablation family).")
    var inChannels: Int?

    @Option(
        help: "Input height×width, e.g. 224x224 (default: 224x224, 32x32 CIFAR, 28x28 ablation).")
    var input: String?

    @Option(help: "Seed for the (random) weights.")
    var seed: UInt64 = 0

    func validate() throws {
        try checkThreadsEnvironment(threads: nil, usesThreads: false)
        if let classes, classes < 1 {
            throw ValidationError("--classes must be at least 1, got \(classes)")
        }
        if let inChannels, inChannels < 1 {
            throw ValidationError("--in-channels must be at least 1, got \(inChannels)")
        }
        if let input, parseSize(input) == nil {
            throw ValidationError("--input must look like 224x224 (height×width), got '\(input)'")
        }
    }

    /// Builds the model; an unknown name becomes a validation error that lists valid names.
    func build() throws -> ResNet {
        var generator = SeededGenerator(seed: seed)
        do {
            return try ResNet.named(
                model, classes: classes, inputChannels: inChannels, generator: &generator)
        } catch {
            throw ValidationError("--model: \(error)")
        }
    }

    /// [1, C, H, W] for the model.
    func inputShape(for model: ResNet) -> [Int] {
        let (height, width) =
            input.flatMap(parseSize)
            ?? (model.configuration.stem == .imagenet
                ? (224, 224) : model.configuration.inputChannels == 1 ? (28, 28) : (32, 32))
        return [1, model.configuration.inputChannels, height, width]
    }

    private func parseSize(_ text: String) -> (Int, Int)? {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h > 0, w > 0 else {
            return nil
        }
        return (h, w)
    }
}
