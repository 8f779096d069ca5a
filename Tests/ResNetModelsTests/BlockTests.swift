import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

/// Blocks and their shortcuts: which kind each option gives, what option A computes, and
/// what the plain twin leaves out.
@Suite("Residual blocks")
struct BlockTests {
    @Test("Shortcut kinds by option, shape change and residual switch")
    func shortcutKinds() {
        var generator = SeededGenerator(seed: 30)
        func kind(
            _ option: ShortcutOption, _ input: Int, _ output: Int, stride: Int,
            residual: Bool = true
        ) -> ShortcutKind? {
            BasicBlock(
                inputChannels: input, channels: output, stride: stride, shortcut: option,
                residual: residual, generator: &generator
            ).shortcutKind
        }
        #expect(kind(.a, 8, 8, stride: 1) == .identity)
        #expect(kind(.b, 8, 8, stride: 1) == .identity)
        #expect(kind(.c, 8, 8, stride: 1) == .projection)
        #expect(kind(.a, 8, 16, stride: 2) == .zeroPadding)
        #expect(kind(.a, 8, 8, stride: 2) == .zeroPadding)
        #expect(kind(.b, 8, 16, stride: 2) == .projection)
        #expect(kind(.b, 8, 16, stride: 1) == .projection)
        for option in ShortcutOption.allCases {
            #expect(kind(option, 8, 16, stride: 2, residual: false) == nil)
        }
    }

    @Test("A projection is torchvision's `downsample`: 1x1 conv with the block's stride, then BN")
    func projectionChildren() throws {
        var generator = SeededGenerator(seed: 31)
        let block = BasicBlock(inputChannels: 4, channels: 8, stride: 2, generator: &generator)
        #expect(
            block.children.map(\.name) == ["conv1", "bn1", "relu", "conv2", "bn2", "downsample"])
        let downsample = try #require(block.downsample)
        let conv = try #require(downsample[0] as? Conv2d)
        #expect(conv.weight.shape == [8, 4, 1, 1])
        #expect(conv.stride == 2 && conv.bias == nil)
        #expect(downsample[1] is BatchNorm2d)

        let plain = BasicBlock(
            inputChannels: 4, channels: 8, stride: 2, residual: false, generator: &generator)
        #expect(plain.children.map(\.name) == ["conv1", "bn1", "relu", "conv2", "bn2"])
        #expect(plain.parameterCount == block.parameterCount - (8 * 4 + 2 * 8))
    }

    @Test(
        "Option A subsamples and zero-pads: pad/2 channels before, the rest after",
        arguments: [(4, 8, 2), (4, 9, 2), (3, 3, 2), (5, 8, 1)])
    func optionA(input: Int, output: Int, stride: Int) throws {
        var generator = SeededGenerator(seed: 32)
        let block = BasicBlock(
            inputChannels: input, channels: output, stride: stride, shortcut: .a,
            generator: &generator)
        let extra = output - input
        guard case .zeroPadding(let s, let before, let after) = try #require(block.shortcut) else {
            Issue.record(
                "expected a zero-padding shortcut, got \(String(describing: block.shortcutKind))")
            return
        }
        #expect((s, before, after) == (stride, extra / 2, extra - extra / 2))
        #expect(block.parameterCount == 9 * output * (input + output) + 4 * output)

        // Silence the residual branch (bn2: γ = β = 0): the block returns relu(shortcut(x)).
        Init.zeros(block.bn2.weight)
        let x = Tensor.randn([2, input, 5, 5], generator: &generator)
        let y = block(x)
        let side = (5 + stride - 1) / stride
        #expect(y.shape == [2, output, side, side])
        for n in 0..<2 {
            for c in 0..<output {
                for h in 0..<side {
                    for w in 0..<side {
                        let source = c - before
                        let expected =
                            (0..<input).contains(source)
                            ? max(0, x[n, source, h * stride, w * stride]) : 0
                        #expect(y[n, c, h, w] == expected, "[\(n), \(c), \(h), \(w)]")
                    }
                }
            }
        }
    }

    @Test("The plain twin omits the addition: a silenced branch gives zeros, not relu(x)")
    func plainTwin() {
        var generator = SeededGenerator(seed: 33)
        let residual = BasicBlock(inputChannels: 4, channels: 4, generator: &generator)
        let plain = BasicBlock(
            inputChannels: 4, channels: 4, residual: false, generator: &generator)
        #expect(residual.residual && !plain.residual)
        Init.zeros(residual.bn2.weight)
        Init.zeros(plain.bn2.weight)
        let x = Tensor.randn([2, 4, 3, 3], generator: &generator)
        #expect(residual(x).data == x.relu().data)
        #expect(plain(x).data.allSatisfy { $0 == 0 })
    }

    @Test("Every block kind keeps its torchvision child order", arguments: [1, 2])
    func childOrder(stride: Int) {
        var generator = SeededGenerator(seed: 34)
        let bottleneck = Bottleneck(
            inputChannels: 8, channels: 4, stride: stride, generator: &generator)
        #expect(
            bottleneck.children.map(\.name)
                == ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3", "relu", "downsample"])
        #expect(bottleneck.weightedLayerCount == 3 && Bottleneck.expansion == 4)
        let preact = PreActBasicBlock(
            inputChannels: 4, channels: 8, stride: stride, shortcut: .b, generator: &generator)
        #expect(
            preact.children.map(\.name) == ["bn1", "relu", "conv1", "bn2", "conv2", "downsample"])
        #expect(preact.lastNorm == nil)
    }

    @Test("zeroInitResidual zeroes the last batch norm of every block, and only that")
    func zeroInitResidual() {
        var generator = SeededGenerator(seed: 35)
        for block in [ResNet.BlockKind.basic, .bottleneck] {
            var configuration = ResNet.Configuration(
                block: block, blocksPerStage: [2, 2], stageWidths: [4, 8], stem: .cifar,
                classes: 10)
            configuration.zeroInitResidual = true
            let model = ResNet(configuration, generator: &generator)
            let last = block == .basic ? "bn2" : "bn3"
            for (name, module) in model.namedModules() {
                guard let norm = module as? BatchNorm2d else { continue }
                let expected: Float = name.hasSuffix(".\(last)") ? 0 : 1
                #expect(norm.weight.data.allSatisfy { $0 == expected }, "\(name)")
                #expect(norm.bias.data.allSatisfy { $0 == 0 }, "\(name)")
            }
            // Each block now starts as its shortcut: relu(0 + x) = x for x ≥ 0.
            let firstBlock = model.blocks[1]
            let x = Tensor.randn([2, firstBlock.inputChannels, 4, 4], generator: &generator).relu()
            #expect(firstBlock(x).data == x.data)
        }
    }
}
