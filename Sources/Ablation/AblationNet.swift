import Randomness
import ResNetModels

/// One net of the ablation: a depth and a family (plain or residual).
///
/// Both families are `ResNet.Configuration.ablation(depth:residual:)`: three stages of widths
/// 16/32/64, basic blocks, option A shortcuts. A plain net and its residual twin have the same
/// layers and the same parameters; the residual one adds each block's input back.
public struct AblationNet: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    /// Weighted layers, as the paper counts them (2 per block + the stem + `fc`).
    public var depth: Int
    /// True for the ResNet, false for its PlainNet twin.
    public var residual: Bool

    /// The net of `depth` weighted layers in the family `residual` picks. The depth is not
    /// checked here; ``build(classes:inputChannels:seed:)`` stops on one that is odd or
    /// below 8.
    public init(depth: Int, residual: Bool) {
        self.depth = depth
        self.residual = residual
    }

    /// `"plain-18"`, `"res-56"`: the name in every file and plot.
    public var name: String { "\(residual ? "res" : "plain")-\(depth)" }

    /// The name `ResNet.named` builds it by: `"ablation-plain-18"`, `"ablation-res-56"`.
    public var modelName: String { "ablation-\(name)" }

    /// The same as ``name``: `"plain-18"`, `"res-56"`.
    public var description: String { name }

    /// The twin with the other family.
    public var twin: AblationNet { AblationNet(depth: depth, residual: !residual) }

    /// Plain before residual, shallow before deep: the order the suite trains in.
    public static func < (a: AblationNet, b: AblationNet) -> Bool {
        (a.depth, a.residual ? 1 : 0) < (b.depth, b.residual ? 1 : 0)
    }

    /// Parses `"plain-18"` or `"res-56"`; nil for anything else, a depth that is odd or below
    /// 8 included.
    public init?(name: String) {
        let parts = name.split(separator: "-")
        guard parts.count == 2, let depth = Int(parts[1]),
            ResNet.Configuration.ablationDepthIsValid(depth)
        else { return nil }
        switch parts[0] {
        case "plain": self.init(depth: depth, residual: false)
        case "res": self.init(depth: depth, residual: true)
        default: return nil
        }
    }

    /// The net, its weights drawn from `seed`. A plain net and its residual twin built from
    /// the same seed hold identical weights: option A shortcuts have no parameters, so both
    /// draw the same numbers for the same layers in the same order.
    ///
    /// The net takes `[N, inputChannels, H, W]` images and returns `[N, classes]` logits.
    ///
    /// - Parameters:
    ///   - classes: outputs of the classifier `fc`.
    ///   - inputChannels: channels of the input images (1 for Fashion-MNIST).
    ///   - seed: the weight seed (`AblationSeeds.model` in a run).
    /// - Returns: the net in training mode, its weights drawn from `seed`.
    public func build(classes: Int = 10, inputChannels: Int = 1, seed: UInt64) -> ResNet {
        var generator = SeededGenerator(seed: seed)
        return ResNet(
            .ablation(
                depth: depth, residual: residual, classes: classes, inputChannels: inputChannels),
            generator: &generator)
    }
}

/// The seeds one ablation seed stands for: the initial weights and the order of the
/// training examples. Every net of a seed shares both, so twins differ only by their
/// shortcuts, and nets of different depths see the same batches in the same order.
public struct AblationSeeds: Codable, Equatable, Sendable {
    /// The ablation seed (`--seeds`) the others are derived from.
    public var seed: UInt64
    /// The seed of every net's initial weights
    /// (``AblationNet/build(classes:inputChannels:seed:)``).
    public var model: UInt64
    /// The seed of the training batches' order
    /// (``AblationData/trainLoader(batchSize:seed:)``).
    public var data: UInt64

    /// Derives the weight and data seeds from `seed` (two draws of a `SeededGenerator`
    /// seeded from it), the same on every machine.
    public init(_ seed: UInt64) {
        var generator = SeededGenerator(seed: seed ^ 0xAB1A_7105)
        self.seed = seed
        model = generator.next()
        data = generator.next()
    }

    /// The shattered-gradients analysis's random readout: one past the model's seed.
    public var readout: UInt64 { model &+ 1 }
    /// The loss landscape's two filter-normalised directions: two and three past it.
    public var landscapeDirections: (UInt64, UInt64) { (model &+ 2, model &+ 3) }
}
