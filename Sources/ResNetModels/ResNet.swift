import Checks
import NN
import Randomness
import TensorCore

/// A deep residual network (He et al. 2015, "Deep Residual Learning for Image Recognition"),
/// built as torchvision's `ResNet`: a stem, stages of residual blocks (`layer1`...`layerN`,
/// each made by `makeLayer`), global average pooling and one linear layer.
///
///     conv1 → bn1 → relu → [maxpool] → layer1 → ... → layerN → avgpool → flatten → fc
///
/// The first stage keeps the image size; each later stage halves it in its first block and
/// widens the channels. The configuration chooses the block (basic, bottleneck,
/// pre-activation), the stem (ImageNet or CIFAR), the widths and depths, the shortcut option
/// and whether the net is residual at all (`residual: false` gives its PlainNet twin).
/// A pre-activation network has no `bn1` in its stem and ends its stages with `bn` and
/// `relu` instead.
///
/// Parameter names are torchvision's state-dict keys (`layer1.0.conv1.weight`,
/// `layer2.0.downsample.1.running_mean`, `fc.bias`), in the same order, so weights move
/// between the two without a mapping table.
///
/// Initialisation as torchvision: convolutions Kaiming normal (fan out, ReLU gain), batch
/// norm weight 1 and bias 0, the linear layer PyTorch's default U(−1/√in, 1/√in); with
/// `zeroInitResidual`, the last batch norm of each block starts at weight 0.
///
/// - Input: [N, inputChannels, H, W]. Output: [N, classes] logits.
///
/// Lesson 06 builds the family; `ResNet.named(_:)` lists every factory.
public final class ResNet: Module {
    /// What was built.
    public let configuration: Configuration

    /// The stem's convolution: [stageWidths[0], inputChannels, 7, 7] with stride 2 (ImageNet)
    /// or [stageWidths[0], inputChannels, 3, 3] with stride 1 (CIFAR). Replaceable, e.g. by a
    /// one-channel convolution for grayscale input (lesson 10); `configuration` keeps
    /// describing what was built.
    public var conv1: Conv2d
    /// The stem's batch norm; nil in a pre-activation network (its first block normalises).
    public let bn1: BatchNorm2d?
    /// The ReLU of the stem (and, in a pre-activation network, of the final `bn`).
    public let relu = ReLU()
    /// The ImageNet stem's 3x3/2 max pool; nil for the CIFAR stem.
    public let maxpool: MaxPool2d?
    /// The stages: `layers[0]` is `layer1`. Each is a `Sequential` of `ResidualBlock`s.
    public let layers: [Sequential]
    /// The final batch norm of a pre-activation network, before `relu` and pooling; nil
    /// otherwise.
    public let bn: BatchNorm2d?
    /// Global average pooling: [N, C, H, W] → [N, C, 1, 1].
    public let avgpool = AdaptiveAvgPool2d(outputSize: 1)
    /// The classifier: a `Linear` from `featureCount` to `classes`. Replaceable: a new
    /// `Linear` for fine-tuning (lesson 09), or `Identity()` to output features.
    public var fc: Module

    /// Builds the network `configuration` describes, drawing every weight from `generator`.
    public init(_ configuration: Configuration, generator: inout SeededGenerator) {
        configuration.validate()
        self.configuration = configuration
        let c = configuration
        let stemWidth = c.stageWidths[0]
        let preActivation = c.block.isPreActivation

        switch c.stem {
        case .imagenet:
            conv1 = heInitialized(
                Conv2d(
                    inputChannels: c.inputChannels, outputChannels: stemWidth, kernelSize: 7,
                    stride: 2, padding: 3, bias: false, generator: &generator),
                generator: &generator)
            maxpool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
        case .cifar:
            conv1 = conv3x3(
                inputChannels: c.inputChannels, outputChannels: stemWidth, generator: &generator)
            maxpool = nil
        }
        bn1 = preActivation ? nil : BatchNorm2d(stemWidth)

        // listing: resnet-stages
        var layers: [Sequential] = []
        var channels = stemWidth
        for (stage, (width, blocks)) in zip(c.stageWidths, c.blocksPerStage).enumerated() {
            let layer = ResNet.makeLayer(
                c.block, inputChannels: channels, channels: width, blocks: blocks,
                stride: stage == 0 ? 1 : 2, shortcut: c.shortcut, residual: c.residual,
                bottleneckStride: c.bottleneckStride, generator: &generator)
            layers.append(layer)
            channels = width * c.block.expansion
        }
        self.layers = layers
        // listing-end: resnet-stages

        bn = preActivation ? BatchNorm2d(channels) : nil
        fc = Linear(inputFeatures: channels, outputFeatures: c.classes, generator: &generator)
        super.init()

        if c.zeroInitResidual {
            for block in blocks {
                if let norm = block.lastNorm { Init.zeros(norm.weight) }
            }
        }
    }

