import Checks

extension ResNet {
    /// The first layers, before the stages.
    public enum Stem: String, Sendable, Hashable, Codable, CaseIterable {
        /// ImageNet (224x224): 7x7 convolution with stride 2, batch norm, ReLU, 3x3 max pool
        /// with stride 2; the image shrinks by 4 before `layer1`.
        case imagenet
        /// CIFAR (32x32, He et al. 2015 section 4.2): 3x3 convolution with stride 1, batch
        /// norm, ReLU, no pooling. For small images such as Fashion-MNIST's 28x28.
        case cifar
    }

    /// The block every stage is made of.
    public enum BlockKind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `BasicBlock`: two 3x3 convolutions (ResNet-18/34, CIFAR ResNets).
        case basic
        /// `Bottleneck`: 1x1, 3x3, 1x1 with four times wider output (ResNet-50/101/152).
        case bottleneck
        /// `PreActBasicBlock`: batch norm and ReLU before each convolution (He et al. 2016).
        /// The network then has no batch norm in its stem, and a final batch norm and ReLU
        /// (`bn`, `relu`) before pooling.
        case preActivationBasic
        /// `PreActBottleneck`: the bottleneck with batch norm and ReLU before each
        /// convolution (He et al. 2016), four times wider output.
        case preActivationBottleneck

        /// Output channels per block width: 1, or 4 for bottlenecks.
        public var expansion: Int {
            switch self {
            case .basic: BasicBlock.expansion
            case .bottleneck: Bottleneck.expansion
            case .preActivationBasic: PreActBasicBlock.expansion
            case .preActivationBottleneck: PreActBottleneck.expansion
            }
        }

        /// Weighted layers per block, as the paper counts depth: 2, or 3 for bottlenecks.
        public var weightedLayers: Int {
            self == .bottleneck || self == .preActivationBottleneck ? 3 : 2
        }

        /// Whether batch norm and ReLU come before the convolutions (He et al. 2016): the
        /// network then has no batch norm in its stem and ends with `bn` and `relu`.
        public var isPreActivation: Bool {
            self == .preActivationBasic || self == .preActivationBottleneck
        }
    }

    /// Everything that decides a ResNet's architecture. `ResNet(configuration, generator:)`
    /// builds it; the factories (`.resnet(depth:)`, `.cifar(depth:)`, `.ablation(depth:)`,
    /// `.preActivation(depth:)`, `.named(_:)`) fill it in.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The block of every stage.
        public var block: BlockKind
        /// Blocks per stage, e.g. [2, 2, 2, 2] for ResNet-18, [3, 3, 3] for CIFAR ResNet-20.
        public var blocksPerStage: [Int]
        /// The width of each stage (torchvision's `planes`): [64, 128, 256, 512] for ImageNet,
        /// [16, 32, 64] for CIFAR. A stage outputs `width × block.expansion` channels; the
        /// stem outputs `stageWidths[0]`.
        public var stageWidths: [Int]
        /// The first layers.
        public var stem: Stem
        /// Channels of the input image (3 for RGB, 1 for grayscale).
        public var inputChannels: Int
        /// Outputs of the final linear layer.
        public var classes: Int
        /// How blocks bridge a change of shape (B in torchvision, A for the CIFAR nets).
        public var shortcut: ShortcutOption
        /// False builds the PlainNet twin: the same layers, no shortcuts (and so no projection
        /// modules, which makes a plain twin of an option-B/C net smaller than its ResNet).
        public var residual: Bool
        /// Where bottlenecks put their stride (torchvision: on the 3x3, v1.5).
        public var bottleneckStride: BottleneckStride
        /// Start the last batch norm of each block at weight 0, so each residual block begins
        /// as its shortcut (Goyal et al. 2017; torchvision's `zero_init_residual`).
        public var zeroInitResidual: Bool

        /// A configuration with every field given; the defaults are torchvision's (RGB input,
        /// 1000 classes, option B, residual, v1.5 bottlenecks, no zero-init). Nothing is
        /// checked here: `ResNet(_:generator:)` stops with a message naming the field when
        /// the configuration cannot be built.
        public init(
            block: BlockKind, blocksPerStage: [Int], stageWidths: [Int], stem: Stem,
            inputChannels: Int = 3, classes: Int = 1000, shortcut: ShortcutOption = .b,
            residual: Bool = true, bottleneckStride: BottleneckStride = .onConv3x3,
            zeroInitResidual: Bool = false
        ) {
            self.block = block
            self.blocksPerStage = blocksPerStage
            self.stageWidths = stageWidths
            self.stem = stem
            self.inputChannels = inputChannels
            self.classes = classes
            self.shortcut = shortcut
            self.residual = residual
            self.bottleneckStride = bottleneckStride
            self.zeroInitResidual = zeroInitResidual
        }

        /// The nominal depth: weighted layers (convolutions and the linear layer) on the
        /// longest path, not counting projection shortcuts, as He et al. count it.
        public var depth: Int {
            1 + blocksPerStage.reduce(0, +) * block.weightedLayers + 1
        }

        /// Channels that reach the pooling and the linear layer (`fc.in_features`).
        public var featureCount: Int { (stageWidths.last ?? 0) * block.expansion }

        /// Stops with a message naming the field when the configuration cannot be built.
        func validate() {
            checkArgument(
                !blocksPerStage.isEmpty,
                "ResNet.Configuration: blocksPerStage must list at least one stage, got []")
            checkArgument(
                blocksPerStage.count == stageWidths.count,
                "ResNet.Configuration: blocksPerStage \(blocksPerStage) and stageWidths "
                    + "\(stageWidths) must have one entry per stage")
            checkArgument(
                blocksPerStage.allSatisfy { $0 >= 1 },
                "ResNet.Configuration: blocksPerStage must be ≥ 1 each, got \(blocksPerStage)")
            checkArgument(
                stageWidths.allSatisfy { $0 >= 1 },
                "ResNet.Configuration: stageWidths must be ≥ 1 each, got \(stageWidths)")
            checkArgument(
                inputChannels >= 1,
                "ResNet.Configuration: inputChannels must be ≥ 1, got \(inputChannels)")
            checkArgument(classes >= 1, "ResNet.Configuration: classes must be ≥ 1, got \(classes)")
        }
    }
}
