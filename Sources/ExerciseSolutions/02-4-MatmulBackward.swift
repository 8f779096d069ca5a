import TensorCore

/// Exercise 02.4's reference solution (see `Lessons/Exercises/02-4-MatmulBackward.swift`).
public func matmulBackward(_ a: Tensor, _ b: Tensor, upstream: Tensor) throws -> (
    a: Tensor, b: Tensor
) {
    // dA = G Bᵀ: [M, N]·[N, K]; dB = Aᵀ G: [K, M]·[M, N].
    Tensor.withoutGrad {
        (upstream.matmul(b.transposed()), a.transposed().matmul(upstream))
    }
}