    // listing: make-layer
    /// One stage (torchvision's `_make_layer`): `blocks` blocks of width `channels`; the
    /// first takes `inputChannels` and `stride` (and gets a shortcut that bridges the change
    /// of shape), the others keep the shape.
    ///
    /// - Returns: a `Sequential` of blocks named "0", "1", ...; input [N, inputChannels, H, W],
    ///   output [N, channels × expansion, ⌈H/stride⌉, ⌈W/stride⌉].
    public static func makeLayer(
        _ block: BlockKind, inputChannels: Int, channels: Int, blocks: Int, stride: Int,
        shortcut: ShortcutOption, residual: Bool,
        bottleneckStride: BottleneckStride = .onConv3x3, generator: inout SeededGenerator
    ) -> Sequential {
        checkArgument(blocks >= 1, "ResNet.makeLayer: blocks must be ≥ 1, got \(blocks)")
        var modules: [Module] = []
        var input = inputChannels
        for index in 0..<blocks {
            let blockStride = index == 0 ? stride : 1
            switch block {
            case .basic:
                modules.append(
                    BasicBlock(
                        inputChannels: input, channels: channels, stride: blockStride,
                        shortcut: shortcut, residual: residual, generator: &generator))
            case .bottleneck:
                modules.append(
                    Bottleneck(
                        inputChannels: input, channels: channels, stride: blockStride,
                        strideOn: bottleneckStride, shortcut: shortcut, residual: residual,
                        generator: &generator))
            case .preActivationBasic:
                modules.append(
                    PreActBasicBlock(
                        inputChannels: input, channels: channels, stride: blockStride,
                        shortcut: shortcut, residual: residual, generator: &generator))
            case .preActivationBottleneck:
                modules.append(
                    PreActBottleneck(
                        inputChannels: input, channels: channels, stride: blockStride,
                        shortcut: shortcut, residual: residual, generator: &generator))
            }
            input = channels * block.expansion
        }
        return Sequential(modules)
    }
    // listing-end: make-layer

    // MARK: - The tree

    /// torchvision's order: `conv1`, `bn1`, `relu`, `maxpool` (ImageNet stem), `layer1` ...
    /// `layerN`, `avgpool`, `fc`. A pre-activation network lists `conv1`, `maxpool` (with the
    /// ImageNet stem), the stages, `bn`, `relu`, `avgpool`, `fc`: the order `forward` runs them.
    public override var children: [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [("conv1", conv1)]
        if let bn1 { result.append(("bn1", bn1)) }
        let stages = layers.enumerated().map { ("layer\($0.offset + 1)", $0.element as Module) }
        if let bn {  // pre-activation: conv1, [maxpool], stages, bn, relu
            if let maxpool { result.append(("maxpool", maxpool)) }
            result += stages + [("bn", bn), ("relu", relu)]
        } else {  // torchvision: conv1, bn1, relu, maxpool, stages
            result.append(("relu", relu))
            if let maxpool { result.append(("maxpool", maxpool)) }
            result += stages
        }
        return result + [("avgpool", avgpool), ("fc", fc)]
    }

    /// Every block, stage by stage.
    public var blocks: [any ResidualBlock] {
        layers.flatMap { $0.modules.compactMap { $0 as? any ResidualBlock } }
    }

    /// Weighted layers on the longest path, as the paper counts depth: the stem convolution,
    /// each block's branch convolutions, and `fc` while it is a `Linear` (projection
    /// shortcuts are not counted). Equals `configuration.depth` for an unmodified network.
    public var weightedLayerCount: Int {
        1 + blocks.reduce(0) { $0 + $1.weightedLayerCount } + (fc is Linear ? 1 : 0)
    }

    /// Channels entering `fc` (torchvision's `fc.in_features`).
    public var featureCount: Int { configuration.featureCount }

    // MARK: - Forward

    /// The network's output for a batch of images: the stem, the stages, global average
    /// pooling, then `fc`.
    /// - Parameter x: [N, inputChannels, H, W] with any H, W ≥ 1: every strided layer keeps
    ///   at least one pixel, and the pooling is global.
    /// - Returns: [N, classes] logits; with `fc` replaced, what it returns for
    ///   [N, featureCount] (the features themselves for `Identity()`).
    public override func forward(_ x: Tensor) -> Tensor {
        var out = conv1(x)
        if let bn1 {
            out = bn1(out)
            out = relu(out)
        }
        if let maxpool { out = maxpool(out) }

        for layer in layers { out = layer(out) }

        if let bn {  // pre-activation networks normalise and activate the last block's sum
            out = bn(out)
            out = relu(out)
        }
        out = avgpool(out)
        out = out.flattened(startDim: 1)
        out = fc(out)
        return out
    }
}
