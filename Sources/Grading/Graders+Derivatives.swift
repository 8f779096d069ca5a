import Foundation
import NN
import Randomness
import ResNetModels
import TensorCore

// The second exercises of lessons 01-03: a derivative estimated, a matrix product's backward,
// and the gradient measured block by block through a stack.

extension Graders {
    /// Exercise 01.3: `centralDifference(_:at:step:)`.
    public static func centralDifference(
        _ estimate: ((Double) -> Double, Double, Double) throws -> Double,
        seed: UInt64 = gradingSeed(13)
    ) -> GradeReport {
        grade("01.3", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<6 {
                let (a, b, c) = (
                    uniform(-3...3, &generator), uniform(-3...3, &generator),
                    uniform(-3...3, &generator)
                )
                let x = uniform(-2...2, &generator)
                let h = [0.5, 0.1, 1e-3][trial % 3]
                let got = try estimate({ a * $0 * $0 + b * $0 + c }, x, h)
                try checks.requireClose(
                    [got], [2 * a * x + b], tolerance: 1e-8,
                    "the central difference is exact for a quadratic: f′(x) = 2ax + b for any h",
                    where: { _ in
                        "case \(trial): f(x) = \(a)·x² + \(b)·x + \(c) at x = \(x), h = \(h)"
                    })
            }
            checks.held("6 quadratics with random coefficients: exact for h from 0.5 to 0.001")
            for trial in 0..<4 {
                let x = uniform(-2...2, &generator)
                let h = [0.5, 0.25, 0.2, 0.1][trial]
                let got = try estimate({ $0 * $0 * $0 }, x, h)
                try checks.requireClose(
                    [got], [3 * x * x + h * h], tolerance: 1e-9,
                    "for f(x) = x³ the central difference is 3x² + h²: its error is exactly h²",
                    where: { _ in "case \(trial): x = \(x), h = \(h)" })
            }
            checks.held("x³ at 4 random points: error exactly h²")
            for trial in 0..<4 {
                let x = uniform(-1...1, &generator)
                let h = [0.2, 0.1, 0.05, 0.02][trial]
                let error = try estimate(Foundation.sin, x, h) - cos(x)
                let halved = try estimate(Foundation.sin, x, h / 2) - cos(x)
                let ratio = error / halved
                try checks.require(
                    ratio > 3.9 && ratio < 4.1,
                    "halving h divides the error by 4 (it is O(h²)): on sin at x",
                    "case \(trial): x = \(x): error \(error) at h = \(h), \(halved) at h = "
                        + "\(h / 2), ratio \(ratio), expected 4 ± 0.1")
            }
            checks.held("sin at 4 random points: the error falls 4× when h halves")
        }
    }

