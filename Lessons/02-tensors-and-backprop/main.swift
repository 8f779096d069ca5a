// Lesson 02: from Value to Tensor. Broadcasting and its backward; a linear layer with
// cross-entropy; convolution as loops, then as im2col + matrix multiply and as a direct
// register tile, timed; gradient checking as a tool; the lesson-01 network again, on tensors.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-02-tensors-and-backprop",
    title: "Lesson 02 · Tensors and backprop: whole arrays, one backward rule per operation")

notebook.introduction(
    """
    Lesson 01 differentiated single numbers. A network has millions of them, and giving each \
    its own graph node would be hopelessly slow. A `Tensor` keeps the idea and changes the \
    unit: it holds a whole array (Float32, row-major, images as [batch, channels, height, \
    width]), and each operation — an elementwise product, a matrix multiply, a convolution — \
    records one node whose backward rule moves a whole array of gradients at once.
    """)

// MARK: - 1. From Value to Tensor

notebook.cell("From Value to Tensor") { cell in
    cell.prose(
        """
        Lesson 01's expression L = (a·b + c)·f, now with each of a, b, c, f holding four \
        numbers. The tensor version computes all four copies at once and sums them into one \
        loss; its gradient for each element must equal what four separate `Value` graphs give.
        """)
    let av: [Float] = [2, -1, 0.5, 3]
    let bv: [Float] = [-3, 2, 4, -0.5]
    let cv: [Float] = [10, 1, -2, 0]
    let fv: [Float] = [-2, 0.5, 1, 4]
    let a = Tensor(shape: [4], data: av, requiresGrad: true)
    let b = Tensor(shape: [4], data: bv, requiresGrad: true)
    let c = Tensor(shape: [4], data: cv, requiresGrad: true)
    let f = Tensor(shape: [4], data: fv, requiresGrad: true)
    let loss = ((a * b + c) * f).sum()
    loss.backward()
    var rows: [[String]] = []
    var agree = true
    for i in 0..<4 {
        let (sa, sb, sc, sf) = (
            Value(Double(av[i])), Value(Double(bv[i])), Value(Double(cv[i])), Value(Double(fv[i]))
        )
        ((sa * sb + sc) * sf).backward()
        let tensorGrads = [a.grad!.data[i], b.grad!.data[i], c.grad!.data[i], f.grad!.data[i]]
        let valueGrads = [sa.grad, sb.grad, sc.grad, sf.grad].map(Float.init)
        agree = agree && tensorGrads == valueGrads
        rows.append(
            ["\(i)"] + tensorGrads.map { Format.fixed($0, 2) }
                + valueGrads.map { Format.fixed($0, 2) })
    }
    cell.table(
        ["i", "∂L/∂a", "∂L/∂b", "∂L/∂c", "∂L/∂f", "Value: ∂a", "∂b", "∂c", "∂f"], rows)
    cell.output(
        "L = \(loss.scalar); the graph has \(loss.graphNodes().count) tensor nodes, not 4 × 8 scalar ones"
    )
    cell.check("each tensor gradient equals the scalar Value gradient exactly", agree)
    a.name = "a"
    b.name = "b"
    c.name = "c"
    f.name = "f"
    try cell.picture(
        "tensor-graph.svg",
        caption: "The same expression on tensors: one node per operation, whatever the size"
    ) { path in
        try TensorGraph.write(for: loss, to: path)
    }
}

// MARK: - 2. Broadcasting

notebook.cell("Broadcasting, and why its backward is a sum") { cell in
    cell.prose(
        """
        Shapes need not match exactly. As in NumPy and PyTorch, shapes are aligned from the \
        right and a dimension of size 1 is stretched to match: [3, 1] + [1, 4] gives [3, 4]. \
        Nothing is copied in the forward pass, but every element of x is *used* four times — \
        once per column — and lesson 01 taught what that means for the backward pass: the \
        contributions add up. The backward of broadcasting is a sum over the stretched \
        dimensions.
        """)
    let x = Tensor(shape: [3, 1], data: [1, 2, 3], requiresGrad: true)
    let y = Tensor(shape: [1, 4], data: [10, 20, 30, 40], requiresGrad: true)
    let z = x + y
    let weights = Tensor(shape: [3, 4], data: (0..<12).map { Float($0) })
    (z * weights).sum().backward()
    cell.output(
        "x: \(x.shape) + y: \(y.shape) → z: \(z.shape)\n\(z)\n\n"
            + "L = Σ z ⊙ W with W = [[0,1,2,3],[4,5,6,7],[8,9,10,11]]\n"
            + "x.grad = \(x.grad!.data)   (row sums of W)\n"
            + "y.grad = \(y.grad!.data)   (column sums of W)")
    cell.check("x.grad is the row sums of the upstream gradient", x.grad!.data == [6, 22, 38])
    cell.check(
        "y.grad is the column sums of the upstream gradient", y.grad!.data == [12, 15, 18, 21])
}

