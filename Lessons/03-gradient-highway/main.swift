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

/// ‖values‖, summed in Double: the squares of Float32 entries below about 1e-23 are smaller
/// than the smallest positive Float32, and a Float32 sum would lose them (section 4).
func norm(_ values: [Float]) -> Double {
    values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
}

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

        The first term is the upstream gradient itself, passed through untouched. Stack N \
        blocks and a plain network multiplies N Jacobians, J_N ⋯ J_1, which can shrink (or \
        grow) geometrically with depth. A residual network multiplies (I + J_N) ⋯ (I + J_1), \
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

// listing: deep-stack
/// One of the deep stacks: `depth` layers of conv 3×3 (16 → 16 channels), each in one of
/// three arrangements, then global average pooling, a linear classifier and cross-entropy.
struct DeepStack {
    enum Kind: String {
        /// h ← ReLU(BN(conv(h))): no shortcut.
        case plain
        /// h ← ReLU(h + BN(conv(h))): the original residual block's order (He et al. 2015).
        case residual
        /// h ← h + conv(ReLU(BN(h))): pre-activation (He et al. 2016); nothing after the sum.
        case preActivation = "pre-activation"
    }

    /// How the convolution weights are drawn.
    enum Initialisation: String {
        /// PyTorch's default for `nn.Conv2d`: U(±1/√fan_in), variance 1/(3·fan_in).
        case pytorchDefault = "PyTorch default"
        /// He et al. (2015, "Delving deep"): N(0, 2/fan), what the library's ResNets use.
        case he = "He"
    }

    let kind: Kind
    let batchNorm: Bool
    let weights: [Tensor]
    let head: Tensor

    init(
        depth: Int, kind: Kind, batchNorm: Bool, initialisation: Initialisation,
        generator: inout SeededGenerator
    ) {
        self.kind = kind
        self.batchNorm = batchNorm
        weights = (0..<depth).map { _ in
            let w = Tensor.zeros([16, 16, 3, 3], requiresGrad: true)
            switch initialisation {
            case .pytorchDefault:
                Init.kaimingUniform(
                    w, nonlinearity: .leakyReLU(negativeSlope: Float(5).squareRoot()),
                    generator: &generator)
            case .he:
                Init.kaimingNormal(w, mode: .fanOut, nonlinearity: .relu, generator: &generator)
            }
            return w
        }
        head = Tensor.uniform(
            [10, 16], low: -0.25, high: 0.25, generator: &generator, requiresGrad: true)
    }

    /// Batch norm in training mode (no affine parameters), or nothing.
    func normalise(_ t: Tensor) -> Tensor {
        guard batchNorm else { return t }
        return batchNorm2d(
            t, weight: nil, bias: nil, runningMean: Tensor.zeros([16]),
            runningVar: Tensor.ones([16]), training: true)
    }

    /// Returns the loss and the activation entering each layer (gradients retained).
    func loss(_ x: Tensor, labels: [Int]) -> (Tensor, [Tensor]) {
        var h = x
        var inputs: [Tensor] = []
        for w in weights {
            h.retainsGrad = true
            inputs.append(h)
            switch kind {
            case .plain: h = normalise(conv2d(h, weight: w, padding: 1)).relu()
            case .residual: h = (h + normalise(conv2d(h, weight: w, padding: 1))).relu()
            case .preActivation: h = h + conv2d(normalise(h).relu(), weight: w, padding: 1)
            }
        }
        let pooled = h.mean(axes: [2, 3])
        return (crossEntropy(logits: linear(pooled, weight: head), targets: labels), inputs)
    }
}
// listing-end: deep-stack

struct GradientProfile {
    let name: String
    let inputNorms: [Double]
    let weightNorms: [Double]
    /// Layer 1's ‖∂L/∂x‖ summed in Float32 instead, and its largest entry.
    let firstLayerFloat32Norm: Float
    let firstLayerLargest: Float
    /// The share of each layer's output entries that its final ReLU lets through (the rest
    /// have zero gradient there), averaged over the layers; nil where no ReLU follows the sum.
    let openShare: Float?

