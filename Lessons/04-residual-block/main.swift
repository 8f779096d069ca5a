// Lesson 04: the residual block, built step by step. Shapes walked through; identity,
// zero-padding and projection shortcuts; a zeroed residual branch is the identity; the
// block's graph.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-04-residual-block",
    title: "Lesson 04 · The residual block: y = ReLU(F(x) + shortcut(x))")

notebook.introduction(
    """
    Lesson 03 showed what a skip connection does to gradients. This lesson builds the block \
    that carries it, `BasicBlock`, the unit of ResNet-18 and -34 and of the CIFAR ResNets: two \
    3×3 convolutions with batch norm, and a shortcut that adds the block's input back before \
    the last ReLU. We follow one batch through it, shape by shape.
    """)

// MARK: - 1. Step by step

notebook.cell("One block, one line at a time") { cell in
    cell.prose(
        """
        `BasicBlock(inputChannels: 64, channels: 64)` keeps the shape of its input, so its \
        shortcut is the identity. Its forward pass reads top to bottom, one step per line, as \
        torchvision's does:
        """)
    cell.code(
        """
        let identity = x
        var out = conv1(x)      // 3×3, stride 1, padding 1, no bias
        out = bn1(out)
        out = relu(out)
        out = conv2(out)        // 3×3, stride 1, padding 1, no bias
        out = bn2(out)
        if let shortcut { out = out + shortcut(identity) }   // absent in a plain network
        out = relu(out)
        """)
    var generator = SeededGenerator(seed: 4)
    let block = BasicBlock(inputChannels: 64, channels: 64, generator: &generator)
    let x = Tensor.randn([2, 64, 8, 8], generator: &generator)
    var rows: [[String]] = [["x", "input", Format.shape(x.shape), "0"]]
    var out = block.conv1(x)
    rows.append([
        "conv1", "3×3 conv 64→64", Format.shape(out.shape),
        Format.grouped(block.conv1.weight.count),
    ])
    out = block.bn1(out)
    rows.append(["bn1", "batch norm", Format.shape(out.shape), Format.grouped(2 * 64)])
    out = block.relu(out)
    rows.append(["relu", "max(0, ·)", Format.shape(out.shape), "0"])
    out = block.conv2(out)
    rows.append([
        "conv2", "3×3 conv 64→64", Format.shape(out.shape),
        Format.grouped(block.conv2.weight.count),
    ])
    out = block.bn2(out)
    rows.append(["bn2", "batch norm", Format.shape(out.shape), Format.grouped(2 * 64)])
    out = out + x
    rows.append(["+ x", "identity shortcut", Format.shape(out.shape), "0"])
    out = out.relu()
    rows.append(["relu", "max(0, ·)", Format.shape(out.shape), "0"])
    cell.table(["step", "what", "output shape", "parameters"], rows)
    let whole = block(x)
    cell.check(
        "the steps above reproduce block(x) exactly", whole.data == out.data,
        "\(whole.count) elements compared")
    cell.check(
        "the parameter column adds up to the block's parameterCount (\(Format.grouped(block.parameterCount)))",
        block.parameterCount == 2 * 64 * 64 * 9 + 4 * 64)
}

// MARK: - 2. When the shape changes

notebook.cell("When the shape changes: three kinds of shortcut") { cell in
    cell.prose(
        """
        The first block of a new stage halves the image (stride 2) and doubles the channels, \
        so x can no longer be added to F(x) as it is. He et al. (2015) give two answers:

        - **Option A**, no parameters: take every second pixel (`x[:, :, ::2, ::2]`) and pad the \
        missing channels with zeros. The paper's CIFAR networks use it.
        - **Option B**, a projection: a 1×1 convolution with stride 2 and batch norm (the \
        `downsample` module of torchvision), used only where the shape changes. ImageNet \
        ResNets use it.

        Where the shape does not change, both use the identity.
        """)
    var generator = SeededGenerator(seed: 5)
    let x = Tensor.randn([2, 64, 8, 8], generator: &generator)
    var rows: [[String]] = []
    var outputs: [[Int]] = []
    for option in [ShortcutOption.a, .b] {
        let block = BasicBlock(
            inputChannels: 64, channels: 128, stride: 2, shortcut: option, generator: &generator)
        let y = block(x)
        outputs.append(y.shape)
        let shortcutParameters = block.downsample?.parameterCount ?? 0
        rows.append([
            "option \(option.rawValue.uppercased())", block.shortcutKind.map { "\($0)" } ?? "none",
            Format.shape(x.shape) + " → " + Format.shape(y.shape),
            Format.grouped(block.parameterCount),
            Format.grouped(shortcutParameters),
        ])
    }
    cell.table(
        ["BasicBlock(64 → 128, stride 2)", "shortcut", "shape", "parameters", "in the shortcut"],
        rows)
    cell.check(
        "both options give the same output shape",
        outputs[0] == outputs[1] && outputs[0] == [2, 128, 4, 4])
    let padded = x.subsample(stride: 2).padChannels(before: 32, after: 32)
    // Image 0 of `padded` is [128, 4, 4]; channel c ≥ 32 holds x's channel c − 32 at even pixels.
    var keptChannels = true
    var zeroChannels = true
    for c in 0..<128 {
        for row in 0..<4 {
            for column in 0..<4 {
                let value = padded[0, c, row, column]
                if c < 32 || c >= 96 {
                    zeroChannels = zeroChannels && value == 0
                } else {
                    keptChannels = keptChannels && value == x[0, c - 32, 2 * row, 2 * column]
                }
            }
        }
    }
    cell.check(
        "option A keeps x's channels in the middle, subsampled, and pads zeros around them",
        keptChannels && zeroChannels)
}