// MARK: - 3. A linear layer with cross-entropy

notebook.cell("A linear layer and cross-entropy") { cell in
    cell.prose(
        """
        A classifier ends in a linear layer, logits = x·Wᵀ + b, and the cross-entropy loss \
        −log softmax(logits)[label], averaged over the batch. Differentiating the pair gives \
        one of the most useful formulas in deep learning: ∂L/∂logits = (softmax(logits) − \
        onehot(label)) / N. Our `crossEntropy` uses exactly that in its backward rule; here \
        we check it against the formula computed by hand.
        """)
    var generator = SeededGenerator(seed: 2)
    let x = Tensor.randn([4, 5], generator: &generator)
    let weight = Tensor.randn([3, 5], generator: &generator, requiresGrad: true)
    let bias = Tensor.zeros([3], requiresGrad: true)
    let labels = [0, 2, 1, 2]
    let logits = linear(x, weight: weight, bias: bias)
    logits.retainsGrad = true
    let loss = crossEntropy(logits: logits, targets: labels)
    loss.backward()
    let probabilities = Tensor.withoutGrad { logits.softmax(dim: 1) }
    var byHand = probabilities.data
    for (n, label) in labels.enumerated() { byHand[n * 3 + label] -= 1 }
    byHand = byHand.map { $0 / 4 }
    let difference = maxAbsDifference(byHand, logits.grad!.data)
    cell.output(
        "loss = \(Format.fixed(loss.scalar))\nsoftmax:\n\(probabilities)\n∂L/∂logits by autograd:\n\(logits.grad!)"
    )
    cell.check(
        "∂L/∂logits = (softmax − onehot)/N", difference < 1e-6, "max difference \(difference)")
    cell.check(
        "∂L/∂b is the column sum of ∂L/∂logits",
        maxAbsDifference(bias.grad!.data, logits.grad!.sum(axes: [0]).data) < 1e-6)
}

// MARK: - 4. Convolution as loops, then as a matrix multiply

notebook.cell("Convolution as loops, then as a matrix multiply") { cell in
    cell.prose(
        """
        A 2-D convolution slides K filters of shape [C, R, S] over the input; each output \
        pixel is a dot product of one filter with the patch under it. Written as loops it is \
        seven nested `for`s — batch, output channel, output row, output column, input channel, \
        kernel row, kernel column — which is `conv2dForwardNaive` in the Kernels module.

        The trick every fast library uses: copy each patch into a column of a matrix \
        (*im2col*), so that all the dot products become ONE matrix multiply, \
        W[K, C·R·S] · columns[C·R·S, pixels]. Here is a 4×4 single-channel image, a 3×3 \
        kernel and no padding: four output pixels, so four columns of nine numbers.
        """)
    let s = try Conv2dShape(
        batch: 1, inChannels: 1, height: 4, width: 4, outChannels: 1, kernelH: 3, kernelW: 3)
    let image: [Float] = (0..<16).map(Float.init)
    var columns = [Float](repeating: 0, count: s.columnRows * s.columnCount)
    im2col(s, image: image, columns: &columns)
    var lines = ["image (4×4):"]
    for r in 0..<4 {
        lines.append("  " + (0..<4).map { String(format: "%3.0f", image[r * 4 + $0]) }.joined())
    }
    lines.append("columns (9 × 4): one column per output pixel")
    for r in 0..<9 {
        lines.append("  " + (0..<4).map { String(format: "%4.0f", columns[r * 4 + $0]) }.joined())
    }
    cell.output(lines.joined(separator: "\n"))
    let kernel: [Float] = [1, 0, -1, 2, 0, -2, 1, 0, -1]
    var viaGemm = [Float](repeating: 0, count: 4)
    gemmNaive(
        transposeA: false, transposeB: false, m: 1, n: 4, k: 9, alpha: 1, a: kernel, lda: 9,
        b: columns, ldb: 4, beta: 0, c: &viaGemm, ldc: 4)
    var viaLoops = [Float](repeating: 0, count: 4)
    conv2dForwardNaive(s, input: image, weight: kernel, bias: nil, output: &viaLoops)
    cell.output(
        "a Sobel kernel through both routes:\n  loops:       \(viaLoops)\n  im2col+GEMM: \(viaGemm)"
    )
    cell.check("im2col + matrix multiply gives exactly the loop convolution", viaLoops == viaGemm)
}

