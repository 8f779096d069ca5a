import Checks
import Randomness

// The families: torchvision's five ImageNet ResNets, the paper's CIFAR-10 networks (6n + 2
// layers), the plain-vs-residual ablation family of lesson 08, and pre-activation CIFAR
// networks. Each has a `Configuration` factory (architecture only) and a `ResNet` factory
// that builds it. `residual: false` gives every one its PlainNet twin.

extension ResNet.Configuration {
    /// Blocks per stage of torchvision's ImageNet ResNets, by depth.
    public static let imagenetStages: [Int: (block: ResNet.BlockKind, blocks: [Int])] = [
        18: (.basic, [2, 2, 2, 2]),
        34: (.basic, [3, 4, 6, 3]),
        50: (.bottleneck, [3, 4, 6, 3]),
        101: (.bottleneck, [3, 4, 23, 3]),
        152: (.bottleneck, [3, 8, 36, 3]),
    ]

    /// torchvision's `resnet18` ... `resnet152` (He et al. 2015, table 1): ImageNet stem,
    /// stage widths 64/128/256/512, shortcut option B, bottlenecks with the stride on the 3x3
    /// (v1.5).
    ///
    /// - Parameters:
    ///   - depth: 18, 34, 50, 101 or 152 (the call stops with a message for another).
    ///   - classes: outputs of `fc`.
    ///   - inputChannels: channels of the input image.
    ///   - residual: false for the PlainNet twin.
    ///   - zeroInitResidual: start each block's last batch norm at weight 0.
    public static func resnet(
        depth: Int, classes: Int = 1000, inputChannels: Int = 3, residual: Bool = true,
        zeroInitResidual: Bool = false
    ) -> Self {
        guard let stages = imagenetStages[depth] else {
            fatalError(
                "ResNet.resnet: depth must be one of 18, 34, 50, 101, 152, got \(depth)")
        }
        return Self(
            block: stages.block, blocksPerStage: stages.blocks, stageWidths: [64, 128, 256, 512],
            stem: .imagenet, inputChannels: inputChannels, classes: classes, shortcut: .b,
            residual: residual, zeroInitResidual: zeroInitResidual)
    }

    /// The CIFAR-10 ResNets of He et al. 2015, section 4.2: a 3x3 stem, three stages of n
    /// basic blocks with widths 16/32/64, depth 6n + 2 (20, 32, 44, 56, 110, ...).
    ///
    /// - Parameters:
    ///   - depth: 6n + 2 for n ≥ 1 (the call stops with a message otherwise).
    ///   - classes: outputs of `fc`.
    ///   - inputChannels: channels of the input image.
    ///   - shortcut: A in the paper (no parameters, so plain and residual twins match).
    ///   - residual: false for the PlainNet twin.
    public static func cifar(
        depth: Int, classes: Int = 10, inputChannels: Int = 3, shortcut: ShortcutOption = .a,
        residual: Bool = true
    ) -> Self {
        let n = sixNPlusTwo(depth, factory: "ResNet.cifar")
        return Self(
            block: .basic, blocksPerStage: [n, n, n], stageWidths: [16, 32, 64], stem: .cifar,
            inputChannels: inputChannels, classes: classes, shortcut: shortcut,
            residual: residual)
    }

    /// The ablation family of lesson 08 (and `bench/torch_ablation.py`): CIFAR ResNets of any
    /// even depth d = 2·blocks + 2, with the blocks spread over the three stages front-first
    /// (18 → [3, 3, 2], 34 → [6, 5, 5], 56 → [9, 9, 9]), option A shortcuts, one input channel
    /// and ten classes (Fashion-MNIST).
    ///
    /// - Parameters:
    ///   - depth: even, ≥ 8 (at least one block per stage; the call stops with a message
    ///     otherwise).
    ///   - residual: false for the PlainNet twin (option A makes both the same size).
    ///   - classes: outputs of `fc`.
    ///   - inputChannels: channels of the input image.
    public static func ablation(
        depth: Int, residual: Bool = true, classes: Int = 10, inputChannels: Int = 1
    ) -> Self {
        checkArgument(
            ablationDepthIsValid(depth),
            "ResNet.ablation: depth must be even and ≥ 8 (2 per block + stem + fc, at least "
                + "one block per stage), got \(depth)")
        return Self(
            block: .basic, blocksPerStage: spreadFrontFirst(blocks: (depth - 2) / 2, stages: 3),
            stageWidths: [16, 32, 64], stem: .cifar, inputChannels: inputChannels,
            classes: classes, shortcut: .a, residual: residual)
    }

