import Foundation
import Randomness
import ScalarAutograd

/// The graders: each takes an implementation of its exercise (the student's, or the
/// reference solution) and checks the identities that define it on seeded random cases.
public enum Graders {}

extension Graders {
    /// A uniform number in `range`.
    static func uniform(_ range: ClosedRange<Double>, _ generator: inout SeededGenerator)
        -> Double
    {
        range.lowerBound + (range.upperBound - range.lowerBound) * Double(generator.nextUnitFloat())
    }

    /// Exercise 01.1: `scalarTanh`.
    public static func scalarTanh(_ tanh: (Value) throws -> Value, seed: UInt64 = gradingSeed(11))
        -> GradeReport
    {
        grade("01.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            let points = [0, 8, -8, 20] + (0..<16).map { _ in uniform(-3...3, &generator) }
            for x in points {
                let input = Value(x)
                let y = try tanh(input)
                try checks.require(
                    abs(y.data - Foundation.tanh(x)) <= 1e-12,
                    "forward: scalarTanh(x).data = tanh(x)",
                    "at x = \(x): expected \(Foundation.tanh(x)), got \(y.data)")
                y.backward()
                let exact = 1 - Foundation.tanh(x) * Foundation.tanh(x)
                try checks.require(
                    abs(input.grad - exact) <= 1e-9, "d tanh(x)/dx = 1 − tanh²(x)",
                    "at x = \(x): expected \(exact), got \(input.grad) (tolerance 1e-9)")
                let h = 1e-5
                let difference = (try tanh(Value(x + h)).data - tanh(Value(x - h)).data) / (2 * h)
                try checks.require(
                    abs(input.grad - difference) <= 1e-6,
                    "the gradient equals the central finite difference of your forward",
                    "at x = \(x): finite difference \(difference), gradient \(input.grad) "
                        + "(tolerance 1e-6)")
            }
            checks.held(
                "tanh and its derivative at \(points.count) points, saturated ones included")
            // Inside an expression, where the chain rule has to carry the local gradient on:
            // L = tanh(a·b + c)·a.
            for _ in 0..<8 {
                let values = (0..<3).map { _ in uniform(-1.5...1.5, &generator) }
                func loss(_ v: [Double]) throws -> Double {
                    try tanh(Value(v[0] * v[1] + v[2])).data * v[0]
                }
                let (a, b, c) = (Value(values[0]), Value(values[1]), Value(values[2]))
                let l = try tanh(a * b + c) * a
                l.backward()
                for (index, leaf) in [a, b, c].enumerated() {
                    var plus = values
                    var minus = values
                    plus[index] += 1e-5
                    minus[index] -= 1e-5
                    let difference = (try loss(plus) - loss(minus)) / 2e-5
                    try checks.require(
                        abs(leaf.grad - difference) <= 1e-6,
                        "∂L/∂leaf through L = tanh(a·b + c)·a equals finite differences",
                        "at (a, b, c) = \(values), leaf \(["a", "b", "c"][index]): finite "
                            + "difference \(difference), gradient \(leaf.grad) (tolerance 1e-6)")
                }
            }
            checks.held("the chain rule through L = tanh(a·b + c)·a at 8 random points")
        }
    }

    /// Exercise 01.2: `backpropagate(from:)`.
    public static func backpropagate(
        _ backpropagate: (Value) throws -> Void, seed: UInt64 = gradingSeed(12)
    ) -> GradeReport {
        grade("01.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            // L = tanh(a·b + c)·a − exp(b·c·d)/(d² + 1) + a·a: a, b, c, d each used on
            // several paths, and interior values reused.
            func build(_ v: [Double]) -> (leaves: [Value], loss: Value) {
                let leaves = v.map { Value($0) }
                let (a, b, c, d) = (leaves[0], leaves[1], leaves[2], leaves[3])
                let bc = b * c
                let loss = (a * b + c).tanh() * a - (bc * d).exp() / (d * d + 1) + a * a + bc
                return (leaves, loss)
            }
            for trial in 0..<6 {
                let values = (0..<4).map { _ in uniform(-1.2...1.2, &generator) }
                let mine = build(values)
                let reference = build(values)
                reference.loss.backward()
                try backpropagate(mine.loss)
                let order = mine.loss.topologicalOrder()
                let expected = reference.loss.topologicalOrder()
                for (index, (got, want)) in zip(order, expected).enumerated() {
                    try checks.require(
                        abs(got.grad - want.grad) <= 1e-12 * max(1, abs(want.grad)),
                        "after one call, every value's grad is ∂L/∂value",
                        "case \(trial), value #\(index) of \(order.count) in topological order "
                            + "(\(got.op.isEmpty ? "a leaf" : "op \(got.op)"), data \(got.data)): "
                            + "expected \(want.grad), got \(got.grad)")
                }
                for (index, leaf) in mine.leaves.enumerated() {
                    var plus = values
                    var minus = values
                    plus[index] += 1e-6
                    minus[index] -= 1e-6
                    let difference = (build(plus).loss.data - build(minus).loss.data) / 2e-6
                    try checks.require(
                        abs(leaf.grad - difference) <= 1e-5 * max(1, abs(difference)),
                        "the leaves' gradients equal finite differences of L",
                        "case \(trial), leaf \(["a", "b", "c", "d"][index]) at \(values): finite "
                            + "difference \(difference), gradient \(leaf.grad)")
                }
                // A second call without zeroing: leaves double, interior values do not.
                try backpropagate(mine.loss)
                for (index, (got, want)) in zip(order, expected).enumerated() {
                    let doubled = got.isLeaf ? 2 * want.grad : want.grad
                    try checks.require(
                        abs(got.grad - doubled) <= 1e-12 * max(1, abs(doubled)),
                        "a second call adds ∂L/∂leaf to every leaf again (PyTorch accumulates) "
                            + "and sets interior values afresh",
                        "case \(trial), value #\(index) (\(got.isLeaf ? "a leaf" : "op \(got.op)")): "
                            + "expected \(doubled) after two calls, got \(got.grad)")
                }
            }
            checks.held("every grad against the library's backward(), 6 random points")
            checks.held("the leaves against finite differences")
            checks.held("two calls: leaves accumulate, interior values are set afresh")
        }
    }
}
