import Randomness

/// Errors from looking up a model by name.
public enum ResNetModelsError: Error, Equatable, CustomStringConvertible {
    /// `name` is not a model name; `valid` lists the standard ones.
    case unknownModelName(String, valid: [String])
    /// `name` asks for a depth beyond `ResNet.Configuration.maximumDepth`.
    case tooDeep(String, maximum: Int)

    /// The problem in a sentence: the valid names and the depths each family takes, or the
    /// maximum depth.
    public var description: String {
        switch self {
        case .unknownModelName(let name, let valid):
            "unknown model name \"\(name)\". Valid names: \(valid.joined(separator: ", ")); "
                + "cifar-resnet/cifar-plain/preact-resnet/preact-plain take any depth 6n + 2 "
                + "(n ≥ 1), ablation-res-/ablation-plain- any even depth ≥ 8"
        case .tooDeep(let name, let maximum):
            "\"\(name)\" is deeper than the \(maximum) layers this course builds by name (the "
                + "deepest net of He et al. 2015, section 4.2, has 1202)"
        }
    }
}

extension ResNet.Configuration {
    /// The deepest net `named(_:)` builds: deeper names are refused before anything is
    /// computed (a typo such as `ablation-res-2000000` would otherwise take all memory).
    public static let maximumDepth = 2000

    /// The standard model names `named(_:)` accepts (it also accepts other valid depths of
    /// the CIFAR, pre-activation and ablation families).
    public static let modelNames: [String] = {
        let imagenet = [18, 34, 50, 101, 152]
        let cifar = [20, 32, 44, 56, 110]
        let ablation = [18, 34, 56]
        return imagenet.map { "resnet\($0)" } + imagenet.map { "plain\($0)" }
            + cifar.map { "cifar-resnet\($0)" } + cifar.map { "cifar-plain\($0)" }
            + cifar.map { "preact-resnet\($0)" } + cifar.map { "preact-plain\($0)" }
            + ablation.map { "ablation-res-\($0)" } + ablation.map { "ablation-plain-\($0)" }
    }()

    /// The configuration a model name stands for:
    ///
    /// | Name | Model |
    /// |---|---|
    /// | `resnet18`, `resnet34`, `resnet50`, `resnet101`, `resnet152` | torchvision's |
    /// | `plain18` ... `plain152` | their PlainNet twins |
    /// | `cifar-resnet20` (any 6n + 2), `cifar-plain20` | He et al. 2015, CIFAR-10 |
    /// | `preact-resnet20` (any 6n + 2), `preact-plain20` | He et al. 2016, CIFAR-10 |
    /// | `ablation-res-18` (any even depth ≥ 8), `ablation-plain-18` | lesson 08's family |
    ///
    /// - Parameters:
    ///   - name: a model name from the table.
    ///   - classes: outputs; nil for the family's default (1000 for ImageNet names, 10
    ///     otherwise).
    ///   - inputChannels: nil for the family's default (1 for the ablation family, 3
    ///     otherwise).
    /// - Throws: `ResNetModelsError.tooDeep` for a name of a family that takes any depth
    ///   asking for more than `maximumDepth`, `ResNetModelsError.unknownModelName`, listing
    ///   the valid names, for any other name the table does not cover.
    public static func named(_ name: String, classes: Int? = nil, inputChannels: Int? = nil)
        throws(ResNetModelsError) -> Self
    {
        func depth(after prefix: String) -> Int? {
            guard name.hasPrefix(prefix) else { return nil }
            let digits = name.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.first != "0" else {
                return nil
            }
            return Int(digits)
        }
        for prefix in ["cifar-resnet", "cifar-plain", "preact-resnet", "preact-plain"]
            + ["ablation-res-", "ablation-plain-"] where name.hasPrefix(prefix)
        {
            let digits = name.dropFirst(prefix.count)
            let isNumber =
                !digits.isEmpty && digits.first != "0"
                && digits.allSatisfy { ("0"..."9").contains($0) }
            // Too many digits for an Int is too deep as well.
            if isNumber && (Int(digits).map { $0 > maximumDepth } ?? true) {
                throw .tooDeep(name, maximum: maximumDepth)
            }
        }
        let imagenet = (classes: classes ?? 1000, channels: inputChannels ?? 3)
        let cifar = (classes: classes ?? 10, channels: inputChannels ?? 3)

        for (prefix, residual) in [("resnet", true), ("plain", false)] {
            if let d = depth(after: prefix), imagenetStages[d] != nil {
                return .resnet(
                    depth: d, classes: imagenet.classes, inputChannels: imagenet.channels,
                    residual: residual)
            }
        }
        for (prefix, residual) in [("cifar-resnet", true), ("cifar-plain", false)] {
            if let d = depth(after: prefix), cifarDepthIsValid(d) {
                return .cifar(
                    depth: d, classes: cifar.classes, inputChannels: cifar.channels,
                    residual: residual)
            }
        }
        for (prefix, residual) in [("preact-resnet", true), ("preact-plain", false)] {
            if let d = depth(after: prefix), cifarDepthIsValid(d) {
                return .preActivation(
                    depth: d, classes: cifar.classes, inputChannels: cifar.channels,
                    residual: residual)
            }
        }
        for (prefix, residual) in [("ablation-res-", true), ("ablation-plain-", false)] {
            if let d = depth(after: prefix), ablationDepthIsValid(d) {
                return .ablation(
                    depth: d, residual: residual, classes: classes ?? 10,
                    inputChannels: inputChannels ?? 1)
            }
        }
        throw .unknownModelName(name, valid: modelNames)
    }
}

extension ResNet {
    /// Builds the model a name stands for (`"resnet18"`, `"cifar-resnet20"`,
    /// `"ablation-plain-56"`, ...; see `Configuration.named(_:)` for the table).
    ///
    /// - Parameters:
    ///   - name: a model name (`Configuration.modelNames` lists the standard ones).
    ///   - classes: outputs; nil for the family's default (1000 for ImageNet names, 10
    ///     otherwise).
    ///   - inputChannels: nil for the family's default (1 for the ablation family, 3
    ///     otherwise).
    ///   - generator: draws every weight.
    /// - Throws: `ResNetModelsError.tooDeep` or `.unknownModelName`, as
    ///   `Configuration.named(_:classes:inputChannels:)`; nothing is built then.
    public static func named(
        _ name: String, classes: Int? = nil, inputChannels: Int? = nil,
        generator: inout SeededGenerator
    ) throws(ResNetModelsError) -> ResNet {
        ResNet(
            try Configuration.named(name, classes: classes, inputChannels: inputChannels),
            generator: &generator)
    }
}
