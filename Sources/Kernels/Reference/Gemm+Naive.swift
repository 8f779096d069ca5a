/// The reference GEMM: `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, as the obvious
/// triple loop (one dot product per output element, summed in increasing `p`).
///
/// Row-major storage; `op(X)` is `X` or `Xᵀ`. `lda`, `ldb`, `ldc` are the row strides of the
/// matrices *as stored*: `A` is stored `[m, k]` (`lda ≥ k`) or, transposed, `[k, m]`
/// (`lda ≥ m`); likewise `B` is `[k, n]` or `[n, k]`. When `beta == 0`, `C` is overwritten
/// without being read (so NaNs in it do not leak through), as in BLAS.
/// Kept for tests and lesson 2; `gemm` is the fast version.

import Checks

public func gemmNaive(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    checkGemmArguments(
        "gemmNaive", transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        lda: lda, ldb: ldb, ldc: ldc)
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
                let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                sum += aValue * bValue
            }
            let old = beta == 0 ? 0 : beta * c[i * ldc + j]
            c[i * ldc + j] = alpha * sum + old
        }
    }
}

/// Stops with a message naming `op` when sizes or strides cannot describe the matrices
/// (a row stride shorter than the row it steps over).
func checkGemmArguments(
    _ op: String, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    lda: Int, ldb: Int, ldc: Int
) {
    checkArgument(m >= 0 && n >= 0 && k >= 0, "\(op): sizes must be ≥ 0, got m=\(m) n=\(n) k=\(k)")
    let aColumns = transposeA ? m : k
    let bColumns = transposeB ? k : n
    checkArgument(
        lda >= aColumns,
        "\(op): lda=\(lda) must be ≥ \(aColumns) (columns of A as stored, transposeA=\(transposeA))"
    )
    checkArgument(
        ldb >= bColumns,
        "\(op): ldb=\(ldb) must be ≥ \(bColumns) (columns of B as stored, transposeB=\(transposeB))"
    )
    checkArgument(ldc >= n, "\(op): ldc=\(ldc) must be ≥ n=\(n) (columns of C)")
}