    /// Exercise 02.4: `matmulBackward(_:_:upstream:)`.
    public static func matmulBackward(
        _ backward: (Tensor, Tensor, Tensor) throws -> (a: Tensor, b: Tensor),
        seed: UInt64 = gradingSeed(24)
    ) -> GradeReport {
        grade("02.4", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            // Square cases first: a misplaced transpose keeps the shape there, and is
            // reported as wrong values instead of stopping at a shape mismatch.
            var shapes = [(3, 3, 3), (4, 4, 4), (2, 2, 2)]
            for _ in 0..<5 {
                shapes.append(
                    (
                        1 + Int(generator.next() % 5), 1 + Int(generator.next() % 5),
                        1 + Int(generator.next() % 5)
                    ))
            }
            for (trial, (m, k, n)) in shapes.enumerated() {
                let a = randomTensor([m, k], -1...1, &generator)
                let b = randomTensor([k, n], -1...1, &generator)
                let g = randomTensor([m, n], -1...1, &generator)
                let inputs = [a.data, b.data, g.data]
                let got = try backward(a, b, g)
                let context = "case \(trial): A [\(m), \(k)], B [\(k), \(n)]"
                try checks.require(
                    [a.data, b.data, g.data] == inputs, "the backward leaves A, B and G unchanged",
                    "\(context): your code changed its inputs")
                // L(A, B) = Σ G ⊙ (A B) in Double, and its central differences.
                func loss(_ a: [Double], _ b: [Double]) -> Double {
                    var total = 0.0
                    for i in 0..<m {
                        for j in 0..<n {
                            var product = 0.0
                            for p in 0..<k { product += a[i * k + p] * b[p * n + j] }
                            total += Double(g.data[i * n + j]) * product
                        }
                    }
                    return total
                }
                let (aValues, bValues) = (a.data.map(Double.init), b.data.map(Double.init))
                func differences(of values: [Double], _ evaluate: ([Double]) -> Double)
                    -> [Double]
                {
                    values.indices.map { index in
                        var plus = values
                        var minus = values
                        plus[index] += 1e-3
                        minus[index] -= 1e-3
                        return (evaluate(plus) - evaluate(minus)) / 2e-3
                    }
                }
                let expectedA = differences(of: aValues) { loss($0, bValues) }
                let expectedB = differences(of: bValues) { loss(aValues, $0) }
                for (name, tensor, expected, shape) in [
                    ("∂L/∂A = G Bᵀ", got.a, expectedA, [m, k]),
                    ("∂L/∂B = Aᵀ G", got.b, expectedB, [k, n]),
                ] {
                    let identity = "\(name), by finite differences of L = Σ G ⊙ (A B)"
                    try checks.require(
                        tensor.shape == shape, identity,
                        "\(context): expected shape \(shape), got \(tensor.shape)")
                    try checks.requireClose(
                        tensor.data.map(Double.init), expected, tolerance: 1e-4, identity,
                        where: { "\(context), element \(position($0, in: shape))" })
                }
                // The library's autograd, on the same numbers.
                let (leafA, leafB) = (a.detach(), b.detach())
                leafA.requiresGrad = true
                leafB.requiresGrad = true
                (leafA.matmul(leafB) * g).sum().backward()
                try requireTensor(
                    got.a, leafA.grad!, tolerance: 1e-5, "∂L/∂A agrees with the library's autograd",
                    context, &checks)
                try requireTensor(
                    got.b, leafB.grad!, tolerance: 1e-5, "∂L/∂B agrees with the library's autograd",
                    context, &checks)
            }
            checks.held("8 products (3 square): finite differences and autograd agree")
        }
    }

    /// Exercise 03.2: `inputGradientNorms(blocks:input:upstream:)`.
    public static func inputGradientNorms(
        _ norms: ([Module], Tensor, Tensor) throws -> [Double], seed: UInt64 = gradingSeed(32)
    ) -> GradeReport {
        grade("03.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for (trial, (depth, residual)) in [(4, true), (4, false), (6, true), (1, false)]
                .enumerated()
            {
                let blocks: [BasicBlock] = (0..<depth).map { _ in
                    let block = BasicBlock(
                        inputChannels: 3, channels: 3, residual: residual, generator: &generator)
                    randomizeNorms(block, &generator)
                    block.eval()
                    return block
                }
                let x = randomTensor([2, 3, 4, 4], -1...1, &generator)
                let upstream = randomTensor([2, 3, 4, 4], -1...1, &generator)
                let context = "case \(trial): \(depth) \(residual ? "residual" : "plain") blocks"
                let got = try norms(blocks, x, upstream)
                // The reference: each xₗ made a leaf, the rest of the stack run from it alone.
                var inputs = [x]
                Tensor.withoutGrad {
                    for block in blocks { inputs.append(block(inputs.last!)) }
                }
                var expected: [Double] = []
                for l in 0...depth {
                    let leaf = inputs[l].detach()
                    leaf.requiresGrad = true
                    var out = leaf
                    for block in blocks[l...] { out = block(out) }
                    let gradient =
                        l == depth
                        ? upstream
                        : {
                            out.backward(gradient: upstream)
                            return leaf.grad!
                        }()
                    expected.append(
                        gradient.data.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot())
                }
                let identity =
                    "norms[l] = ‖∂L/∂xₗ‖ at block l's input (the last: the output's, ‖upstream‖), "
                    + "measured by backpropagating from xₗ alone"
                try checks.require(
                    got.count == depth + 1, identity,
                    "\(context): expected \(depth + 1) norms (blocks + 1), got \(got.count)")
                for l in 0...depth {
                    try checks.require(
                        abs(got[l] - expected[l]) <= 1e-4 * expected[l] + 1e-7, identity,
                        "\(context), index \(l)\(l == depth ? " (the output)" : ""): expected "
                            + "\(expected[l]), got \(got[l]), tolerance 1e-4 relative")
                }
            }
            checks.held("4 stacks, residual and plain, 1 to 6 blocks: every layer's norm")
        }
    }
}