    /// The small ResNet of lessons 09-11: a 3x3 stem and four stages of one basic block,
    /// widths 16/32/64/128 (a ResNet-10 on the CIFAR stem; 28x28 inputs end at 4x4), option B
    /// shortcuts. Small enough to pre-train on Fashion-MNIST in seconds, deep enough to have
    /// the four stages fine-tuning works with.
    ///
    /// - Parameters:
    ///   - classes: outputs of `fc`.
    ///   - inputChannels: channels of the input image.
    public static func fourStage(classes: Int, inputChannels: Int = 1) -> Self {
        Self(
            block: .basic, blocksPerStage: [1, 1, 1, 1], stageWidths: [16, 32, 64, 128],
            stem: .cifar, inputChannels: inputChannels, classes: classes)
    }

    /// Pre-activation CIFAR ResNets (He et al. 2016): `PreActBasicBlock`s in three stages of
    /// widths 16/32/64, depth 6n + 2, a stem convolution without batch norm and a final
    /// batch norm and ReLU before pooling.
    ///
    /// - Parameters:
    ///   - depth: 6n + 2 for n ≥ 1 (the call stops with a message otherwise).
    ///   - classes: outputs of `fc`.
    ///   - inputChannels: channels of the input image.
    ///   - shortcut: how blocks bridge a change of shape (A by default, as for `cifar`).
    ///   - residual: false for the PlainNet twin.
    public static func preActivation(
        depth: Int, classes: Int = 10, inputChannels: Int = 3, shortcut: ShortcutOption = .a,
        residual: Bool = true
    ) -> Self {
        let n = sixNPlusTwo(depth, factory: "ResNet.preActivation")
        return Self(
            block: .preActivationBasic, blocksPerStage: [n, n, n], stageWidths: [16, 32, 64],
            stem: .cifar, inputChannels: inputChannels, classes: classes, shortcut: shortcut,
            residual: residual)
    }

    /// `blocks` spread over `stages` as evenly as possible, the extra ones going to the
    /// earliest stages: 8 over 3 → [3, 3, 2].
    public static func spreadFrontFirst(blocks: Int, stages: Int) -> [Int] {
        (0..<stages).map { blocks / stages + ($0 < blocks % stages ? 1 : 0) }
    }

    /// Whether `ablation(depth:)` accepts `depth`: even and ≥ 8.
    public static func ablationDepthIsValid(_ depth: Int) -> Bool {
        depth >= 8 && depth % 2 == 0
    }

    static func cifarDepthIsValid(_ depth: Int) -> Bool {
        depth >= 8 && (depth - 2) % 6 == 0
    }

    /// n for depth 6n + 2, stopping with a message naming `factory` otherwise.
    private static func sixNPlusTwo(_ depth: Int, factory: String) -> Int {
        checkArgument(
            cifarDepthIsValid(depth),
            "\(factory): depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, 44, 56, 110, ...), "
                + "got \(depth)")
        return (depth - 2) / 6
    }
}

extension ResNet {
    /// torchvision's ResNet-18 (11,689,512 parameters with 1000 classes and 3 channels).
    public static func resnet18(
        classes: Int = 1000, inputChannels: Int = 3, residual: Bool = true,
        zeroInitResidual: Bool = false, generator: inout SeededGenerator
    ) -> ResNet {
        resnet(
            depth: 18, classes: classes, inputChannels: inputChannels, residual: residual,
            zeroInitResidual: zeroInitResidual, generator: &generator)
    }

    /// torchvision's ResNet-34 (21,797,672 parameters with 1000 classes and 3 channels).
    public static func resnet34(
        classes: Int = 1000, inputChannels: Int = 3, residual: Bool = true,
        zeroInitResidual: Bool = false, generator: inout SeededGenerator
    ) -> ResNet {
        resnet(
            depth: 34, classes: classes, inputChannels: inputChannels, residual: residual,
            zeroInitResidual: zeroInitResidual, generator: &generator)
    }