// MARK: - 3. A zeroed branch is the identity

notebook.cell("A block whose branch is zeroed is the identity") { cell in
    cell.prose(
        """
        Set the last batch norm's scale γ to zero (its shift β starts at zero anyway) and F(x) is \
        exactly zero for every input: the block computes ReLU(x + 0). Before the final ReLU it \
        is the identity, and since x here is itself the output of a ReLU (non-negative), the \
        block passes it through unchanged. This is why a deeper residual network can do at least \
        as well as a shallower one — its extra blocks can learn to be the identity — and it is \
        the idea behind `zeroInitResidual` (Goyal et al. 2017), which starts every block that way.
        """)
    var generator = SeededGenerator(seed: 6)
    let block = BasicBlock(inputChannels: 16, channels: 16, generator: &generator)
    block.bn2.weight.data = [Float](repeating: 0, count: 16)
    let x = Tensor.randn([2, 16, 6, 6], generator: &generator).relu()
    let y = block(x)
    cell.output("max |block(x) − x| = \(zip(y.data, x.data).map { abs($0 - $1) }.max()!)")
    cell.check("with γ = β = 0 in bn2, block(x) = x for a non-negative x", y.data == x.data)
    let plain = BasicBlock(inputChannels: 16, channels: 16, residual: false, generator: &generator)
    plain.bn2.weight.data = [Float](repeating: 0, count: 16)
    let z = plain(x)
    cell.check(
        "its plain twin, zeroed the same way, outputs only zeros: it cannot be the identity",
        z.data.allSatisfy { $0 == 0 })
}

// MARK: - 4. The plain twin

notebook.cell("The plain twin") { cell in
    cell.prose(
        """
        Every block takes `residual: false`, which builds the same layers and simply leaves \
        out the addition. With option A the twins have exactly the same parameters, so any \
        difference in how they train (lesson 08) is due to the skip connection alone.
        """)
    var generator = SeededGenerator(seed: 7)
    let residual = BasicBlock(
        inputChannels: 16, channels: 32, stride: 2, shortcut: .a, generator: &generator)
    let plain = BasicBlock(
        inputChannels: 16, channels: 32, stride: 2, shortcut: .a, residual: false,
        generator: &generator)
    cell.table(
        ["block", "shortcut", "parameters"],
        [
            [
                "residual", residual.shortcutKind.map { "\($0)" } ?? "none",
                Format.grouped(residual.parameterCount),
            ],
            [
                "plain", plain.shortcutKind.map { "\($0)" } ?? "none",
                Format.grouped(plain.parameterCount),
            ],
        ])
    cell.check(
        "the twins have the same number of parameters",
        residual.parameterCount == plain.parameterCount)
    cell.check(
        "and the same state-dict names",
        residual.stateDict().map(\.name) == plain.stateDict().map(\.name))
}

// MARK: - 5. The picture

notebook.cell("The block, drawn") { cell in
    cell.prose(
        """
        Two blocks as ResNet-18's second stage begins: the first halves the image and doubles \
        the channels, so its shortcut (red) is a projection, a 1×1 convolution with stride 2 and \
        batch norm; the second keeps the shape, so its shortcut is a bare edge from the block's \
        input to the addition. The addition sits before the final ReLU in both.
        """)
    var generator = SeededGenerator(seed: 8)
    let stage = Sequential(
        BasicBlock(inputChannels: 64, channels: 128, stride: 2, generator: &generator),
        BasicBlock(inputChannels: 128, channels: 128, generator: &generator))
    try cell.picture(
        "basic-blocks.png", caption: "Two BasicBlocks: a projection shortcut, then an identity one"
    ) { path in
        try ModelGraph.write(
            for: stage, inputShape: [1, 64, 56, 56], level: .layer,
            title: "BasicBlock(64 → 128, stride 2) then BasicBlock(128 → 128)", to: path)
    }
    let graph = ModelGraph.dot(for: stage, inputShape: [1, 64, 56, 56], level: .layer)
    let skips = graph.edges.filter { $0.attributes["class"] == "skip" }
    cell.check("the picture has a skip path for each block", !skips.isEmpty)
}

notebook.finish()
