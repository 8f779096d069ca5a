import Foundation
import NN
import Randomness
import ResNetModels
import TensorCore

// The blocks' second exercises: the plain block, the bottleneck's forward pass, and any
// ImageNet ResNet's size by formula.

extension Graders {
    /// The names of the operations in `output`'s autograd graph, in order.
    static func operations(_ output: Tensor) -> [String] {
        output.graphNodes().compactMap { $0.backwardNode?.op }
    }

    /// Exercise 04.4: `makePlainBlock(inputChannels:channels:stride:generator:)`.
    public static func makePlainBlock(
        _ make: (Int, Int, Int, inout SeededGenerator) throws -> Module,
        seed: UInt64 = gradingSeed(44)
    ) -> GradeReport {
        grade("04.4", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for (trial, (input, channels, stride)) in [(4, 4, 1), (4, 8, 2), (3, 6, 2), (2, 2, 1)]
                .enumerated()
            {
                let context = "case \(trial): \(input) → \(channels) channels, stride \(stride)"
                let block = try make(input, channels, stride, &generator)
                try checks.require(
                    !(block is any ResidualBlock),
                    "the plain block is built from layers, not a library block",
                    "\(context): you returned a \(type(of: block)); build it from Conv2d, "
                        + "BatchNorm2d and ReLU")
                let reference = BasicBlock(
                    inputChannels: input, channels: channels, stride: stride, residual: false,
                    generator: &generator)
                randomizeNorms(reference, &generator)
                // Same layers in the same order: then BasicBlock's weights fit one for one.
                let mine = block.stateDict()
                let theirs = reference.stateDict()
                let parameters =
                    "the plain block has BasicBlock's layers in its order: conv1 "
                    + "(3×3, no bias), bn1, conv2 (3×3, no bias), bn2"
                try checks.require(
                    block.namedParameters().map(\.tensor.shape)
                        == reference.namedParameters().map(\.tensor.shape)
                        && mine.map(\.tensor.shape) == theirs.map(\.tensor.shape),
                    parameters,
                    "\(context): expected parameter shapes "
                        + "\(reference.namedParameters().map(\.tensor.shape)), got "
                        + "\(block.namedParameters().map(\.tensor.shape))")
                for (entry, source) in zip(mine, theirs) { entry.tensor.data = source.tensor.data }
                let x = randomTensor([2, input, 6, 6], -1...1, &generator)
                for training in [true, false] {
                    block.train(training)
                    reference.train(training)
                    try requireTensor(
                        Tensor.withoutGrad { block(x) }, Tensor.withoutGrad { reference(x) },
                        tolerance: 1e-5,
                        "plain(x) = ReLU(bn2(conv2(ReLU(bn1(conv1(x)))))), BasicBlock(residual: "
                            + "false)'s output on the same weights",
                        "\(context), \(training ? "training" : "evaluation") mode", &checks)
                }
                block.eval()
                let leaf = x.detach()
                leaf.requiresGrad = true
                let adds = operations(block(leaf)).filter { $0 == "add" }.count
                try checks.require(
                    adds == 0, "a plain block adds nothing: no addition in its autograd graph",
                    "\(context): found \(adds) additions")
                // Zero the last batch norm: a plain block then passes no gradient to x.
                let norms = block.namedModules().compactMap { $0.module as? BatchNorm2d }
                norms.last!.weight.data = [Float](repeating: 0, count: channels)
                norms.last!.bias.data = [Float](repeating: 0, count: channels)
                let y = block(leaf)
                (y * randomTensor(y.shape, -1...1, &generator)).sum().backward()
                let largest = leaf.grad?.data.map { abs($0) }.max() ?? 0
                try checks.require(
                    largest == 0,
                    "with its last batch norm zeroed, no gradient reaches x (no identity path)",
                    "\(context): the largest |∂L/∂x| is \(largest), expected 0")
            }
            checks.held(
                "4 plain blocks: BasicBlock's layers, its output in both modes, no "
                    + "addition, no gradient once the branch is zeroed")
        }
    }

