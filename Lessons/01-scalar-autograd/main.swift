// Lesson 01: scalar autograd. Derivatives by hand, by finite differences, and by the chain
// rule run backwards over an expression graph; why gradients accumulate; a small MLP.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-01-scalar-autograd",
    title: "Lesson 01 · Scalar autograd: the chain rule, run backwards")

notebook.introduction(
    """
    Everything in this course — convolutions, residual blocks, a 56-layer network — is trained by \
    one idea: compute a loss, then ask how much each number that went into it should change. \
    This lesson builds that machinery for single numbers, where every step can be checked by hand. \
    The same machinery, on tensors, is what lesson 02 builds and what makes lesson 03's \
    "gradient highway" measurable.
    """)

// MARK: - 1. A derivative by hand

func f(_ x: Double) -> Double { 3 * x * x - 4 * x + 5 }
let x0 = 3.0
let exactSlope = 6 * x0 - 4

notebook.cell("A derivative by hand") { cell in
    cell.prose(
        """
        Take f(x) = 3x² − 4x + 5. Calculus says f'(x) = 6x − 4, so at x = 3 the slope is 14: nudge x \
        up by a tiny amount h and f grows by about 14·h. A derivative is nothing more than that \
        sensitivity.
        """)
    cell.output(
        "f(3) = \(Format.fixed(f(x0), 1))\nf'(3) = 6·3 − 4 = \(Format.fixed(exactSlope, 1))")
}

// MARK: - 2. Finite differences

notebook.cell("The same slope by finite differences") { cell in
    cell.prose(
        """
        Without calculus, we can measure the slope: (f(x+h) − f(x))/h is the forward difference, \
        (f(x+h) − f(x−h))/2h the central one. Shrinking h first makes both better — the forward \
        error falls like h, the central like h² — until the subtraction of two nearly equal \
        floating-point numbers takes over and the error grows again. There is a best h, and it is \
        not "as small as possible". (For this quadratic the central difference is exact apart \
        from rounding: its error term is proportional to f‴, which is 0.)
        """)
    var rows: [[String]] = []
    var forwardErrors: [Double: Double] = [:]
    var centralErrors: [Double: Double] = [:]
    for exponent in stride(from: 1, through: 13, by: 2) {
        let h = pow(10.0, -Double(exponent))
        let forward = (f(x0 + h) - f(x0)) / h
        let central = (f(x0 + h) - f(x0 - h)) / (2 * h)
        forwardErrors[h] = abs(forward - exactSlope)
        centralErrors[h] = abs(central - exactSlope)
        rows.append([
            "1e-\(exponent)", Format.fixed(forward, 10),
            Format.scientific(abs(forward - exactSlope)), Format.fixed(central, 10),
            Format.scientific(abs(central - exactSlope)),
        ])
    }
    cell.table(["h", "forward", "|error|", "central", "|error|"], rows)
    cell.check(
        "the forward error at h = 0.1 is about 3h (its leading term is f''·h/2 = 3h)",
        abs(forwardErrors[1e-1]! - 0.3) < 1e-9, "error \(Format.scientific(forwardErrors[1e-1]!))")
    cell.check(
        "the central difference at h = 1e-5 is within 1e-8 of 14",
        centralErrors[1e-5]! < 1e-8, "error \(Format.scientific(centralErrors[1e-5]!))")
    cell.check(
        "round-off wins at tiny h: the error at h = 1e-13 exceeds the error at h = 1e-5",
        centralErrors[1e-13]! > centralErrors[1e-5]!,
        "\(Format.scientific(centralErrors[1e-13]!)) vs \(Format.scientific(centralErrors[1e-5]!))")
    cell.prose(
        """
        Finite differences cost two evaluations of f per input. A network has millions of \
        inputs (its weights), so we use them only to *check* gradients; computing them is the job \
        of the chain rule.
        """)
}

// MARK: - 3. The chain rule on a graph

