import Checks
import NN

/// What every ResNet block shares, for the network that stacks them and for summaries and
/// graphs that draw them: its shapes, its shortcut and how many weighted layers it adds.
///
/// `BasicBlock`, `Bottleneck`, `PreActBasicBlock` and `PreActBottleneck` conform.
public protocol ResidualBlock: Module {
    /// Output channels per `channels` (torchvision's `expansion`): 1 for basic blocks, 4 for
    /// bottlenecks.
    static var expansion: Int { get }

    /// Channels of the input x: [N, inputChannels, H, W].
    var inputChannels: Int { get }
    /// Channels of the output: `channels × expansion`.
    var outputChannels: Int { get }
    /// 2 halves the image (the first block of a later stage), 1 keeps it.
    var stride: Int { get }

    /// The path that adds x back, or nil in a plain network.
    var shortcut: Shortcut? { get }

    /// The convolutions on the residual branch, as the paper counts depth (a projection
    /// shortcut is not counted): 2 for basic blocks, 3 for bottlenecks.
    var weightedLayerCount: Int { get }

    /// The batch norm that ends the residual branch, whose weight `zeroInitResidual` sets to
    /// 0 so the block starts as its shortcut (Goyal et al. 2017); nil where the branch ends
    /// with a convolution (pre-activation blocks).
    var lastNorm: BatchNorm2d? { get }
}

extension ResidualBlock {
    /// True when the block adds its shortcut (a ResNet block), false for its PlainNet twin.
    public var residual: Bool { shortcut != nil }

    /// The kind of shortcut (identity, zero-padding or projection), nil in a plain network.
    public var shortcutKind: ShortcutKind? { shortcut?.kind }

    /// The projection shortcut (torchvision's `downsample`), if the block has one.
    public var downsample: Sequential? { shortcut?.downsample }
}

/// Checks the arguments every block takes.
func checkBlockArguments(
    _ block: String, inputChannels: Int, channels: Int, stride: Int
) {
    checkArgument(
        inputChannels > 0, "\(block): inputChannels must be > 0, got \(inputChannels)")
    checkArgument(channels > 0, "\(block): channels must be > 0, got \(channels)")
    checkArgument(stride >= 1, "\(block): stride must be ≥ 1, got \(stride)")
}