    /// ‖∂L/∂x‖ at layer 1 over layer 50: below 1, the gradient shrinks toward the input.
    var ratio: Double { inputNorms[0] / inputNorms[inputNorms.count - 1] }
}

let depth = 50
var profiles: [String: GradientProfile] = [:]
/// The stacks measured, in the order of the table.
let stacks: [(kind: DeepStack.Kind, batchNorm: Bool, initialisation: DeepStack.Initialisation)] = [
    (.plain, false, .pytorchDefault), (.plain, false, .he), (.residual, false, .pytorchDefault),
    (.plain, true, .he), (.residual, true, .he), (.preActivation, true, .he),
]

func stackName(
    _ kind: DeepStack.Kind, _ batchNorm: Bool, _ initialisation: DeepStack.Initialisation
)
    -> String
{
    "\(kind.rawValue)\(batchNorm ? " + BN" : ", no BN"), \(initialisation.rawValue) init"
}

notebook.cell("Fifty layers deep: the gradient reaching each layer") { cell in
    cell.prose(
        """
        Now stacks of \(depth) convolutional layers (16 channels, 3×3, on a batch of 8 random \
        \(notebook.quick(8, full: 16))×\(notebook.quick(8, full: 16)) images), each ending \
        in global average pooling and a linear classifier with a cross-entropy loss. One \
        backward pass; then we read the norm of the gradient that arrived at the input of \
        every layer, ‖∂L/∂xₗ‖, and at every layer's weights, ‖∂L/∂Wₗ‖. This is the code:
        """)
    try cell.listing("deep-stack", in: "Lessons/03-gradient-highway/main.swift")
    cell.prose(
        """
        Without batch norm, how the weights are drawn decides how a signal's size changes \
        from layer to layer, so the plain stack is measured twice. PyTorch's default for a \
        convolution (variance 1/(3·fan_in)) is what a `nn.Conv2d` gets unless told otherwise; \
        He et al.'s (variance 2/fan_in, "Delving deep into rectifiers", 2015) is designed so \
        that a ReLU layer keeps the signal's variance, and it is what the ResNets of this \
        library use. With batch norm after each convolution the scale of the weights no longer \
        matters (the normalisation divides it out), so those stacks use He's.
        """)
    let size = notebook.quick(8, full: 16)
    for (kind, batchNorm, initialisation) in stacks {
        var generator = SeededGenerator(seed: 11)
        let stack = DeepStack(
            depth: depth, kind: kind, batchNorm: batchNorm, initialisation: initialisation,
            generator: &generator)
        let x = Tensor.randn([8, 16, size, size], generator: &generator, requiresGrad: true)
        let labels = (0..<8).map { _ in Int(generator.next() % 10) }
        let (loss, inputs) = stack.loss(x, labels: labels)
        loss.backward()
        let name = stackName(kind, batchNorm, initialisation)
        // Layer l's output is layer l + 1's input: count its positive entries.
        let shares = inputs.dropFirst().map { h in
            Float(h.data.filter { $0 > 0 }.count) / Float(h.count)
        }
        profiles[name] = GradientProfile(
            name: name, inputNorms: inputs.map { norm($0.grad?.data ?? []) },
            weightNorms: stack.weights.map { norm($0.grad!.data) },
            firstLayerFloat32Norm: (inputs[0].grad?.data ?? []).reduce(Float(0)) { $0 + $1 * $1 }
                .squareRoot(),
            firstLayerLargest: (inputs[0].grad?.data ?? []).map(abs).max() ?? 0,
            openShare: kind == .residual ? shares.reduce(0, +) / Float(shares.count) : nil)
    }
    let ordered = stacks.map { profiles[stackName($0.kind, $0.batchNorm, $0.initialisation)]! }
    cell.table(
        ["stack", "‖∂L/∂x‖ layer 1", "layer 25", "layer 50", "layer 1 / layer 50"],
        ordered.map { p in
            [
                p.name, Format.scientific(p.inputNorms[0]), Format.scientific(p.inputNorms[24]),
                Format.scientific(p.inputNorms[depth - 1]), Format.scientific(p.ratio),
            ]
        })
    try cell.picture("gradient-norms.png", caption: "‖∂L/∂x‖ at the input of each layer, log scale")
    { path in
        var chart = LineChart(
            title: "Gradient reaching each layer of a \(depth)-layer stack", xLabel: "layer",
            yLabel: "‖∂L/∂x‖ (log scale)", yScale: .log)
        for (i, p) in ordered.enumerated() {
            // A zero (none is expected) could not be drawn on a log scale: left out.
            let points = p.inputNorms.enumerated().filter { $0.element > 0 }
            chart.add(
                LineSeries(
                    p.name, x: points.map { Double($0.offset + 1) },
                    y: points.map { Double($0.element) }, style: i < 3 ? .dashed : .solid))
        }
        try chart.write(to: path)
    }
    let plainDefault = ordered[0]
    let plainHe = ordered[1]
    let residual = ordered[2]
    // The plain, default-init stack loses a roughly steady factor per layer.
    let perLayer = pow(plainDefault.inputNorms[0] / plainDefault.inputNorms[depth - 1], 1.0 / 49)
    cell.output(
        """
        plain, no BN, PyTorch default init: the gradient shrinks by a factor of \
        \(Format.fixed(perLayer, 3)) per layer on average, to \
        \(Format.scientific(plainDefault.inputNorms[0])) at layer 1;
        its largest entry there is \(Format.scientific(Double(plainDefault.firstLayerLargest))), \
        whose square, \
        \(Format.scientific(Double(plainDefault.firstLayerLargest) * Double(plainDefault.firstLayerLargest))), \
        is below the smallest positive Float32 \
        (\(Format.scientific(Double(Float.leastNonzeroMagnitude)))): summed in Float32 the norm \
        reads \(Format.scientific(Double(plainDefault.firstLayerFloat32Norm))), so these norms \
        are summed in Double
        """)
    cell.check(
        "plain, no BN, PyTorch default init: the gradient vanishes, layer 1 getting under 1e-12 of layer 50's (and more than 0)",
        plainDefault.inputNorms[0] > 0 && plainDefault.ratio < 1e-12,
        "ratio \(Format.scientific(plainDefault.ratio))")
    cell.check(
        "plain, no BN, He init: the same depth keeps the gradient within 100× of layer 50's at every layer",
        plainHe.inputNorms.allSatisfy {
            $0 > plainHe.inputNorms[depth - 1] / 100 && $0 < plainHe.inputNorms[depth - 1] * 100
        },
        "layer 1 / layer 50 = \(Format.scientific(plainHe.ratio))")
    cell.check(
        "residual, no BN, PyTorch default init: the gradient does not vanish (ratio ≥ 1)",
        residual.ratio >= 1, "ratio \(Format.scientific(residual.ratio))")
    let plainBN = ordered[3]
    let residualBN = ordered[4]
    let preActivation = ordered[5]
    cell.check(
        "with BN, the plain stack's gradient does not vanish: no layer gets less than half of layer 50's",
        plainBN.inputNorms.allSatisfy { $0 >= 0.5 * plainBN.inputNorms[depth - 1] })
    cell.check(
        "but it is not flat either: it grows toward the input, layer 1 getting over 100× layer 50's",
        plainBN.ratio > 100, "ratio \(Format.scientific(plainBN.ratio))")
    cell.check(
        "with BN, the residual stack is far flatter: its layer-1/layer-50 ratio is under a tenth of the plain one",
        residualBN.ratio < plainBN.ratio / 10,
        "\(Format.scientific(residualBN.ratio)) vs \(Format.scientific(plainBN.ratio))")
    cell.check(
        "the pre-activation stack's input gradient grows like the residual one's: its ratio within 2× of it",
        preActivation.ratio > residualBN.ratio / 2 && preActivation.ratio < residualBN.ratio * 2,
        "\(Format.scientific(preActivation.ratio)) vs \(Format.scientific(residualBN.ratio))")
}

