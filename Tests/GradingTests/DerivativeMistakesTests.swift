import ExerciseSolutions
import Foundation
import Grading
import NN
import TensorCore
import Testing

// Planted mistakes for exercises 01.3, 02.4 and 03.2: each must fail, naming its identity.

@Suite("Graders 01.3, 02.4, 03.2: planted mistakes fail")
struct DerivativeMistakesTests {
    @Test("01.3 central difference: one-sided, divided by h, the sign flipped")
    func centralDifferenceMistakes() {
        let quadratic = "the central difference is exact for a quadratic: f′(x) = 2ax + b for any h"
        expectFails(
            Graders.centralDifference { f, x, h in (f(x + h) - f(x)) / h },
            naming: quadratic, "the one-sided difference")
        expectFails(
            Graders.centralDifference { f, x, h in (f(x + h) - f(x - h)) / h },
            naming: quadratic, "divided by h, not 2h")
        expectFails(
            Graders.centralDifference { f, x, h in (f(x - h) - f(x + h)) / (2 * h) },
            naming: quadratic, "the sign flipped")
        // Exact on quadratics, but not on x³: a fourth-order five-point stencil.
        expectFails(
            Graders.centralDifference { f, x, h in
                (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)
            }, naming: "for f(x) = x³ the central difference is 3x² + h²: its error is exactly h²",
            "a five-point stencil, not the central difference")
    }

    @Test("02.4 matmul backward: transposes misplaced, the gradients swapped, a sign flip")
    func matmulBackwardMistakes() {
        let identityA = "∂L/∂A = G Bᵀ, by finite differences of L = Σ G ⊙ (A B)"
        expectFails(
            Graders.matmulBackward { a, b, g in
                Tensor.withoutGrad { (g.matmul(b), a.transposed().matmul(g)) }
            }, naming: identityA, "G B instead of G Bᵀ")
        expectFails(
            Graders.matmulBackward { a, b, g in
                Tensor.withoutGrad { (g.matmul(b.transposed()), a.matmul(g)) }
            }, naming: "∂L/∂B = Aᵀ G, by finite differences of L = Σ G ⊙ (A B)",
            "A G instead of Aᵀ G")
        expectFails(
            Graders.matmulBackward { a, b, g in
                Tensor.withoutGrad { (g.matmul(b.transposed()) * -1, a.transposed().matmul(g)) }
            }, naming: identityA, "a sign flip")
        expectFails(
            Graders.matmulBackward { a, b, g in
                Tensor.withoutGrad { (a.transposed().matmul(g), g.matmul(b.transposed())) }
            }, naming: identityA, "the two gradients swapped")
    }

    @Test("03.2 gradient norms: the outputs' norms, no chaining, no square root")
    func inputGradientNormsMistakes() {
        let identity =
            "norms[l] = ‖∂L/∂xₗ‖ at block l's input (the last: the output's, ‖upstream‖), "
            + "measured by backpropagating from xₗ alone"
        func norm(_ t: Tensor) -> Double {
            t.data.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        }
        /// Each block's input gradient for `upstream` alone, not chained.
        func unchained(_ blocks: [Module], _ x: Tensor, _ upstream: Tensor) -> [Double] {
            var input = x
            var result: [Double] = []
            for block in blocks {
                let leaf = input.detach()
                leaf.requiresGrad = true
                let out = block(leaf)
                out.backward(gradient: upstream)
                result.append(norm(leaf.grad!))
                input = out.detach()
            }
            return result + [norm(upstream)]
        }
        expectFails(
            Graders.inputGradientNorms(unchained), naming: identity,
            "every block given the upstream gradient, not the one from above")
        expectFails(
            Graders.inputGradientNorms { blocks, x, upstream in
                let right = try ExerciseSolutions.inputGradientNorms(
                    blocks: blocks, input: x, upstream: upstream)
                return right.map { $0 * $0 }
            }, naming: identity, "the squared norm")
        expectFails(
            Graders.inputGradientNorms { blocks, x, upstream in
                let right = try ExerciseSolutions.inputGradientNorms(
                    blocks: blocks, input: x, upstream: upstream)
                return Array(right.dropFirst()) + [right.last!]
            }, naming: identity, "off by one: each block's output, not its input")
    }
}