// MARK: - 5. Timed side by side

notebook.cell("Naive against fast, 1 thread against 2") { cell in
    let wideTile =
        InstructionSet.tiles.tilePanels > 1
        ? "; a layer with more than 16 output channels gets two such panels at once, so that "
            + "each input value it loads feeds twice as many multiply-adds" : ""
    cell.prose(
        """
        Why bother? Because the matrix multiply can be made fast: it is blocked so the data in \
        use stays in cache, packed so it is read in order, and computed in a register-tiled \
        SIMD micro-kernel that issues fused multiply-adds on vectors of 16 floats (one \
        AVX-512 register, two AVX2 ones). It also \
        splits cleanly over threads by the part of the output each one writes, so no locks \
        are needed and the result does not depend on the thread count. The layer below is a \
        3×3 convolution with 16 input and 16 output channels on 28×28 maps — the shape of the \
        first stage of the ablation nets in lesson 08.

        The library's direct convolution (`conv2dForwardDirect`) goes one step further and \
        never builds the column matrix at all. Entry (tap, pixel) of that matrix is just the \
        padded input at "where the pixel's window starts + where the tap sits in the \
        window", so the kernel keeps a tile of \(InstructionSet.tiles.directRows) pixels × \
        16 output channels in registers (the \(InstructionSet.tiles) tile this run \
        used\(wideTile)) and \
        reads each input value straight from the padded image through two small offset \
        tables. Same dot products, same register tile, no 9× larger copy of the image to \
        write and read back.

        For this shape (3×3, stride 1) `conv2dForward` itself goes further still: it runs \
        Winograd's F(4×4, 3×3), which transforms 6×6 blocks of input and the kernel so that \
        each 4×4 block of outputs needs 36 multiplications per channel instead of 144, the \
        products again on that register tile (Kernels/Conv/Winograd/Conv2d+Winograd.swift). Its speed \
        below counts the direct sum's multiply-adds, as if it did them all.
        """)
    let batch = notebook.quick(4, full: 32)
    let s = try Conv2dShape(
        batch: batch, inChannels: 16, height: 28, width: 28, outChannels: 16, kernelH: 3,
        kernelW: 3, padH: 1, padW: 1)
    var generator = SeededGenerator(seed: 3)
    let x = Tensor.randn([batch, 16, 28, 28], generator: &generator).data
    let w = Tensor.randn([16, 16, 3, 3], generator: &generator).data
    var naive = [Float](repeating: 0, count: batch * s.outputImageSize)
    var viaColumns = naive
    var fast1 = naive
    var fast2 = naive
    var winograd = naive
    let repeats = notebook.quick(2, full: 5)
    let tNaive = Timing.medianSeconds(repeats: repeats) {
        conv2dForwardNaive(s, input: x, weight: w, bias: nil, output: &naive)
    }
    // im2col + the fast GEMM, image by image, on one thread.
    var columns = [Float](repeating: 0, count: s.columnRows * s.columnCount)
    let tColumns = Parallel.withThreadCount(1) {
        Timing.medianSeconds(repeats: repeats) {
            for n in 0..<batch {
                x.withUnsafeBufferPointer { x in
                    im2col(s, image: x.baseAddress! + n * s.inputImageSize, columns: &columns)
                }
                viaColumns.withUnsafeMutableBufferPointer { y in
                    gemm(
                        transposeA: false, transposeB: false, m: 16, n: s.columnCount,
                        k: s.columnRows, alpha: 1, a: w, lda: s.columnRows, b: columns,
                        ldb: s.columnCount, beta: 0, c: y.baseAddress! + n * s.outputImageSize,
                        ldc: s.columnCount)
                }
            }
        }
    }
    let t1 = Parallel.withThreadCount(1) {
        Timing.medianSeconds(repeats: repeats) {
            conv2dForwardDirect(s, input: x, weight: w, bias: nil, output: &fast1)
        }
    }
    let t2 = Parallel.withThreadCount(2) {
        Timing.medianSeconds(repeats: repeats) {
            conv2dForwardDirect(s, input: x, weight: w, bias: nil, output: &fast2)
        }
    }
    let tWinograd = Parallel.withThreadCount(2) {
        Timing.medianSeconds(repeats: repeats) {
            conv2dForward(s, input: x, weight: w, bias: nil, output: &winograd)
        }
    }
    let gflop = Double(s.flops) / 1e9
    func row(_ name: String, _ threads: String, _ t: Double) -> [String] {
        [
            name, threads, Format.fixed(t * 1000, 2), Format.fixed(gflop / t, 2),
            Format.fixed(tNaive / t, 1) + "×",
        ]
    }
    cell.table(
        ["kernel", "threads", "median time (ms)", "GFLOP/s", "speed-up over loops"],
        [
            row("loops (naive)", "1", tNaive), row("im2col + GEMM", "1", tColumns),
            row("direct tile", "1", t1), row("direct tile", "2", t2),
            row("conv2dForward: Winograd", "2", tWinograd),
        ])
    try cell.picture(
        "conv-speed.png", caption: "The same convolution, five ways (GFLOP/s, higher is better)"
    ) { path in
        let chart = BarChart(
            title: "3×3 conv, 16→16 channels, 28×28, batch \(batch)", yLabel: "GFLOP/s",
            categories: [
                "loops", "im2col + GEMM", "direct, 1 thread", "direct, 2 threads",
                "Winograd, 2 threads",
            ],
            series: [
                BarSeries(
                    "GFLOP/s",
                    values: [
                        gflop / tNaive, gflop / tColumns, gflop / t1, gflop / t2,
                        gflop / tWinograd,
                    ])
            ],
            showsValues: true, legend: .hidden)
        try chart.write(to: path)
    }
    let worst = max(maxAbsDifference(naive, fast1), maxAbsDifference(naive, viaColumns))
    let scale = naive.reduce(0) { Swift.max($0, abs($1)) }
    cell.check(
        "both direct routes agree with the loops (max difference ≤ 1e-6 of the largest output)",
        worst <= 1e-6 * scale, "max difference \(worst), largest output \(scale)")
    let worstWinograd = maxAbsDifference(naive, winograd)
    cell.check(
        "Winograd agrees with the loops (max difference ≤ 1e-5 of the largest output)",
        worstWinograd <= 1e-5 * scale,
        "max difference \(worstWinograd), largest output \(scale)")
    cell.checkTiming(
        "the fast kernel is faster than the loops", t1 < tNaive, "\(Format.fixed(tNaive / t1, 1))×")
    cell.check("1 thread and 2 threads give bit-identical outputs", fast1 == fast2)
    cell.prose(
        """
        The fast and naive outputs agree to rounding, not bit for bit: the direct kernels sum \
        in a different order and fuse each multiply with its add, which rounds once instead \
        of twice. Winograd rounds more, over ten times more here: its transforms add and \
        scale inputs (by up to 8) before they are multiplied. All are correct; a test suite \
        compares them with bounds on their rounding and compares thread counts exactly.
        """)
}