    /// Exercise 05.2: `bottleneckForward`.
    public static func bottleneckForward(
        _ forward: (Bottleneck, Tensor) throws -> Tensor, seed: UInt64 = gradingSeed(52)
    ) -> GradeReport {
        grade("05.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            let cases:
                [(
                    input: Int, width: Int, stride: Int, on: BottleneckStride,
                    option: ShortcutOption, residual: Bool
                )] = [
                    // A projection that keeps the shape (option C) comes before any change
                    // of shape, so that adding x itself instead of block.shortcut(x) fails as
                    // wrong values rather than stopping at a shape mismatch.
                    (8, 2, 1, .onConv3x3, .b, true), (8, 2, 1, .onConv3x3, .c, true),
                    (6, 2, 1, .onConv3x3, .b, true), (8, 4, 2, .onConv3x3, .b, true),
                    (8, 4, 2, .onFirstConv1x1, .b, true),
                    (8, 2, 1, .onConv3x3, .b, false), (4, 2, 2, .onFirstConv1x1, .b, false),
                ]
            for (index, item) in cases.enumerated() {
                let block = Bottleneck(
                    inputChannels: item.input, channels: item.width, stride: item.stride,
                    strideOn: item.on, shortcut: item.option, residual: item.residual,
                    generator: &generator)
                randomizeNorms(block, &generator)
                let x = randomTensor([2, item.input, 6, 6], -1...1, &generator)
                let name =
                    "case \(index): \(item.input) → \(4 * item.width) channels (width "
                    + "\(item.width)), stride \(item.stride) on the "
                    + "\(item.on == .onConv3x3 ? "3×3" : "first 1×1"), "
                    + (item.residual
                        ? (block.downsample == nil ? "identity shortcut" : "projection shortcut")
                        : "plain (no shortcut)")
                for training in [true, false] {
                    block.train(training)
                    let expected = Tensor.withoutGrad { block(x) }
                    var calls = 0
                    let hook = block.registerForwardHook { _, _, _ in calls += 1 }
                    defer { block.removeForwardHook(hook) }
                    let got = try Tensor.withoutGrad { try forward(block, x) }
                    try checks.require(
                        calls == 0, "the forward pass is written from the block's parts",
                        "\(name): your code called block(x) itself")
                    try requireTensor(
                        got, expected, tolerance: 1e-5,
                        "bottleneckForward(block, x) = ReLU(bn3(conv3(ReLU(bn2(conv2(ReLU(bn1("
                            + "conv1(x)))))))) + shortcut(x))",
                        "\(name), \(training ? "training" : "evaluation") mode", &checks)
                }
            }
            checks.held(
                "7 bottlenecks (identity, projection, both stride placements, plain) in "
                    + "both modes")
        }
    }

    /// Exercise 06.3: `resnetParameterCount`.
    public static func resnetParameterCount(
        _ count: (Bool, [Int], [Int], Int, Int) throws -> Int, seed: UInt64 = gradingSeed(63)
    ) -> GradeReport {
        grade("06.3", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<8 {
                let bottleneck = trial % 2 == 1
                let stages = 1 + Int(generator.next() % 4)
                let blocks = (0..<stages).map { _ in 1 + Int(generator.next() % 3) }
                let widths = (0..<stages).map { _ in 2 + Int(generator.next() % 11) }
                let inputs = 1 + Int(generator.next() % 3)
                let classes = 2 + Int(generator.next() % 9)
                var draws = SeededGenerator(seed: 0)
                let net = ResNet(
                    ResNet.Configuration(
                        block: bottleneck ? .bottleneck : .basic, blocksPerStage: blocks,
                        stageWidths: widths, stem: .imagenet, inputChannels: inputs,
                        classes: classes),
                    generator: &draws)
                let got = try count(bottleneck, blocks, widths, inputs, classes)
                try checks.require(
                    got == net.parameterCount,
                    "your formula gives the built ResNet's parameter count",
                    "case \(trial): \(bottleneck ? "bottleneck" : "basic") blocks \(blocks), "
                        + "widths \(widths), \(inputs) input channels, \(classes) classes: "
                        + "expected \(net.parameterCount), got \(got)")
            }
            checks.held(
                "8 random small ResNets (basic and bottleneck, 1-4 stages) built and counted")
            // torchvision's counts, pinned in ResNetModelsTests/ParameterCountTests.
            let torchvision = [
                (18, 11_689_512), (34, 21_797_672), (50, 25_557_032), (101, 44_549_160),
                (152, 60_192_808),
            ]
            for (depth, parameters) in torchvision {
                let configuration = ResNet.Configuration.resnet(depth: depth)
                let got = try count(
                    configuration.block == .bottleneck, configuration.blocksPerStage,
                    configuration.stageWidths, 3, 1000)
                try checks.require(
                    got == parameters, "your formula gives torchvision's ResNet-\(depth)",
                    "expected \(parameters), got \(got) (\(got - parameters) off)")
            }
            checks.held("ResNet-18, 34, 50, 101, 152: torchvision's counts exactly")
        }
    }
}