    /// torchvision's ResNet-50 (25,557,032 parameters with 1000 classes and 3 channels).
    public static func resnet50(
        classes: Int = 1000, inputChannels: Int = 3, residual: Bool = true,
        zeroInitResidual: Bool = false, generator: inout SeededGenerator
    ) -> ResNet {
        resnet(
            depth: 50, classes: classes, inputChannels: inputChannels, residual: residual,
            zeroInitResidual: zeroInitResidual, generator: &generator)
    }

    /// torchvision's ResNet-101 (44,549,160 parameters with 1000 classes and 3 channels).
    public static func resnet101(
        classes: Int = 1000, inputChannels: Int = 3, residual: Bool = true,
        zeroInitResidual: Bool = false, generator: inout SeededGenerator
    ) -> ResNet {
        resnet(
            depth: 101, classes: classes, inputChannels: inputChannels, residual: residual,
            zeroInitResidual: zeroInitResidual, generator: &generator)
    }

    /// torchvision's ResNet-152 (60,192,808 parameters with 1000 classes and 3 channels).
    public static func resnet152(
        classes: Int = 1000, inputChannels: Int = 3, residual: Bool = true,
        zeroInitResidual: Bool = false, generator: inout SeededGenerator
    ) -> ResNet {
        resnet(
            depth: 152, classes: classes, inputChannels: inputChannels, residual: residual,
            zeroInitResidual: zeroInitResidual, generator: &generator)
    }

    /// torchvision's ImageNet ResNet of the given depth (18, 34, 50, 101 or 152); see
    /// `Configuration.resnet(depth:)`.
    ///
    /// - Parameters:
    ///   - depth: 18, 34, 50, 101 or 152 (the call stops with a message for another).
    ///   - classes: outputs of `fc`.
    ///   - inputChannels: channels of the input image.
    ///   - residual: false for the PlainNet twin.
    ///   - zeroInitResidual: start each block's last batch norm at weight 0.
    ///   - generator: draws every weight.
    public static func resnet(
        depth: Int, classes: Int = 1000, inputChannels: Int = 3, residual: Bool = true,
        zeroInitResidual: Bool = false, generator: inout SeededGenerator
    ) -> ResNet {
        ResNet(
            .resnet(
                depth: depth, classes: classes, inputChannels: inputChannels, residual: residual,
                zeroInitResidual: zeroInitResidual),
            generator: &generator)
    }

    /// A CIFAR ResNet of depth 6n + 2 (ResNet-20: 269,722 parameters, ResNet-56: 853,018,
    /// with 10 classes and 3 channels); see `Configuration.cifar(depth:)`.
    public static func cifar(
        depth: Int, classes: Int = 10, inputChannels: Int = 3, shortcut: ShortcutOption = .a,
        residual: Bool = true, generator: inout SeededGenerator
    ) -> ResNet {
        ResNet(
            .cifar(
                depth: depth, classes: classes, inputChannels: inputChannels, shortcut: shortcut,
                residual: residual),
            generator: &generator)
    }

    /// A member of lesson 08's plain-vs-residual family (18: 195,450 parameters, 34: 468,538,
    /// 56: 852,730, the same for plain and residual); see `Configuration.ablation(depth:)`.
    public static func ablation(
        depth: Int, residual: Bool = true, classes: Int = 10, inputChannels: Int = 1,
        generator: inout SeededGenerator
    ) -> ResNet {
        ResNet(
            .ablation(
                depth: depth, residual: residual, classes: classes, inputChannels: inputChannels),
            generator: &generator)
    }

    /// A pre-activation CIFAR ResNet of depth 6n + 2; see
    /// `Configuration.preActivation(depth:)`.
    public static func preActivation(
        depth: Int, classes: Int = 10, inputChannels: Int = 3, shortcut: ShortcutOption = .a,
        residual: Bool = true, generator: inout SeededGenerator
    ) -> ResNet {
        ResNet(
            .preActivation(
                depth: depth, classes: classes, inputChannels: inputChannels, shortcut: shortcut,
                residual: residual),
            generator: &generator)
    }
}