// MARK: - 6. Gradient checking

/// A deliberately wrong operation: y = x³ whose backward forgets the exponent's factor 3.
func buggyCube(_ x: Tensor) -> Tensor {
    let input = x.data
    return Tensor(shape: x.shape, data: input.map { $0 * $0 * $0 }, op: "buggy-cube", inputs: [x]) {
        dy in
        x.accumulateGradient(zip(dy, input).map { $0 * $1 * $1 })  // should be 3·x²·dy
    }
}

notebook.cell("Gradient checking: a tool, not just a test") { cell in
    cell.prose(
        """
        Every backward rule in this library is checked the way lesson 01 checked one \
        derivative: nudge each input up and down by ε, measure how the output moves, and \
        compare with what autograd says. `GradientCheck` does this for whole tensors. To \
        make the output a single number it takes a fixed random weighted sum of the result \
        — so every output element matters — and evaluates that sum in Double, which keeps \
        Float32 round-off from drowning the signal.

        Here it is on our convolution (strided, padded, with bias), and on an operation \
        written with a planted mistake: y = x³ whose backward returns x²·dy instead of \
        3x²·dy. The check should pass the first and catch the second.
        """)
    var generator = SeededGenerator(seed: 4)
    let x = Tensor.randn([2, 3, 5, 6], generator: &generator, requiresGrad: true)
    let w = Tensor.randn([4, 3, 3, 3], generator: &generator, requiresGrad: true)
    let b = Tensor.randn([4], generator: &generator, requiresGrad: true)
    let good = GradientCheck.check([x, w, b]) { t in
        conv2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1)
    }
    let probe = Tensor.randn([3, 4], generator: &generator, requiresGrad: true)
    let bad = GradientCheck.check([probe]) { t in buggyCube(t[0]) }
    cell.output("conv2d:     \(good)\nbuggy cube: \(bad)")
    cell.check("conv2d passes the gradient check", good.passed)
    cell.check("the planted mistake is caught", !bad.passed)
}