notebook.cell("The chain rule, run backwards over a graph") { cell in
    let a = Value(2, label: "a")
    let b = Value(-3, label: "b")
    let c = Value(10, label: "c")
    let e = a * b
    e.label = "e"
    let d = e + c
    d.label = "d"
    let fv = Value(-2, label: "f")
    let loss = d * fv
    loss.label = "L"
    cell.prose(
        """
        Now let several numbers feed one output: L = (a·b + c)·f with a = 2, b = −3, c = 10, f = −2. \
        Name the pieces e = a·b and d = e + c, so L = d·f. Each operation knows its *local* \
        derivative: for L = d·f, ∂L/∂d = f and ∂L/∂f = d; for d = e + c, both are 1; for \
        e = a·b, ∂e/∂a = b and ∂e/∂b = a. The chain rule multiplies local derivatives along the \
        path from L back to each input:

          ∂L/∂a = ∂L/∂d · ∂d/∂e · ∂e/∂a = f · 1 · b = (−2)(−3) = 6

        `Value` does exactly this. Every arithmetic operation records its inputs and its local \
        derivatives; multiplication, for instance:
        """)
    try cell.listing("value-multiply", in: "Sources/ScalarAutograd/Value+Operations.swift")
    cell.prose(
        """
        `backward()` then visits the graph from L back to the leaves, in reverse topological \
        order, adding local × downstream into each input's gradient:
        """)
    try cell.listing("value-backward", in: "Sources/ScalarAutograd/Value.swift")
    loss.backward()
    let byHand: [(Value, Double)] = [
        (a, fv.data * b.data), (b, fv.data * a.data), (c, fv.data), (fv, d.data), (e, fv.data),
        (d, fv.data),
    ]
    cell.table(
        ["value", "data", "∂L/∂value by hand", "by backward()"],
        byHand.map { v, hand in
            [v.label, Format.fixed(v.data, 1), Format.fixed(hand, 1), Format.fixed(v.grad, 1)]
        })
    cell.check(
        "backward() agrees with the hand-worked chain rule for every value",
        byHand.allSatisfy { v, hand in v.grad == hand })
    func lossAt(_ aValue: Double) -> Double { (aValue * b.data + c.data) * fv.data }
    let numeric = (lossAt(a.data + 1e-5) - lossAt(a.data - 1e-5)) / 2e-5
    cell.check(
        "and the central difference agrees: ∂L/∂a ≈ \(Format.fixed(numeric, 8))",
        abs(numeric - a.grad) < 1e-6)
    try cell.picture(
        "expression-graph.svg",
        caption: "L = (a·b + c)·f after backward(): data and grad in every node"
    ) { path in
        try GraphRenderer.write(loss.dotGraph(), to: path)
    }
}

// MARK: - 4. Why gradients accumulate

notebook.cell("Why gradients accumulate (+=, never =)") { cell in
    cell.prose(
        """
        When a value is used twice, the output depends on it along two paths, and the chain rule \
        says to add the two contributions. Take y = x·x + x at x = 3: dy/dx = 2x + 1 = 7. If \
        `backward()` *assigned* each contribution instead of adding it, the later path would \
        overwrite the earlier one and we would get the wrong answer.
        """)
    let x = Value(3, label: "x")
    let y = x * x + x
    y.backward()
    cell.output("y = x·x + x at x = 3:  x.grad = \(Format.fixed(x.grad, 1))   (hand: 2·3 + 1 = 7)")
    cell.check("a value used on several paths receives the sum of their contributions", x.grad == 7)
    cell.prose(
        """
        The same `+=` has a consequence for training: a parameter's gradient from one step is \
        still there at the next. Each call of `backward()` adds one more copy of dL/dw to every \
        leaf w (the inputs and parameters), so calling it twice doubles them; the gradients of \
        the values in between are worked out afresh on every pass. PyTorch behaves the same \
        way. That is why every training loop clears gradients (`zeroGrad()`) before each \
        backward pass, and why forgetting to is a classic bug: the step then follows the sum \
        of every gradient so far.
        """)
    let w = Value(0.5, label: "w")
    let hidden = w * w
    let out = hidden * 4.0
    out.backward()
    let once = w.grad
    let hiddenOnce = hidden.grad
    out.backward()
    let twice = w.grad
    cell.output(
        """
        out = 4·w² at w = 0.5 (dout/dw = 8w = 4)
        after one backward():  w.grad = \(Format.fixed(once, 1)),  (w²).grad = \(Format.fixed(hiddenOnce, 1))
        after a second one:    w.grad = \(Format.fixed(twice, 1)),  (w²).grad = \(Format.fixed(hidden.grad, 1))
        """)
    cell.check(
        "a second backward() without zeroGrad() doubles the leaf's gradient", twice == 2 * once,
        "\(once) → \(twice)")
    cell.check(
        "the value in between holds this pass's gradient, not a sum", hidden.grad == hiddenOnce,
        "\(hiddenOnce) → \(hidden.grad)")
}

