import NN
import Randomness
import TensorCore

/// The pre-activation basic block (He et al. 2016, "Identity Mappings in Deep Residual
/// Networks", figure 1b): batch norm and ReLU come *before* each convolution, and nothing
/// follows the addition, so the shortcut path from block to block is a pure identity.
///
///     h   = relu(bn1(x))
///     out = conv2(relu(bn2(conv1(h)))) + shortcut
///
/// An identity shortcut adds x itself; a zero-padding or projection shortcut (where the
/// shape changes, or on every block with option C) reads the pre-activated h, as the paper's
/// code does for the block that opens a stage. With `residual: false` the block is its
/// PlainNet twin.
///
/// - Input: [N, inputChannels, H, W]. Output: [N, channels, ⌈H/stride⌉, ⌈W/stride⌉].
/// - Children: `bn1`, `relu`, `conv1`, `bn2`, `conv2`, and `downsample` when the shortcut is
///   a projection.
public final class PreActBasicBlock: Module, ResidualBlock {
    public static let expansion = 1

    public let inputChannels: Int
    public let outputChannels: Int
    public let stride: Int

    /// The batch norm of the input, over `inputChannels`: the block's pre-activation.
    public let bn1: BatchNorm2d
    /// The ReLU after `bn1` and after `bn2` (one module, called twice).
    public let relu = ReLU()
    /// The first 3x3 convolution, `inputChannels` → `channels`, with the block's stride.
    public let conv1: Conv2d
    /// The batch norm between the convolutions, over `channels`.
    public let bn2: BatchNorm2d
    /// The second 3x3 convolution, `channels` → `channels`, stride 1; the branch ends here.
    public let conv2: Conv2d
    public let shortcut: Shortcut?

    /// A pre-activation basic block with batch norms at γ = 1, β = 0 and freshly drawn
    /// convolutions.
    /// - Parameters:
    ///   - inputChannels: channels of x.
    ///   - channels: channels of both convolutions and of the output.
    ///   - stride: the stride of `conv1` (2 halves the image).
    ///   - shortcut: how to bridge a change of shape (see `ShortcutOption`).
    ///   - residual: false builds the PlainNet twin, with no shortcut.
    ///   - generator: draws the convolutions' weights (Kaiming normal, fan out).
    public init(
        inputChannels: Int, channels: Int, stride: Int = 1, shortcut: ShortcutOption = .a,
        residual: Bool = true, generator: inout SeededGenerator
    ) {
        checkBlockArguments(
            "PreActBasicBlock", inputChannels: inputChannels, channels: channels, stride: stride)
        self.inputChannels = inputChannels
        self.outputChannels = channels * Self.expansion
        self.stride = stride
        bn1 = BatchNorm2d(inputChannels)
        conv1 = conv3x3(
            inputChannels: inputChannels, outputChannels: channels, stride: stride,
            generator: &generator)
        bn2 = BatchNorm2d(channels)
        conv2 = conv3x3(inputChannels: channels, outputChannels: channels, generator: &generator)
        self.shortcut = Shortcut.make(
            option: shortcut, inputChannels: inputChannels, outputChannels: outputChannels,
            stride: stride, residual: residual, block: "PreActBasicBlock", generator: &generator)
        super.init()
    }

    public var weightedLayerCount: Int { 2 }

    /// nil: the residual branch ends with `conv2`, so zero-init residual has nothing to zero.
    public var lastNorm: BatchNorm2d? { nil }

    /// `bn1`, `relu`, `conv1`, `bn2`, `conv2`, and `downsample` when the shortcut is a
    /// projection.
    public override var children: [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [
            ("bn1", bn1), ("relu", relu), ("conv1", conv1), ("bn2", bn2), ("conv2", conv2),
        ]
        if let downsample { result.append(("downsample", downsample)) }
        return result
    }

    /// Runs the block: relu(bn1(x)), the two convolutions, then the shortcut added, with no
    /// ReLU after the addition.
    /// - Parameter x: [N, inputChannels, H, W].
    /// - Returns: [N, outputChannels, ⌈H/stride⌉, ⌈W/stride⌉].
    public override func forward(_ x: Tensor) -> Tensor {
        var out = bn1(x)
        out = relu(out)
        let preActivated = out
        // A shape-changing shortcut reads the pre-activated input; the identity reads x.
        let identity = shortcutKind == .identity ? x : preActivated

        out = conv1(out)
        out = bn2(out)
        out = relu(out)
        out = conv2(out)

        if let shortcut { out = out + shortcut(identity) }  // absent in a plain network
        return out
    }
}
