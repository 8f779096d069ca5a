import NN
import Randomness
import TensorCore

/// The pre-activation bottleneck (He et al. 2016, "Identity Mappings in Deep Residual
/// Networks", the bottleneck form of figure 1b, used for their ResNet-200 on ImageNet): batch
/// norm and ReLU before each of the 1×1, 3×3 and 1×1 convolutions, and nothing after the
/// addition, so the path from block to block is a pure identity.
///
///     h   = relu(bn1(x))
///     out = conv3(relu(bn3(conv2(relu(bn2(conv1(h))))))) + shortcut
///
/// As in `Bottleneck` (v1.5) the stride sits on the 3×3 convolution, and the output has
/// `4 × channels` channels. As in `PreActBasicBlock` an identity shortcut adds x, and a
/// zero-padding or projection shortcut reads the pre-activated h. With `residual: false` the
/// block is its PlainNet twin.
///
/// - Input: [N, inputChannels, H, W]. Output: [N, 4·channels, ⌈H/stride⌉, ⌈W/stride⌉].
/// - Children: `bn1`, `relu`, `conv1`, `bn2`, `conv2`, `bn3`, `conv3`, and `downsample` when
///   the shortcut is a projection.
public final class PreActBottleneck: Module, ResidualBlock {
    public static let expansion = 4

    public let inputChannels: Int
    public let outputChannels: Int
    public let stride: Int

    /// The batch norm of the input, over `inputChannels`: the block's pre-activation.
    public let bn1: BatchNorm2d
    /// The ReLU after each batch norm (one module, called three times).
    public let relu = ReLU()
    /// The 1x1 convolution that reduces `inputChannels` to `channels`.
    public let conv1: Conv2d
    /// The batch norm before `conv2`, over `channels`.
    public let bn2: BatchNorm2d
    /// The 3x3 convolution at the reduced width, with the block's stride.
    public let conv2: Conv2d
    /// The batch norm before `conv3`, over `channels`.
    public let bn3: BatchNorm2d
    /// The 1x1 convolution that expands `channels` to `4 × channels`; the branch ends here.
    public let conv3: Conv2d
    public let shortcut: Shortcut?

    /// A pre-activation bottleneck with batch norms at γ = 1, β = 0 and freshly drawn
    /// convolutions.
    /// - Parameters:
    ///   - inputChannels: channels of x.
    ///   - channels: the reduced width of `conv1` and `conv2`; the output has `4 × channels`.
    ///   - stride: the stride of `conv2`, the 3×3 (2 halves the image).
    ///   - shortcut: how to bridge a change of shape (see `ShortcutOption`).
    ///   - residual: false builds the PlainNet twin, with no shortcut.
    ///   - generator: draws the convolutions' weights (Kaiming normal, fan out).
    public init(
        inputChannels: Int, channels: Int, stride: Int = 1, shortcut: ShortcutOption = .b,
        residual: Bool = true, generator: inout SeededGenerator
    ) {
        checkBlockArguments(
            "PreActBottleneck", inputChannels: inputChannels, channels: channels, stride: stride)
        self.inputChannels = inputChannels
        self.outputChannels = channels * Self.expansion
        self.stride = stride
        bn1 = BatchNorm2d(inputChannels)
        conv1 = conv1x1(
            inputChannels: inputChannels, outputChannels: channels, generator: &generator)
        bn2 = BatchNorm2d(channels)
        conv2 = conv3x3(
            inputChannels: channels, outputChannels: channels, stride: stride,
            generator: &generator)
        bn3 = BatchNorm2d(channels)
        conv3 = conv1x1(
            inputChannels: channels, outputChannels: outputChannels, generator: &generator)
        self.shortcut = Shortcut.make(
            option: shortcut, inputChannels: inputChannels, outputChannels: outputChannels,
            stride: stride, residual: residual, block: "PreActBottleneck", generator: &generator)
        super.init()
    }

    public var weightedLayerCount: Int { 3 }

    /// nil: the residual branch ends with `conv3`, so zero-init residual has nothing to zero.
    public var lastNorm: BatchNorm2d? { nil }

    /// `bn1`, `relu`, `conv1`, `bn2`, `conv2`, `bn3`, `conv3`, and `downsample` when the
    /// shortcut is a projection.
    public override var children: [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [
            ("bn1", bn1), ("relu", relu), ("conv1", conv1), ("bn2", bn2), ("conv2", conv2),
            ("bn3", bn3), ("conv3", conv3),
        ]
        if let downsample { result.append(("downsample", downsample)) }
        return result
    }

    /// Runs the block: relu(bn1(x)), the three convolutions each after a batch norm and ReLU,
    /// then the shortcut added, with no ReLU after the addition.
    /// - Parameter x: [N, inputChannels, H, W].
    /// - Returns: [N, outputChannels, ⌈H/stride⌉, ⌈W/stride⌉].
    public override func forward(_ x: Tensor) -> Tensor {
        var out = relu(bn1(x))
        // A shape-changing shortcut reads the pre-activated input; the identity reads x.
        let identity = shortcutKind == .identity ? x : out

        out = conv1(out)  // 1x1: reduce to `channels`
        out = conv2(relu(bn2(out)))  // 3x3 at the reduced width, strided
        out = conv3(relu(bn3(out)))  // 1x1: expand to 4 × channels

        if let shortcut { out = out + shortcut(identity) }  // absent in a plain network
        return out
    }
}
