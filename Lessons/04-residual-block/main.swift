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
        This is `BasicBlock` as the library builds it: two 3×3 convolutions, each followed \
        by batch norm, and a shortcut chosen by `Shortcut.make` (section 2):
        """)
    try cell.listing("basic-block-init", in: "Sources/ResNetModels/BasicBlock.swift")
    cell.prose(
        """
        `BasicBlock(inputChannels: 64, channels: 64)` keeps the shape of its input, so its \
        shortcut is the identity. Its forward pass reads top to bottom, one step per line, as \
        torchvision's does:
        """)
    try cell.listing("basic-block-forward", in: "Sources/ResNetModels/BasicBlock.swift")
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

// MARK: - 1b. The weights

notebook.cell("Where the weights come from") { cell in
    cell.prose(
        """
        Both convolutions come from `conv3x3`, which leaves out the bias (the batch norm after \
        it has its own shift β, so a bias would be redundant: whatever it added, batch norm \
        subtracts again with the mean) and draws the weights as torchvision's ResNet does:
        """)
    try cell.listing("conv3x3", in: "Sources/ResNetModels/Convolutions.swift")
    try cell.listing("kaiming-fan-out", in: "Sources/ResNetModels/Convolutions.swift")
    try cell.listing("kaiming-normal", in: "Sources/NN/Init.swift")
    cell.prose(
        """
        "Fan out" is the number of outputs each input value reaches, output channels × kernel \
        area, read off the weight's shape [out, in, k, k]:
        """)
    try cell.listing("fans", in: "Sources/NN/Init.swift")
    var generator = SeededGenerator(seed: 4)
    let block = BasicBlock(inputChannels: 64, channels: 64, generator: &generator)
    let w = block.conv1.weight.data
    let mean = w.reduce(0, +) / Float(w.count)
    let std = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(w.count)).squareRoot()
    let expected = (Float(2) / Float(64 * 9)).squareRoot()
    cell.output(
        """
        conv1.weight [64, 64, 3, 3]: fan out = 64 · 3 · 3 = 576, so std should be √(2/576) = \
        \(Format.fixed(expected, 4))
        measured over its \(Format.grouped(w.count)) values: mean \(Format.fixed(mean, 4)), std \
        \(Format.fixed(std, 4))
        """)
    cell.check(
        "conv1's weights have the std of Kaiming normal with fan out (within 2%)",
        abs(std / expected - 1) < 0.02, "\(Format.fixed(std, 4)) vs \(Format.fixed(expected, 4))")
}

// MARK: - 2. When the shape changes

notebook.cell("When the shape changes: three kinds of shortcut") { cell in
    cell.prose(
        """
        The first block of a new stage halves the image (stride 2) and doubles the channels, \
        so x can no longer be added to F(x) as it is. He et al. (2015, section 3.3 and Table 3) \
        compare three options:

        - **Option A**, no parameters: where the shape changes, take every second pixel \
        (`x[:, :, ::2, ::2]`) and pad the missing channels with zeros; elsewhere the identity. \
        The paper's CIFAR networks use it.
        - **Option B**: where the shape changes, a projection, a 1×1 convolution with stride 2 \
        and batch norm (the `downsample` module of torchvision); elsewhere the identity. The \
        ImageNet ResNets use it.
        - **Option C**: a projection in every block, even where the shape does not change.

        On ImageNet (Table 3) B did slightly better than A and C slightly better than B, all \
        three far better than the plain net; the authors judged C's extra projections not \
        worth their parameters and kept B. `Shortcut.make` decides, block by block:
        """)
    try cell.listing("shortcut-options", in: "Sources/ResNetModels/Shortcut.swift")
    var generator = SeededGenerator(seed: 5)
    let x = Tensor.randn([2, 64, 8, 8], generator: &generator)
    var rows: [[String]] = []
    var outputs: [[Int]] = []
    for option in [ShortcutOption.a, .b, .c] {
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
    var keptShape: [ShortcutOption: String] = [:]
    for option in [ShortcutOption.a, .b, .c] {
        let block = BasicBlock(
            inputChannels: 64, channels: 64, shortcut: option, generator: &generator)
        keptShape[option] = block.shortcutKind.map { "\($0)" } ?? "none"
    }
    cell.table(
        ["BasicBlock(64 → 128, stride 2)", "shortcut", "shape", "parameters", "in the shortcut"],
        rows)
    cell.output(
        "BasicBlock(64 → 64), the shape kept: option A \(keptShape[.a]!), option B "
            + "\(keptShape[.b]!), option C \(keptShape[.c]!)")
    cell.check(
        "all three options give the same output shape",
        outputs.allSatisfy { $0 == [2, 128, 4, 4] })
    cell.check(
        "where the shape is kept, A and B use the identity and C still projects",
        keptShape[.a] == "identity" && keptShape[.b] == "identity"
            && keptShape[.c] == "projection")
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
        block passes it through unchanged.
        """)
    var generator = SeededGenerator(seed: 6)
    let block = BasicBlock(inputChannels: 16, channels: 16, generator: &generator)
    block.bn2.weight.data = [Float](repeating: 0, count: 16)
    let x = Tensor.randn([2, 16, 6, 6], generator: &generator).relu()
    let y = block(x)
    cell.output("max |block(x) − x| = \(zip(y.data, x.data).map { abs($0 - $1) }.max()!)")
    cell.check("with γ = β = 0 in bn2, block(x) = x for a non-negative x", y.data == x.data)
    cell.prose(
        """
        A plain block can be the identity too, for non-negative inputs. Make each convolution \
        an identity kernel (channel c's filter is 1 at its centre on channel c, 0 everywhere \
        else) and let each batch norm pass values through (in eval mode, with running mean 0, \
        running variance 1 − ε and γ = 1, β = 0): it computes ReLU(ReLU(x)) = x, up to \
        rounding. (The convolution runs Winograd's F(4×4, 3×3), which mixes inputs and \
        outputs with coefficients up to 8 and the kernel with sixths, and sixths are not \
        exact in binary: even an identity kernel comes out some units in the last place off, \
        of the order of 10⁻⁶ on values of a few units.)
        """)
    let plain = BasicBlock(inputChannels: 16, channels: 16, residual: false, generator: &generator)
    for conv in [plain.conv1, plain.conv2] {
        var kernel = [Float](repeating: 0, count: conv.weight.count)
        for c in 0..<16 { kernel[((c * 16 + c) * 3 + 1) * 3 + 1] = 1 }
        conv.weight.data = kernel
    }
    for norm in [plain.bn1, plain.bn2] {
        norm.runningVar.data = [Float](repeating: 1 - norm.eps, count: 16)
    }
    plain.eval()
    let passed = plain(x)
    let plainError = zip(passed.data, x.data).map { abs($0 - $1) }.max()!
    let plainZeroed = BasicBlock(
        inputChannels: 16, channels: 16, residual: false, generator: &generator)
    plainZeroed.bn2.weight.data = [Float](repeating: 0, count: 16)
    let zeroed = plainZeroed(x)
    cell.output(
        """
        plain block, identity kernels, pass-through batch norms: max |plain(x) − x| = \
        \(Format.scientific(plainError))
        plain block, γ = 0 in bn2 (the residual block's identity): max |plain(x)| = \
        \(zeroed.data.map(abs).max()!)
        """)
    cell.check(
        "a plain block can represent the identity: with identity kernels it returns x (to 1e-5)",
        plainError < 1e-5, Format.scientific(plainError))
    cell.check(
        "but zeroing its branch gives zeros, not x: its identity is not at zero",
        zeroed.data.allSatisfy { $0 == 0 })
    cell.prose(
        """
        So the difference is not what each block can represent but where the identity lies. \
        The residual block reaches it at zero: shrinking its branch's weights, from wherever \
        they are, gets there. The plain block has it only at particular non-zero settings of \
        its \(Format.grouped(plain.conv1.weight.count + plain.conv2.weight.count)) \
        convolution weights and its batch norms, which training would have to find. He et al. (2015, section 3.1) \
        argue from exactly this: a deeper net whose extra layers were identities would do no \
        worse than a shallower one, so when deeper plain nets train *worse* (the degradation \
        problem, lesson 08), the solver must be failing to find such layers; in the residual \
        form it only has to push the branch's weights toward zero. \
        That is an argument about optimisation, not about what the nets can express. It is \
        also the idea behind `zeroInitResidual` (Goyal et al. 2017), which starts every block \
        at its identity.
        """)
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
    // Walk each addition's skip path back to where it leaves the main path.
    let additions = Set(skips.map(\.to).filter { $0.hasSuffix("+") })
    let paths = additions.sorted().map { addition -> [String] in
        var path = [addition]
        while let edge = skips.first(where: { $0.to == path[0] }) { path.insert(edge.from, at: 0) }
        return path
    }
    let projectionPath = paths.first { $0.count == 4 }
    cell.check(
        "one skip path per block, into its own addition: through the projection (1×1 conv, BN) in the first, a bare edge in the second",
        additions.count == 2 && paths.map(\.count).sorted() == [2, 4]
            && projectionPath.map { $0[1].contains("downsample") && $0[2].contains("downsample") }
                == true,
        paths.map { $0.joined(separator: " → ") }.joined(separator: "; "))
}

notebook.exercises(lesson: 4)

notebook.finish()