// MARK: - 5. A neuron

notebook.cell("One neuron, and its graph") { cell in
    cell.prose(
        """
        A neuron computes tanh(x₁w₁ + x₂w₂ + b). Its backward pass needs one new local \
        derivative, d tanh(n)/dn = 1 − tanh²(n). With the bias chosen so that n = 0.8814, \
        tanh(n) = 1/√2, the local derivative is exactly ½, and every gradient below can be read \
        off by hand: ∂o/∂w₁ = x₁·½, ∂o/∂x₁ = w₁·½.
        """)
    let x1 = Value(2, label: "x1")
    let x2 = Value(0, label: "x2")
    let w1 = Value(-3, label: "w1")
    let w2 = Value(1, label: "w2")
    let bias = Value(6.8813735870195432, label: "b")
    let n = x1 * w1 + x2 * w2 + bias
    n.label = "n"
    let o = n.tanh()
    o.label = "o"
    o.backward()
    cell.table(
        ["value", "grad by backward()", "by hand"],
        [
            ["w1", Format.fixed(w1.grad, 6), Format.fixed(x1.data * 0.5, 6)],
            ["x1", Format.fixed(x1.grad, 6), Format.fixed(w1.data * 0.5, 6)],
            ["w2", Format.fixed(w2.grad, 6), Format.fixed(x2.data * 0.5, 6)],
            ["x2", Format.fixed(x2.grad, 6), Format.fixed(w2.data * 0.5, 6)],
        ])
    cell.check(
        "o = 1/√2", abs(o.data - 0.5.squareRoot()) < 1e-12, "o = \(Format.fixed(o.data, 10))")
    cell.check(
        "every neuron gradient equals the hand value to 1e-12",
        abs(w1.grad - 1) < 1e-12 && abs(x1.grad + 1.5) < 1e-12 && w2.grad == 0
            && abs(x2.grad - 0.5) < 1e-12)
    try cell.picture("neuron-graph.svg", caption: "A tanh neuron after backward()") { path in
        try GraphRenderer.write(o.dotGraph(), to: path)
    }
}

// MARK: - 6. An MLP learns

/// Points in [−1, 1]²; label +1 inside a ring of radius 0.65, −1 outside.
func ringDataset(count: Int, generator: inout SeededGenerator) -> [(x: [Double], y: Double)] {
    (0..<count).map { _ in
        let p = [2 * generator.nextUnitDouble() - 1, 2 * generator.nextUnitDouble() - 1]
        let inside = (p[0] * p[0] + p[1] * p[1]).squareRoot() < 0.65
        return (p, inside ? 1 : -1)
    }
}

