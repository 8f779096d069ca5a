// Lesson 03: the gradient highway. dL/dx = dL/dy (I + dF/dx), derived, then measured: the
// Jacobian of a residual block, the identity in a convolutional block, and gradient norms
// through 50 plain and 50 residual layers, with and without batch norm.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-03-gradient-highway",
    title: "Lesson 03 · The gradient highway: dL/dx = dL/dy (I + dF/dx), measured")

notebook.introduction(
    """
    A residual block computes y = x + F(x): the input goes around the layers F and is added \
    back to their output. This lesson derives what that does to gradients, then measures it \
    on real blocks with the autograd of lesson 02 — first on one block, then on stacks of fifty.
    """)

func norm(_ values: [Float]) -> Float { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

// MARK: - 1. The derivation

notebook.cell("The derivation") { cell in
    cell.prose(
        """
        Let a block map x to y, and let L be the loss computed from y. The chain rule says \
        ∂L/∂x = ∂L/∂y · ∂y/∂x, where ∂y/∂x is the block's Jacobian matrix.

        - A plain block, y = F(x): ∂L/∂x = ∂L/∂y · ∂F/∂x. Every gradient that reaches x has \
        been multiplied by F's Jacobian.
        - A residual block, y = x + F(x): ∂y/∂x = I + ∂F/∂x, so

          ∂L/∂x = ∂L/∂y · (I + ∂F/∂x) = ∂L/∂y + ∂L/∂y · ∂F/∂x.

        The first term is the upstream gradient itself, passed through untouched. Stack L \
        blocks and a plain network multiplies L Jacobians, J_L ⋯ J_1, which can shrink (or \
        grow) geometrically with depth. A residual network multiplies (I + J_L) ⋯ (I + J_1), \
        whose expansion always contains the term I: a path on which the gradient reaches the \
        first layer with no layer in between to scale it. That path is the "gradient highway".
        """)
}

// MARK: - 2. The Jacobian of one block

/// The Jacobian of `f` at `x` ([1, n] → [1, n]) by autograd: row i is the gradient of
/// output i, found by one backward pass seeded with the i-th unit vector.
func jacobian(at x: [Float], _ f: (Tensor) -> Tensor) -> [[Float]] {
    let n = x.count
    return (0..<n).map { i in
        let input = Tensor(shape: [1, n], data: x, requiresGrad: true)
        var seed = [Float](repeating: 0, count: n)
        seed[i] = 1
        f(input).backward(gradient: Tensor(shape: [1, n], data: seed))
        return input.grad!.data
    }
}

/// The same Jacobian by central differences: column j is (f(x + εeⱼ) − f(x − εeⱼ)) / 2ε.
func numericJacobian(at x: [Float], epsilon: Float = 1e-2, _ f: (Tensor) -> Tensor) -> [[Float]] {
    let n = x.count
    var rows = [[Float]](repeating: [Float](repeating: 0, count: n), count: n)
    Tensor.withoutGrad {
        for j in 0..<n {
            var up = x
            var down = x
            up[j] += epsilon
            down[j] -= epsilon
            let fUp = f(Tensor(shape: [1, n], data: up)).data
            let fDown = f(Tensor(shape: [1, n], data: down)).data
            for i in 0..<n { rows[i][j] = (fUp[i] - fDown[i]) / (2 * epsilon) }
        }
    }
    return rows
}

func matrixText(_ m: [[Float]]) -> String {
    m.map { row in row.map { String(format: "%7.3f", $0) }.joined() }.joined(separator: "\n")
}

notebook.cell("The Jacobian of one residual block, measured") { cell in
    cell.prose(
        """
        A small block on vectors of 5 numbers: F(x) = W₂ · tanh(W₁x), with y = x + F(x). We \
        compute the full 5×5 Jacobian ∂y/∂x twice — by autograd (one backward pass per output, \
        seeded with a unit vector) and by central differences — and the Jacobian of F alone. \
        The claim to test: ∂y/∂x − ∂F/∂x is exactly the identity matrix.
        """)
    var generator = SeededGenerator(seed: 3)
    let w1 = Tensor.randn([5, 5], generator: &generator) * 0.5
    let w2 = Tensor.randn([5, 5], generator: &generator) * 0.5
    let x = Tensor.randn([5], generator: &generator).data
    func residualF(_ v: Tensor) -> Tensor { linear(linear(v, weight: w1).tanh(), weight: w2) }
    let jBlock = jacobian(at: x) { v in v + residualF(v) }
    let jF = jacobian(at: x, residualF)
    let jNumeric = numericJacobian(at: x) { v in v + residualF(v) }
    let difference = zip(jBlock, jF).map { zip($0, $1).map { $0 - $1 } }
    cell.output(
        "∂y/∂x by autograd:\n\(matrixText(jBlock))\n\n∂F/∂x by autograd:\n\(matrixText(jF))\n\n"
            + "∂y/∂x − ∂F/∂x:\n\(matrixText(difference))")
    let identityError =
        difference.enumerated().flatMap { i, row in
            row.enumerated().map { j, v in abs(v - (i == j ? 1 : 0)) }
        }.max() ?? 0
    let numericError = maxAbsDifference(jBlock.flatMap { $0 }, jNumeric.flatMap { $0 })
    cell.check(
        "∂y/∂x − ∂F/∂x is the identity matrix", identityError < 1e-6,
        "largest deviation \(Format.scientific(identityError))")
    cell.check(
        "autograd's Jacobian matches central differences", numericError < 1e-3,
        "largest difference \(Format.scientific(numericError))")
}

// MARK: - 3. The identity in a convolutional block

notebook.cell("The identity in a convolutional residual block") { cell in
    cell.prose(
        """
        Now the block of the ResNet papers, on images: F(x) = BN(conv(ReLU(BN(conv(x))))), \
        with two 3×3 convolutions over 4 channels and batch norm in training mode, and \
        y = x + F(x) (before the final ReLU). For an arbitrary upstream gradient g = ∂L/∂y, \
        the derivation predicts ∂L/∂x = g + (the gradient that F alone sends back from g). \
        We compute both sides with autograd and compare every element.
        """)
    var generator = SeededGenerator(seed: 5)
    let w1 = Tensor.randn([4, 4, 3, 3], generator: &generator) * 0.3
    let w2 = Tensor.randn([4, 4, 3, 3], generator: &generator) * 0.3
    let gamma = Tensor.ones([4])
    let beta = Tensor.zeros([4])
    func blockF(_ v: Tensor) -> Tensor {
        let h = batchNorm2d(
            conv2d(v, weight: w1, padding: 1), weight: gamma, bias: beta,
            runningMean: Tensor.zeros([4]), runningVar: Tensor.ones([4]), training: true
        ).relu()
        return batchNorm2d(
            conv2d(h, weight: w2, padding: 1), weight: gamma, bias: beta,
            runningMean: Tensor.zeros([4]), runningVar: Tensor.ones([4]), training: true)
    }
    let xData = Tensor.randn([2, 4, 6, 6], generator: &generator)
    let g = Tensor.randn([2, 4, 6, 6], generator: &generator)

    let x1 = Tensor(shape: xData.shape, data: xData.data, requiresGrad: true)
    (x1 + blockF(x1)).backward(gradient: g)
    let x2 = Tensor(shape: xData.shape, data: xData.data, requiresGrad: true)
    blockF(x2).backward(gradient: g)
    let predicted = zip(g.data, x2.grad!.data).map { $0 + $1 }
    let error = maxAbsDifference(x1.grad!.data, predicted)
    cell.table(
        ["", "‖·‖"],
        [
            ["g = ∂L/∂y", Format.fixed(norm(g.data))],
            ["gradient F sends back", Format.fixed(norm(x2.grad!.data))],
            ["∂L/∂x through the block", Format.fixed(norm(x1.grad!.data))],
        ])
    cell.check(
        "∂L/∂x = g + (F's own backward of g), element by element", error < 1e-5,
        "largest difference \(Format.scientific(error))")
}

// MARK: - 4. Fifty layers deep

/// One layer of the deep stacks: conv 3×3 (16 → 16), optional batch norm, ReLU; the
/// residual version adds its input before the ReLU: relu(x + BN(conv(x))).
struct DeepStack {
    let residual: Bool
    let batchNorm: Bool
    let weights: [Tensor]
    let head: Tensor

    init(depth: Int, residual: Bool, batchNorm: Bool, generator: inout SeededGenerator) {
        self.residual = residual
        self.batchNorm = batchNorm
        // PyTorch's default initialisation for Conv2d: uniform in ±1/√fan_in·... with
        // kaiming_uniform(a = √5), i.e. bound = 1/√fan_in, variance 1/(3·fan_in).
        let bound = 1 / Float(16 * 9).squareRoot()
        weights = (0..<depth).map { _ in
            Tensor.uniform(
                [16, 16, 3, 3], low: -bound, high: bound, generator: &generator, requiresGrad: true)
        }
        head = Tensor.uniform(
            [10, 16], low: -0.25, high: 0.25, generator: &generator, requiresGrad: true)
    }

    /// Returns the loss and the activation entering each layer (gradients retained).
    func loss(_ x: Tensor, labels: [Int]) -> (Tensor, [Tensor]) {
        var h = x
        var inputs: [Tensor] = []
        for w in weights {
            h.retainsGrad = true
            inputs.append(h)
            var f = conv2d(h, weight: w, padding: 1)
            if batchNorm {
                f = batchNorm2d(
                    f, weight: nil, bias: nil, runningMean: Tensor.zeros([16]),
                    runningVar: Tensor.ones([16]), training: true)
            }
            h = residual ? (h + f).relu() : f.relu()
        }
        let pooled = h.mean(axes: [2, 3])
        return (crossEntropy(logits: linear(pooled, weight: head), targets: labels), inputs)
    }
}

struct GradientProfile {
    let name: String
    let inputNorms: [Float]
    let weightNorms: [Float]
}

let depth = 50
var profiles: [GradientProfile] = []

notebook.cell("Fifty layers deep: the gradient reaching each layer") { cell in
    cell.prose(
        """
        Four stacks of \(depth) convolutional layers (16 channels, 3×3, on a batch of random \
        \(notebook.quick(8, full: 16))×\(notebook.quick(8, full: 16)) images), all starting \
        from PyTorch's default initialisation: plain or residual, with or without batch norm. \
        Each ends in global average pooling and a linear classifier with a cross-entropy loss. \
        One backward pass; then we read the norm of the gradient that arrived at the input of \
        every layer, ‖∂L/∂xₗ‖, and at every layer's weights, ‖∂L/∂Wₗ‖.
        """)
    let size = notebook.quick(8, full: 16)
    for (residual, batchNorm) in [(false, false), (true, false), (false, true), (true, true)] {
        var generator = SeededGenerator(seed: 11)
        let stack = DeepStack(
            depth: depth, residual: residual, batchNorm: batchNorm, generator: &generator)
        let x = Tensor.randn([8, 16, size, size], generator: &generator, requiresGrad: true)
        let labels = (0..<8).map { _ in Int(generator.next() % 10) }
        let (loss, inputs) = stack.loss(x, labels: labels)
        loss.backward()
        let name = (residual ? "residual" : "plain") + (batchNorm ? " + BN" : ", no BN")
        profiles.append(
            GradientProfile(
                name: name, inputNorms: inputs.map { norm($0.grad?.data ?? []) },
                weightNorms: stack.weights.map { norm($0.grad!.data) }))
    }
    cell.table(
        ["stack", "‖∂L/∂x‖ layer 1", "layer 25", "layer 50", "layer 1 / layer 50"],
        profiles.map { p in
            [
                p.name, Format.scientific(p.inputNorms[0]), Format.scientific(p.inputNorms[24]),
                Format.scientific(p.inputNorms[depth - 1]),
                Format.scientific(p.inputNorms[0] / p.inputNorms[depth - 1]),
            ]
        })
    try cell.picture("gradient-norms.png", caption: "‖∂L/∂x‖ at the input of each layer, log scale")
    { path in
        var chart = LineChart(
            title: "Gradient reaching each layer of a \(depth)-layer stack", xLabel: "layer",
            yLabel: "‖∂L/∂x‖ (log scale)", yScale: .log)
        for (i, p) in profiles.enumerated() {
            chart.add(
                LineSeries(
                    p.name, x: (1...depth).map(Double.init), y: p.inputNorms.map(Double.init),
                    style: i < 2 ? .dashed : .solid))
        }
        try chart.write(to: path)
    }
    let plain = profiles[0]
    let residual = profiles[1]
    let plainBN = profiles[2]
    let residualBN = profiles[3]
    cell.check(
        "without BN, the plain stack's gradient vanishes: layer 1 gets under 1e-6 of layer 50's",
        plain.inputNorms[0] / plain.inputNorms[depth - 1] < 1e-6,
        "ratio \(Format.scientific(plain.inputNorms[0] / plain.inputNorms[depth - 1]))")
    cell.check(
        "without BN, the residual stack's gradient does not vanish (ratio ≥ 1)",
        residual.inputNorms[0] / residual.inputNorms[depth - 1] >= 1,
        "ratio \(Format.scientific(residual.inputNorms[0] / residual.inputNorms[depth - 1]))")
    let plainBNRatio = plainBN.inputNorms[0] / plainBN.inputNorms[depth - 1]
    let residualBNRatio = residualBN.inputNorms[0] / residualBN.inputNorms[depth - 1]
    cell.check(
        "with BN, the plain stack's gradient does not vanish: no layer gets less than half of layer 50's",
        plainBN.inputNorms.allSatisfy { $0 >= 0.5 * plainBN.inputNorms[depth - 1] })
    cell.check(
        "but it is not flat either: it grows toward the input, layer 1 getting over 100× layer 50's",
        plainBNRatio > 100, "ratio \(Format.scientific(plainBNRatio))")
    cell.check(
        "with BN, the residual stack is far flatter: its layer-1/layer-50 ratio is under a tenth of the plain one",
        residualBNRatio < plainBNRatio / 10,
        "\(Format.scientific(residualBNRatio)) vs \(Format.scientific(plainBNRatio))")
}

notebook.cell("What the numbers say") { cell in
    let plainBN = profiles[2]
    let residualBN = profiles[3]
    let plainRatio = plainBN.inputNorms[0] / plainBN.inputNorms[depth - 1]
    let residualRatio = residualBN.inputNorms[0] / residualBN.inputNorms[depth - 1]
    cell.prose(
        """
        Two explanations of why residual networks train circulate, and the measurements \
        separate them. Without batch norm, the plain stack's gradient collapses layer after \
        layer — the vanishing gradient — while the identity path of the residual stack carries \
        it to the first layer. With batch norm, the plain stack's gradient no longer vanishes: \
        normalisation rescales every layer, so the first claim ("skip connections fix vanishing \
        gradients") is not what separates a BN-equipped plain net from a residual one.

        They still differ. In the plain + BN stack the gradient *grows* toward the input: layer \
        1 receives \(Format.scientific(plainRatio))× what layer 50 receives, so under one learning rate the early \
        layers would take far larger steps than the late ones. In the \
        residual + BN stack the same ratio is \(Format.scientific(residualRatio)). He et al. (2015, section \
        4.1) reported that their 34-layer plain net with batch norm had healthy gradients yet \
        trained *worse* than the 18-layer one — the degradation problem, an optimisation \
        difficulty. The uneven gradient profile measured here is one face of that difficulty; \
        lesson 08 trains both families on Fashion-MNIST and measures the degradation itself.
        """)
    let weightRows = [plainBN, residualBN].map { p in
        [
            p.name, Format.scientific(p.weightNorms[0]),
            Format.scientific(p.weightNorms[depth - 1]),
            Format.scientific(p.weightNorms.max()! / p.weightNorms.min()!),
        ]
    }
    cell.table(["stack", "‖∂L/∂W‖ layer 1", "layer 50", "max / min over layers"], weightRows)
}

notebook.finish()
