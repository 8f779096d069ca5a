import Foundation
import Randomness
import ScalarAutograd
import Testing

/// Central difference (f(x+h) − f(x−h)) / 2h: error O(h²), so h = 1e-5 gives ~1e-10.
private func numericDerivative(at x: Double, h: Double = 1e-5, _ f: (Double) -> Double) -> Double {
    (f(x + h) - f(x - h)) / (2 * h)
}

/// Checks ∂f/∂x from `backward()` against central differences, for a one-input expression.
private func expectGradientMatches(
    _ name: String, at x: Double, tolerance: Double = 1e-6,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ f: (Value) -> Value
) {
    let input = Value(x)
    let output = f(input)
    output.backward()
    let numeric = numericDerivative(at: x) { f(Value($0)).data }
    let scale = max(1, abs(numeric))
    #expect(
        abs(input.grad - numeric) <= tolerance * scale,
        "\(name) at \(x): autograd \(input.grad), central difference \(numeric)",
        sourceLocation: sourceLocation)
}

/// A unary op and the point to test it at (away from kinks and poles).
struct UnaryCase: CustomTestStringConvertible, Sendable {
    let name: String
    let x: Double
    let f: @Sendable (Value) -> Value
    var testDescription: String { "\(name)(\(x))" }
}

/// A binary op evaluated at (a, b).
struct BinaryCase: CustomTestStringConvertible, Sendable {
    let name: String
    let a: Double
    let b: Double
    let f: @Sendable (Value, Value) -> Value
    var testDescription: String { "\(name)(\(a), \(b))" }
}

@Suite("Value: every operation's gradient")
struct ValueGradientTests {
    static let unary: [UnaryCase] = [
        UnaryCase(name: "neg", x: 1.3) { -$0 },
        UnaryCase(name: "pow3", x: -0.7) { $0.pow(3) },
        UnaryCase(name: "pow-half", x: 2.5) { $0.pow(-0.5) },
        UnaryCase(name: "exp", x: 0.4) { $0.exp() },
        UnaryCase(name: "log", x: 1.7) { $0.log() },
        UnaryCase(name: "tanh", x: -0.3) { $0.tanh() },
        UnaryCase(name: "relu+", x: 0.8) { $0.relu() },
        UnaryCase(name: "relu-", x: -0.8) { $0.relu() },
        UnaryCase(name: "plus-const", x: 0.2) { $0 + 3.0 },
        UnaryCase(name: "const-minus", x: 0.2) { 3.0 - $0 },
        UnaryCase(name: "times-const", x: 0.2) { $0 * -4.0 },
        UnaryCase(name: "const-over", x: 1.9) { 2.0 / $0 },
        UnaryCase(name: "composite", x: 0.6) { x in (x * x + 1.0).log() * x.tanh() - x.exp() / 3.0
        },
    ]

    @Test(arguments: unary)
    func unaryMatchesCentralDifference(_ c: UnaryCase) {
        expectGradientMatches(c.name, at: c.x, c.f)
    }

    static let binary: [BinaryCase] = [
        BinaryCase(name: "+", a: 1.5, b: -2.0) { $0 + $1 },
        BinaryCase(name: "-", a: 1.5, b: -2.0) { $0 - $1 },
        BinaryCase(name: "*", a: 1.5, b: -2.0) { $0 * $1 },
        BinaryCase(name: "/", a: 1.5, b: -2.0) { $0 / $1 },
        BinaryCase(name: "mixed", a: 0.3, b: 0.9) { a, b in (a * b).tanh() + (a / b).exp() },
    ]

    @Test(arguments: binary)
    func binaryMatchesCentralDifference(_ c: BinaryCase) {
        let a = Value(c.a)
        let b = Value(c.b)
        c.f(a, b).backward()
        let da = numericDerivative(at: c.a) { c.f(Value($0), Value(c.b)).data }
        let db = numericDerivative(at: c.b) { c.f(Value(c.a), Value($0)).data }
        #expect(abs(a.grad - da) <= 1e-6 * max(1, abs(da)), "∂/∂a: \(a.grad) vs \(da)")
        #expect(abs(b.grad - db) <= 1e-6 * max(1, abs(db)), "∂/∂b: \(b.grad) vs \(db)")
    }

    @Test("hand-worked values: L = (a·b + c)·f")
    func handWorkedExample() {
        // a = 2, b = −3, c = 10, f = −2: e = a·b = −6, d = e + c = 4, L = d·f = −8.
        // ∂L/∂f = d = 4; ∂L/∂d = f = −2; ∂L/∂c = ∂L/∂e = −2; ∂L/∂a = −2·b = 6; ∂L/∂b = −2·a = −4.
        let a = Value(2)
        let b = Value(-3)
        let c = Value(10)
        let f = Value(-2)
        let d = a * b + c
        let loss = d * f
        loss.backward()
        #expect(loss.data == -8)
        #expect(f.grad == 4)
        #expect(d.grad == -2)
        #expect(c.grad == -2)
        #expect(a.grad == 6)
        #expect(b.grad == -4)
    }