notebook.cell("What the numbers say") { cell in
    let plainDefault = profiles[stackName(.plain, false, .pytorchDefault)]!
    let plainHe = profiles[stackName(.plain, false, .he)]!
    let plainBN = profiles[stackName(.plain, true, .he)]!
    let residualBN = profiles[stackName(.residual, true, .he)]!
    let preActivation = profiles[stackName(.preActivation, true, .he)]!
    func spread(_ p: GradientProfile) -> Double { p.weightNorms.max()! / p.weightNorms.min()! }
    cell.prose(
        """
        Depth alone does not make a gradient vanish; the initialisation does. The plain stack \
        without batch norm loses a steady factor at every layer with PyTorch's default weights \
        (their variance is a sixth of what keeps a ReLU layer's signal the same size): layer \
        1 gets \(Format.scientific(plainDefault.ratio))× what layer 50 gets. With He's weights the same \(depth) layers pass the gradient on \
        nearly whole: layer 1 gets \(Format.scientific(plainHe.ratio))× what layer 50 gets. \
        The residual stack keeps it even with the shrinking weights: its identity path does \
        not depend on them.

        With batch norm the weights' scale no longer matters, and the plain stack's gradient \
        does not vanish; it *grows* toward the input: layer 1 receives \
        \(Format.scientific(plainBN.ratio))× what layer 50 receives, so under one learning rate \
        the early layers would take far larger steps than the late ones. In the residual + BN \
        stack the same ratio is \(Format.scientific(residualBN.ratio)). He et al. (2015, \
        section 4.1) checked that their 34-layer plain net with batch norm had healthy \
        gradients, and it still trained *worse* than the 18-layer one: the degradation \
        problem, an optimisation difficulty rather than a vanishing gradient. The uneven \
        profile measured here is one face of it; lesson 08 trains both families on \
        Fashion-MNIST and measures the degradation itself.

        The "highway" of the original block is not a pure identity either. In \
        relu(x + F(x)) the ReLU after the sum multiplies the whole gradient, the skip path's \
        share included, by a mask of zeros and ones: ∂L/∂x = ∂L/∂y · D (I + ∂F/∂x), with D \
        the diagonal of the mask. In the residual + BN stack each such mask lets through \
        \(Format.fixed(100 * (residualBN.openShare ?? 0), 1))% of the entries on average. He \
        et al. (2016, "Identity mappings in deep residual networks") showed that when nothing \
        follows the sum, ∂L/∂xₗ = ∂L/∂x_L (I + ∂/∂xₗ Σᵢ F(xᵢ)) holds exactly between any two \
        layers l < L (section 2, equations 4 and 5), and made it so by moving batch norm and \
        the ReLU into the branch, x + conv(ReLU(BN(x))): the full pre-activation block \
        (section 4, Figure 4e). The measurement shows what that buys and what it does \
        not: the input gradient of the pre-activation stack grows toward the input about as \
        much as the residual stack's (\(Format.scientific(preActivation.ratio))×: every \
        block's branch adds its own term to the identity's), but its weights receive the most \
        even gradients: the largest layer's is \(Format.fixed(spread(preActivation), 2))× the \
        smallest's, against \(Format.fixed(spread(residualBN), 1))× in the residual stack and \
        \(Format.scientific(spread(plainBN)))× in the plain one.
        """)
    let weightRows = [plainBN, residualBN, preActivation].map { p in
        [
            p.name, Format.scientific(p.weightNorms[0]),
            Format.scientific(p.weightNorms[depth - 1]), Format.scientific(spread(p)),
        ]
    }
    cell.table(["stack", "‖∂L/∂W‖ layer 1", "layer 50", "max / min over layers"], weightRows)
    cell.check(
        "the pre-activation stack's weight gradients are the most even: max/min under half the residual stack's",
        spread(preActivation) < spread(residualBN) / 2,
        "\(Format.fixed(spread(preActivation), 2)) vs \(Format.fixed(spread(residualBN), 2))")
    cell.check(
        "the ReLU after the sum closes part of the skip path: under 95% of the entries pass",
        (residualBN.openShare ?? 1) < 0.95,
        "\(Format.fixed(100 * (residualBN.openShare ?? 0), 1))%")
}

notebook.exercises(lesson: 3)

notebook.finish()