notebook.cell("A small network learns a circle") { cell in
    cell.prose(
        """
        Stack neurons into layers and layers into a multi-layer perceptron, and the same \
        `backward()` trains it. The task: points in the square [−1, 1]², labelled +1 inside a \
        circle of radius 0.65 and −1 outside — not separable by any straight line, so the hidden \
        layers must earn their keep. The network is 2 → 8 → 8 → 1 with tanh hidden units; the loss \
        is the mean squared error between its output and the label; each step is \
        zeroGrad → forward → backward → w ← w − η·∂L/∂w.
        """)
    var generator = SeededGenerator(seed: 1)
    let data = ringDataset(count: notebook.quick(40, full: 80), generator: &generator)
    let mlp = MLP(inputs: 2, layerSizes: [8, 8, 1], generator: &generator)
    let steps = notebook.quick(60, full: 300)

    func lossAndAccuracy() -> (Value, Double) {
        var total = Value(0)
        var correct = 0
        for (x, y) in data {
            let score = mlp(x)[0]
            total = total + (score - y).pow(2)
            if (score.data > 0) == (y > 0) { correct += 1 }
        }
        return (total / Double(data.count), Double(correct) / Double(data.count))
    }

    // A gradient check on the real network before training: one weight, both ways.
    let (initialLoss, _) = lossAndAccuracy()
    mlp.zeroGrad()
    initialLoss.backward()
    let probe = mlp.parameters[3]
    let saved = probe.data
    probe.data = saved + 1e-5
    let up = lossAndAccuracy().0.data
    probe.data = saved - 1e-5
    let down = lossAndAccuracy().0.data
    probe.data = saved
    let numeric = (up - down) / 2e-5
    cell.check(
        "on the real network, ∂L/∂w for one weight matches the central difference",
        abs(numeric - probe.grad) < 1e-7 * max(1, abs(numeric)),
        "autograd \(Format.fixed(probe.grad, 9)), numeric \(Format.fixed(numeric, 9))")

    var losses: [Double] = []
    var accuracy = 0.0
    for step in 0..<steps {
        let (l, acc) = lossAndAccuracy()
        losses.append(l.data)
        accuracy = acc
        mlp.zeroGrad()
        l.backward()
        let learningRate = step < steps / 2 ? 0.1 : 0.05
        mlp.step(learningRate: learningRate)
    }
    let (finalLoss, finalAccuracy) = lossAndAccuracy()
    losses.append(finalLoss.data)
    accuracy = finalAccuracy

    cell.output(
        "\(mlp.parameters.count) parameters, \(data.count) points, \(steps) steps\n"
            + "loss \(Format.fixed(losses[0], 4)) → \(Format.fixed(finalLoss.data, 4)), training accuracy \(Format.fixed(100 * accuracy, 1))%\n\n"
            + TerminalChart.lines(series: [("loss", losses)], width: 60, height: 10))
    try cell.picture("mlp-loss.png", caption: "Mean squared error during training") { path in
        var chart = LineChart(
            title: "A 2-8-8-1 MLP learning a circle", xLabel: "step", yLabel: "MSE loss")
        chart.add(LineSeries("loss", x: losses.indices.map(Double.init), y: losses))
        try chart.write(to: path)
    }

    // The decision map: the sign of the network's output over the square, with the data on top.
    var rows: [String] = []
    let columns = 48
    let lines = 20
    for r in 0..<lines {
        var row = ""
        for col in 0..<columns {
            let px = -1 + 2 * (Double(col) + 0.5) / Double(columns)
            let py = 1 - 2 * (Double(r) + 0.5) / Double(lines)
            let nearest = data.first {
                abs($0.x[0] - px) < 1 / Double(columns) && abs($0.x[1] - py) < 1 / Double(lines)
            }
            if let point = nearest {
                row.append(point.y > 0 ? "o" : "x")
            } else {
                row.append(mlp([px, py])[0].data > 0 ? "·" : " ")
            }
        }
        rows.append("|" + row + "|")
    }
    cell.prose(
        "Where the trained network says +1 (·), with the training points on top (o inside, x outside):"
    )
    cell.output(rows.joined(separator: "\n"))
    cell.check(
        "the loss fell by more than half", finalLoss.data < losses[0] / 2,
        "\(Format.fixed(losses[0], 4)) → \(Format.fixed(finalLoss.data, 4))")
    let target = notebook.quick(0.8, full: 0.95)
    cell.check(
        "training accuracy reached \(Int(target * 100))%", finalAccuracy >= target,
        "\(Format.fixed(100 * finalAccuracy, 1))%")
}

notebook.cell("What comes next") { cell in
    cell.prose(
        """
        A `Value` holds one number, and a network of a million weights would need a million of \
        them, each with its own little graph node. Lesson 02 keeps the idea and changes the unit: \
        a `Tensor` holds a whole array, and each operation (a matrix multiply, a convolution) has \
        one backward rule that moves a whole array of gradients at once.
        """)
}

notebook.exercises(lesson: 1)

notebook.finish()