    @Test("hand-worked: tanh neuron o = tanh(x1·w1 + x2·w2 + b)")
    func handWorkedNeuron() {
        let x1 = Value(2)
        let x2 = Value(0)
        let w1 = Value(-3)
        let w2 = Value(1)
        let b = Value(6.8813735870195432)
        let o = (x1 * w1 + x2 * w2 + b).tanh()
        o.backward()
        // n = −6 + 0 + 6.88137… = 0.88137…, tanh(n) = 1/√2, ∂o/∂n = 1 − ½ = ½.
        #expect(abs(o.data - 0.5.squareRoot()) < 1e-12)
        #expect(abs(x1.grad - (-1.5)) < 1e-12)  // w1 · ½
        #expect(abs(w1.grad - 1.0) < 1e-12)  // x1 · ½
        #expect(abs(x2.grad - 0.5) < 1e-12)  // w2 · ½
        #expect(w2.grad == 0)  // x2 · ½ = 0
    }

    @Test("a value used twice receives both contributions")
    func gradientsAccumulateAcrossUses() {
        let a = Value(3)
        let b = a + a  // db/da = 2
        b.backward()
        #expect(a.grad == 2)

        let x = Value(-2)
        let y = x * x * x  // dy/dx = 3x² = 12
        y.backward()
        #expect(x.grad == 12)
    }

    @Test(
        "each backward() adds exactly one copy to every leaf; interior gradients are fresh each pass; zeroGrad() resets"
    )
    func backwardAccumulatesAcrossCalls() {
        let x = Value(1.5)
        let h = x * x  // interior: dh/dx = 2x = 3
        let y = h * 4.0  // dy/dh = 4, dy/dx = 12
        y.backward()
        #expect(x.grad == 12 && h.grad == 4 && y.grad == 1)
        y.backward()
        // Before: y.grad became 2 and h.grad 12, and x received 2·12 more: 36, not 24.
        #expect(x.grad == 24, "doubled")
        #expect(h.grad == 4 && y.grad == 1, "interior values hold this pass's gradient")
        y.backward()
        #expect(x.grad == 36, "tripled")
        y.zeroGrad()
        y.backward()
        #expect(x.grad == 12)
    }

    @Test("topological order puts every input before its users, each value once")
    func topologicalOrderIsValid() {
        let a = Value(1)
        let b = a * 2.0
        let c = a + b
        let d = c * b
        let order = d.topologicalOrder()
        #expect(order.count == 5)  // a, the constant 2.0, b, c, d: nothing twice
        var position: [ObjectIdentifier: Int] = [:]
        for (i, v) in order.enumerated() { position[ObjectIdentifier(v)] = i }
        for v in order {
            for input in v.inputs {
                #expect(position[ObjectIdentifier(input)]! < position[ObjectIdentifier(v)]!)
            }
        }
        #expect(order.last === d)
    }

    @Test("deep chains do not overflow the stack")
    func deepChain() {
        let x = Value(0.5)
        var y = x
        for _ in 0..<20_000 { y = y * 1.0 }
        y.backward()
        #expect(x.grad == 1)
    }
}

@Suite("MLP")
struct MLPTests {
    @Test("parameter count: 2→8→8→1 has 2·8+8 + 8·8+8 + 8+1 = 105")
    func parameterCount() {
        var g = SeededGenerator(seed: 1)
        let mlp = MLP(inputs: 2, layerSizes: [8, 8, 1], generator: &g)
        #expect(mlp.parameters.count == 105)
    }

    @Test("same seed, same network")
    func seeded() {
        var g1 = SeededGenerator(seed: 7)
        var g2 = SeededGenerator(seed: 7)
        let m1 = MLP(inputs: 3, layerSizes: [4, 1], generator: &g1)
        let m2 = MLP(inputs: 3, layerSizes: [4, 1], generator: &g2)
        #expect(m1.parameters.map(\.data) == m2.parameters.map(\.data))
    }

    @Test("gradient descent drives a small regression loss down")
    func learnsToyProblem() {
        var g = SeededGenerator(seed: 42)
        let mlp = MLP(inputs: 3, layerSizes: [4, 4, 1], generator: &g)
        let xs: [[Double]] = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]
        let ys: [Double] = [1, -1, -1, 1]
        func loss() -> Value {
            var total = Value(0)
            for (x, y) in zip(xs, ys) { total = total + (mlp(x)[0] - y).pow(2) }
            return total
        }
        let initial = loss().data
        for _ in 0..<100 {
            let l = loss()
            mlp.zeroGrad()
            l.backward()
            mlp.step(learningRate: 0.05)
        }
        let final = loss().data
        #expect(final < 0.05, "loss \(initial) → \(final)")
        #expect(final < initial / 10)
    }
}