// MARK: - 7. Lesson 01's network on tensors

notebook.cell("Lesson 01's network, on tensors") { cell in
    cell.prose(
        """
        The 2 → 8 → 8 → 1 network of lesson 01, with the very same weights copied into weight \
        matrices: one `linear` per layer instead of one `Value` per multiply. The loss and \
        every gradient must agree (to Float32 precision), and the time per step shows why \
        tensors exist.
        """)
    var generator = SeededGenerator(seed: 1)
    let points = (0..<80).map { _ in
        [2 * generator.nextUnitDouble() - 1, 2 * generator.nextUnitDouble() - 1]
    }
    let labels = points.map { ($0[0] * $0[0] + $0[1] * $0[1]).squareRoot() < 0.65 ? 1.0 : -1.0 }
    let mlp = MLP(inputs: 2, layerSizes: [8, 8, 1], generator: &generator)

    // The tensor twin: W[out, in] holds each neuron's weights as a row.
    let weights = mlp.layers.map { layer in
        Tensor(
            shape: [layer.neurons.count, layer.neurons[0].weights.count],
            data: layer.neurons.flatMap { $0.weights.map { Float($0.data) } }, requiresGrad: true)
    }
    let biases = mlp.layers.map { layer in
        Tensor(
            shape: [layer.neurons.count], data: layer.neurons.map { Float($0.bias.data) },
            requiresGrad: true)
    }
    let input = Tensor(shape: [80, 2], data: points.flatMap { $0.map(Float.init) })
    let target = Tensor(shape: [80, 1], data: labels.map(Float.init))

    func tensorLoss() -> Tensor {
        var h = input
        for i in weights.indices {
            h = linear(h, weight: weights[i], bias: biases[i])
            if i < weights.count - 1 { h = h.tanh() }
        }
        return (h - target).pow(2).mean()
    }
    func valueLoss() -> Value {
        var total = Value(0)
        for (p, y) in zip(points, labels) { total = total + (mlp(p)[0] - y).pow(2) }
        return total / 80.0
    }

    let repeats = notebook.quick(2, full: 5)
    var tl = tensorLoss()
    var vl = valueLoss()
    let tTensor = Timing.medianSeconds(repeats: repeats) {
        for t in weights + biases { t.grad = nil }
        tl = tensorLoss()
        tl.backward()
    }
    let tValue = Timing.medianSeconds(repeats: repeats) {
        mlp.zeroGrad()
        vl = valueLoss()
        vl.backward()
    }
    let valueGrads = mlp.layers.flatMap { $0.neurons.flatMap { $0.weights.map { Float($0.grad) } } }
    let tensorGrads = weights.flatMap { $0.grad!.data }
    let gradientError = maxAbsDifference(valueGrads, tensorGrads)
    cell.table(
        ["", "loss", "forward + backward (ms)"],
        [
            ["Value (lesson 01)", Format.fixed(vl.data, 6), Format.fixed(tValue * 1000, 2)],
            ["Tensor", Format.fixed(tl.scalar, 6), Format.fixed(tTensor * 1000, 2)],
        ])
    cell.output("largest difference between the two sets of weight gradients: \(gradientError)")
    cell.check("the two losses agree to 1e-5", abs(Double(tl.scalar) - vl.data) < 1e-5)
    cell.check("every weight gradient agrees to 1e-5", gradientError < 1e-5)
    cell.checkTiming(
        "the tensor version is faster", tTensor < tValue,
        "\(Format.fixed(tValue / tTensor, 1))× faster")
}

notebook.cell("What comes next") { cell in
    cell.prose(
        """
        We now have arrays, their gradients, and a way to trust them. Lesson 03 uses this \
        machinery to measure the claim at the heart of ResNets: that a skip connection, \
        y = x + F(x), gives the gradient a path through the network that no layer can shrink.
        """)
}

notebook.exercises(lesson: 2)

notebook.finish()
