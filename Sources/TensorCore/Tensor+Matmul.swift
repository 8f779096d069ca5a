import Kernels

// Matrix products on Kernels' GEMM: C = alpha · op(A) · op(B) + beta · C, row-major. The
// backward rules are GEMMs too, with one operand transposed, written with beta = 1 so they
// add into the gradient buffers (see `accumulateGradient(_:)`):
//   Y = A·B   =>  dA += dY·Bᵀ,  dB += Aᵀ·dY.

/// `c = op(a)·op(b)` (or `c += ...` when `accumulate`) for contiguous row-major matrices,
/// with `op(a)` of shape [m, k] and `op(b)` of shape [k, n]. Handles empty sizes.
func matrixMultiply(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>,
    into c: UnsafeMutableBufferPointer<Float>, accumulate: Bool
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if !accumulate { c.update(repeating: 0) }
        return
    }
    gemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
        a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!, ldb: transposeB ? k : n,
        beta: accumulate ? 1 : 0, c: c.baseAddress!, ldc: n)
}

extension Tensor {
    /// The result shape of `a.matmul(b)`.
    /// - Throws: `ShapeError` unless `a` is [m, k] and `b` is [k, n].
    public static func matmulShape(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
        guard a.count == 2, b.count == 2 else {
            throw ShapeError(
                "matmul: expected two matrices [m, k] · [k, n], got shapes \(a) and \(b)")
        }
        guard a[1] == b[0] else {
            throw ShapeError(
                "matmul: shapes \(a) and \(b) do not chain: \(a) has \(a[1]) columns but \(b) "
                    + "has \(b[0]) rows; expected [m, k] · [k, n]")
        }
        return [a[0], b[1]]
    }

    /// The matrix product `self · other`: [m, k] · [k, n] → [m, n].
    /// ∂/∂self = dY · otherᵀ, ∂/∂other = selfᵀ · dY.
    public func matmul(_ other: Tensor) -> Tensor {
        let shape = validated { () throws(ShapeError) in
            try Tensor.matmulShape(self.shape, other.shape)
        }
        let (m, k, n) = (self.shape[0], self.shape[1], other.shape[1])
        let a = data
        let b = other.data
        var out = [Float](repeating: 0, count: m * n)
        withBuffers(a, b) { a, b in
            out.withUnsafeMutableBufferPointer { c in
                matrixMultiply(
                    transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, b: b, into: c,
                    accumulate: false)
            }
        }
        return Tensor(shape: shape, data: out, op: "matmul", inputs: [self, other]) {
            [self] dy in
            withBuffers(dy, a, b) { dy, a, b in
                self.accumulateGradient { da in  // [m, k] += [m, n] · [k, n]ᵀ
                    matrixMultiply(
                        transposeA: false, transposeB: true, m: m, n: k, k: n, a: dy, b: b,
                        into: da, accumulate: true)
                }
                other.accumulateGradient { db in  // [k, n] += [m, k]ᵀ · [m, n]
                    matrixMultiply(
                        transposeA: true, transposeB: false, m: k, n: n, k: m, a: a, b: dy,
                        into: db, accumulate: true)
                }
            }
        }
    }

    /// The result shape of `linear(input, weight:, bias:)`.
    /// - Throws: `ShapeError` unless input is [..., in], weight [out, in] and bias [out].
    public static func linearShape(input: [Int], weight: [Int], bias: [Int]?) throws(ShapeError)
        -> [Int]
    {
        guard weight.count == 2 else {
            throw ShapeError("linear: weight must be [out, in], got shape \(weight)")
        }
        guard let inFeatures = input.last, inFeatures == weight[1] else {
            throw ShapeError(
                "linear: input shape \(input) does not end in \(weight[1]) features, as weight "
                    + "\(weight) = [out, in] expects")
        }
        if let bias, bias != [weight[0]] {
            throw ShapeError(
                "linear: bias must be [\(weight[0])] to match weight \(weight), got \(bias)")
        }
        return input.dropLast() + [weight[0]]
    }
}

/// A fully connected layer's computation, as PyTorch's `F.linear`: `y = x · Wᵀ + b`.
///
/// - Parameters:
///   - input: [..., in] (usually [N, in]); leading dimensions are batch dimensions.
///   - weight: [out, in] (PyTorch's layout).
///   - bias: [out], or nil.
/// - Returns: [..., out].
///
/// ∂/∂x = dY · W, ∂/∂W = dYᵀ · x, ∂/∂b = dY summed over the batch.
public func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    let shape = validated { () throws(ShapeError) in
        try Tensor.linearShape(input: input.shape, weight: weight.shape, bias: bias?.shape)
    }
    let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
    let rows = inFeatures == 0 ? input.shape.dropLast().reduce(1, *) : input.count / inFeatures
    let x = input.data
    let w = weight.data
    var out = [Float](repeating: 0, count: rows * outFeatures)
    withBuffers(x, w) { x, w in
        out.withUnsafeMutableBufferPointer { y in  // [rows, out] = [rows, in] · [out, in]ᵀ
            matrixMultiply(
                transposeA: false, transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                a: x, b: w, into: y, accumulate: false)
            if let bias {
                bias.data.withUnsafeBufferPointer { b in
                    for r in 0..<rows {
                        for j in 0..<outFeatures { y[r * outFeatures + j] += b[j] }
                    }
                }
            }
        }
    }
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return Tensor(shape: shape, data: out, op: "linear", inputs: inputs) { dy in
        withBuffers(dy, x, w) { dy, x, w in
            input.accumulateGradient { dx in  // [rows, in] += [rows, out] · [out, in]
                matrixMultiply(
                    transposeA: false, transposeB: false, m: rows, n: inFeatures, k: outFeatures,
                    a: dy, b: w, into: dx, accumulate: true)
            }
            weight.accumulateGradient { dw in  // [out, in] += [rows, out]ᵀ · [rows, in]
                matrixMultiply(
                    transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: rows,
                    a: dy, b: x, into: dw, accumulate: true)
            }
            bias?.accumulateGradient { db in  // [out] += column sums of [rows, out]
                accumulateSum(dy, shape: [rows, outFeatures], to: [outFeatures], into: db)
            }
        }
    }
}
