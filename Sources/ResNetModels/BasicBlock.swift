import NN
import Randomness
import TensorCore

/// The basic residual block of ResNet-18/34 and the CIFAR ResNets (He et al. 2015, figure 2
/// left; torchvision's `BasicBlock`): two 3x3 convolutions, each followed by batch norm,
/// with the input added back before the last ReLU.
///
///     out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))
///
/// The stride sits on `conv1`. With `residual: false` the block is its PlainNet twin: the
/// same layers, the addition omitted, no shortcut module.
///
/// - Input: [N, inputChannels, H, W]. Output: [N, channels, ⌈H/stride⌉, ⌈W/stride⌉].
/// - Children (torchvision's names): `conv1`, `bn1`, `relu`, `conv2`, `bn2`, and `downsample`
///   when the shortcut is a projection.
///
/// Lesson 04 builds it and measures what the addition does to the gradient.
public final class BasicBlock: Module, ResidualBlock {
    public static let expansion = 1

    public let inputChannels: Int
    public let outputChannels: Int
    public let stride: Int

    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let relu = ReLU()
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let shortcut: Shortcut?

    // listing: basic-block-init
    /// - Parameters:
    ///   - inputChannels: channels of x (torchvision's `inplanes`).
    ///   - channels: channels of both convolutions and of the output (`planes`).
    ///   - stride: the stride of `conv1` (2 halves the image).
    ///   - shortcut: how to bridge a change of shape (see `ShortcutOption`); torchvision's
    ///     is B.
    ///   - residual: false builds the PlainNet twin, with no shortcut.
    ///   - generator: draws the convolutions' weights (Kaiming normal, fan out).
    public init(
        inputChannels: Int, channels: Int, stride: Int = 1, shortcut: ShortcutOption = .b,
        residual: Bool = true, generator: inout SeededGenerator
    ) {
        checkBlockArguments(
            "BasicBlock", inputChannels: inputChannels, channels: channels, stride: stride)
        self.inputChannels = inputChannels
        self.outputChannels = channels * Self.expansion
        self.stride = stride
        conv1 = conv3x3(
            inputChannels: inputChannels, outputChannels: channels, stride: stride,
            generator: &generator)
        bn1 = BatchNorm2d(channels)
        conv2 = conv3x3(inputChannels: channels, outputChannels: channels, generator: &generator)
        bn2 = BatchNorm2d(channels)
        self.shortcut = Shortcut.make(
            option: shortcut, inputChannels: inputChannels, outputChannels: outputChannels,
            stride: stride, residual: residual, block: "BasicBlock", generator: &generator)
        super.init()
    }
    // listing-end: basic-block-init

    public var weightedLayerCount: Int { 2 }

    public var lastNorm: BatchNorm2d? { bn2 }

    public override var children: [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [
            ("conv1", conv1), ("bn1", bn1), ("relu", relu), ("conv2", conv2), ("bn2", bn2),
        ]
        if let downsample { result.append(("downsample", downsample)) }
        return result
    }

    /// Runs the block: [N, inputChannels, H, W] → [N, outputChannels, ⌈H/stride⌉, ⌈W/stride⌉].
    public override func forward(_ x: Tensor) -> Tensor {
        // listing: basic-block-forward
        let identity = x

        var out = conv1(x)
        out = bn1(out)
        out = relu(out)

        out = conv2(out)
        out = bn2(out)

        if let shortcut { out = out + shortcut(identity) }  // absent in a plain network
        out = relu(out)
        return out
        // listing-end: basic-block-forward
    }
}
