import NN
import TensorCore

/// Exercise 03.2's reference solution (see `Lessons/Exercises/03-2-GradientNorms.swift`).
public func inputGradientNorms(blocks: [Module], input: Tensor, upstream: Tensor) throws
    -> [Double]
{
    // Forward: each block on a fresh leaf, so each backward stops at its own input.
    var inputs: [Tensor] = []
    var outputs: [Tensor] = []
    var x = input
    for block in blocks {
        let leaf = x.detach()
        leaf.requiresGrad = true
        inputs.append(leaf)
        x = block(leaf)
        outputs.append(x)
    }
    func norm(_ t: Tensor) -> Double {
        t.data.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
    // Backward: the gradient at xₗ₊₁ pulled back through block l is the gradient at xₗ.
    var norms = [norm(upstream)]
    var gradient = upstream
    for l in blocks.indices.reversed() {
        outputs[l].backward(gradient: gradient)
        gradient = inputs[l].grad!
        norms.append(norm(gradient))
    }
    return norms.reversed()
}
