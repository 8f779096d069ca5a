import NN
import Randomness
import TensorCore

/// The bottleneck block of ResNet-50/101/152 (He et al. 2015, figure 5 right; torchvision's
/// `Bottleneck`): a 1x1 convolution reduces the channels, a 3x3 convolution works at the
/// reduced width, and a 1x1 convolution expands to four times the width; each is followed by
/// batch norm, and the input is added back before the last ReLU.
///
///     out = relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x))
///
/// The stride sits on `conv2` (torchvision's v1.5) or on `conv1` (the paper's v1), see
/// `BottleneckStride`. With `residual: false` the block is its PlainNet twin.
///
/// - Input: [N, inputChannels, H, W]. Output: [N, 4·channels, ⌈H/stride⌉, ⌈W/stride⌉].
/// - Children (torchvision's names and order): `conv1`, `bn1`, `conv2`, `bn2`, `conv3`,
///   `bn3`, `relu`, and `downsample` when the shortcut is a projection.
///
/// Lesson 05 builds it and counts what the 1x1 convolutions save.
public final class Bottleneck: Module, ResidualBlock {
    public static let expansion = 4

    public let inputChannels: Int
    public let outputChannels: Int
    public let stride: Int
    /// Which convolution has the stride.
    public let strideOn: BottleneckStride

    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let conv3: Conv2d
    public let bn3: BatchNorm2d
    public let relu = ReLU()
    public let shortcut: Shortcut?

    /// A bottleneck block with batch norms at γ = 1, β = 0 and freshly drawn convolutions.
    /// - Parameters:
    ///   - inputChannels: channels of x (torchvision's `inplanes`).
    ///   - channels: the reduced width of `conv1` and `conv2` (`planes`); the output has
    ///     `4 × channels`.
    ///   - stride: 2 halves the image.
    ///   - strideOn: `.onConv3x3` (v1.5, torchvision) or `.onFirstConv1x1` (v1, the paper).
    ///   - shortcut: how to bridge a change of shape (see `ShortcutOption`); torchvision's
    ///     is B.
    ///   - residual: false builds the PlainNet twin, with no shortcut.
    ///   - generator: draws the convolutions' weights (Kaiming normal, fan out).
    public init(
        inputChannels: Int, channels: Int, stride: Int = 1,
        strideOn: BottleneckStride = .onConv3x3, shortcut: ShortcutOption = .b,
        residual: Bool = true, generator: inout SeededGenerator
    ) {
        checkBlockArguments(
            "Bottleneck", inputChannels: inputChannels, channels: channels, stride: stride)
        self.inputChannels = inputChannels
        self.outputChannels = channels * Self.expansion
        self.stride = stride
        self.strideOn = strideOn
        // listing: bottleneck-layers
        let (stride1, stride2) = strideOn == .onConv3x3 ? (1, stride) : (stride, 1)
        conv1 = conv1x1(
            inputChannels: inputChannels, outputChannels: channels, stride: stride1,
            generator: &generator)
        bn1 = BatchNorm2d(channels)
        conv2 = conv3x3(
            inputChannels: channels, outputChannels: channels, stride: stride2,
            generator: &generator)
        bn2 = BatchNorm2d(channels)
        conv3 = conv1x1(
            inputChannels: channels, outputChannels: outputChannels, generator: &generator)
        bn3 = BatchNorm2d(outputChannels)
        // listing-end: bottleneck-layers
        self.shortcut = Shortcut.make(
            option: shortcut, inputChannels: inputChannels, outputChannels: outputChannels,
            stride: stride, residual: residual, block: "Bottleneck", generator: &generator)
        super.init()
    }

    public var weightedLayerCount: Int { 3 }

    public var lastNorm: BatchNorm2d? { bn3 }

    public override var children: [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [
            ("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3),
            ("bn3", bn3), ("relu", relu),
        ]
        if let downsample { result.append(("downsample", downsample)) }
        return result
    }

    /// Runs the block: [N, inputChannels, H, W] → [N, outputChannels, ⌈H/stride⌉, ⌈W/stride⌉].
    public override func forward(_ x: Tensor) -> Tensor {
        // listing: bottleneck-forward
        let identity = x

        var out = conv1(x)  // 1x1: reduce to `channels`
        out = bn1(out)
        out = relu(out)

        out = conv2(out)  // 3x3 at the reduced width
        out = bn2(out)
        out = relu(out)

        out = conv3(out)  // 1x1: expand to 4 × channels
        out = bn3(out)

        if let shortcut { out = out + shortcut(identity) }  // absent in a plain network
        out = relu(out)
        return out
        // listing-end: bottleneck-forward
    }
}
