import ExerciseSolutions
import Grading
import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

// Planted mistakes for exercises 04.4, 05.2 and 06.3: each must fail, naming its identity.

@Suite("Graders 04.4, 05.2, 06.3: planted mistakes fail")
struct BlockMistakesTests {
    @Test(
        "04.4 plain block: a conv bias, the stride on conv2, no last ReLU, the skip kept, a library block"
    )
    func plainBlockMistakes() {
        func conv(
            _ input: Int, _ output: Int, stride: Int = 1, bias: Bool = false,
            _ generator: inout SeededGenerator
        ) -> Conv2d {
            Conv2d(
                inputChannels: input, outputChannels: output, kernelSize: 3, stride: stride,
                padding: 1, bias: bias, generator: &generator)
        }
        let layers =
            "the plain block has BasicBlock's layers in its order: conv1 (3×3, no bias), "
            + "bn1, conv2 (3×3, no bias), bn2"
        let output =
            "plain(x) = ReLU(bn2(conv2(ReLU(bn1(conv1(x)))))), BasicBlock(residual: "
            + "false)'s output on the same weights"
        expectFails(
            Graders.makePlainBlock { input, channels, stride, generator in
                Sequential(
                    conv(input, channels, stride: stride, bias: true, &generator),
                    BatchNorm2d(channels), ReLU(), conv(channels, channels, &generator),
                    BatchNorm2d(channels), ReLU())
            }, naming: layers, "a bias on conv1")
        expectFails(
            Graders.makePlainBlock { input, channels, stride, generator in
                Sequential(
                    conv(input, channels, &generator), BatchNorm2d(channels), ReLU(),
                    conv(channels, channels, stride: stride, &generator), BatchNorm2d(channels),
                    ReLU())
            }, naming: output, "the stride on conv2")
        expectFails(
            Graders.makePlainBlock { input, channels, stride, generator in
                Sequential(
                    conv(input, channels, stride: stride, &generator), BatchNorm2d(channels),
                    ReLU(), conv(channels, channels, &generator), BatchNorm2d(channels))
            }, naming: output, "no ReLU at the end")
        expectFails(
            Graders.makePlainBlock { input, channels, stride, generator in
                // A BasicBlock with its shortcut: same parameters when the shape is kept.
                BasicBlock(
                    inputChannels: input, channels: channels, stride: stride, shortcut: .a,
                    generator: &generator)
            }, naming: "the plain block is built from layers, not a library block",
            "the skip kept (a residual block)")
        expectFails(
            Graders.makePlainBlock { input, channels, stride, generator in
                BasicBlock(
                    inputChannels: input, channels: channels, stride: stride, residual: false,
                    generator: &generator)
            }, naming: "the plain block is built from layers, not a library block",
            "the library's plain BasicBlock returned")
    }

    @Test(
        "05.2 bottleneck: a ReLU missing, the ReLU before the sum, no shortcut, x for the shortcut, block(x)"
    )
    func bottleneckForwardMistakes() {
        let identity =
            "bottleneckForward(block, x) = ReLU(bn3(conv3(ReLU(bn2(conv2(ReLU(bn1("
            + "conv1(x)))))))) + shortcut(x))"
        expectFails(
            Graders.bottleneckForward { block, x in
                var out = block.relu(block.bn1(block.conv1(x)))
                out = block.bn3(block.conv3(block.bn2(block.conv2(out))))
                if let shortcut = block.shortcut { out = out + shortcut(x) }
                return block.relu(out)
            }, naming: identity, "no ReLU after bn2")
        expectFails(
            Graders.bottleneckForward { block, x in
                var out = block.relu(block.bn1(block.conv1(x)))
                out = block.relu(block.bn2(block.conv2(out)))
                out = block.relu(block.bn3(block.conv3(out)))
                if let shortcut = block.shortcut { out = out + shortcut(x) }
                return out
            }, naming: identity, "the ReLU before the sum")
        expectFails(
            Graders.bottleneckForward { block, x in
                var out = block.relu(block.bn1(block.conv1(x)))
                out = block.relu(block.bn2(block.conv2(out)))
                return block.relu(block.bn3(block.conv3(out)))
            }, naming: identity, "the shortcut dropped")
        expectFails(
            Graders.bottleneckForward { block, x in
                var out = block.relu(block.bn1(block.conv1(x)))
                out = block.relu(block.bn2(block.conv2(out)))
                return block.relu(block.bn3(block.conv3(out)) + x)
            }, naming: identity, "x added instead of block.shortcut(x)")
        expectFails(
            Graders.bottleneckForward { block, x in block(x) },
            naming: "the forward pass is written from the block's parts", "block(x) called")
    }

    @Test("06.3 parameter count: no layer1 projection, batch norms left out, fc without bias")
    func resnetParameterCountMistakes() {
        let solution = ExerciseSolutions.resnetParameterCount
        expectFails(
            Graders.resnetParameterCount { bottleneck, blocks, widths, inputs, classes in
                // A projection only where the stride is 2: layer1's first bottleneck lacks one.
                var total = try solution(bottleneck, blocks, widths, inputs, classes)
                if bottleneck {
                    let output = widths[0] * 4
                    total -= widths[0] * output + 2 * output
                }
                return total
            }, naming: "your formula gives the built ResNet's parameter count",
            "no projection in layer1")
        expectFails(
            Graders.resnetParameterCount { bottleneck, blocks, widths, inputs, classes in
                try solution(bottleneck, blocks, widths, inputs, classes) - classes
            }, naming: "your formula gives the built ResNet's parameter count", "fc without a bias")
        expectFails(
            Graders.resnetParameterCount { bottleneck, blocks, widths, inputs, classes in
                // Each batch norm's 2 parameters per channel left out: only the stem's here.
                try solution(bottleneck, blocks, widths, inputs, classes) - 2 * widths[0]
            }, naming: "your formula gives the built ResNet's parameter count",
            "the stem's batch norm left out")
    }
}
