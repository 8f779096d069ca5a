import Checks

/// The reference GEMM: `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, as the obvious
/// triple loop (one dot product per output element, summed in increasing `p`).
///
/// Row-major storage; `op(X)` is `X` or `Xᵀ`. `lda`, `ldb`, `ldc` are the row strides of the
/// matrices *as stored*: `A` is stored `[m, k]` (`lda ≥ k`) or, transposed, `[k, m]`
/// (`lda ≥ m`); likewise `B` is `[k, n]` or `[n, k]`. When `beta == 0`, `C` is overwritten
/// without being read (so NaNs in it do not leak through), as in BLAS.
/// Negative sizes, or a row stride shorter than the row it steps over, stop with a message.
/// Kept for tests and lessons 02 and 12; the fast version is
/// ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
///
/// - Parameters:
///   - transposeA: whether op(A) is Aᵀ (A stored `[k, m]`).
///   - transposeB: whether op(B) is Bᵀ (B stored `[n, k]`).
///   - m: rows of C and of op(A).
///   - n: columns of C and of op(B).
///   - k: the summed dimension: columns of op(A), rows of op(B).
///   - alpha: the product's factor.
///   - a: A, as stored.
///   - lda: A's row stride.
///   - b: B, as stored.
///   - ldb: B's row stride.
///   - beta: C's factor; 0 overwrites C without reading it.
///   - c: C, `[m, n]`, updated in place.
///   - ldc: C's row stride (`ldc ≥ n`).
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
