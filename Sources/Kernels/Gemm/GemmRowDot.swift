/// `C[m×n] = A[m×k] · B[n×k]ᵀ` (or `C += …`) when both operands are stored with the summed
/// index contiguous, as in the convolution weight gradient `gradOutput[K, pixels] ·
/// columns[C·R·S, pixels]ᵀ`. Each element is a dot product of two contiguous rows, so no
/// transposing copy is needed: a 4 × 3 tile of dot products runs 8 lanes at a time.
///
/// Every element, in a full tile or at the edge, is computed the same way: 8 lane sums over
/// the whole 8-float chunks, `SIMD8.sum()`, then the leftover products in order.
func gemmRowDot(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
    ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
) {
    let chunks = k / 8
    let fullRows = m / 4 * 4
    let fullColumns = n / 3 * 3

    @inline(__always)
    func load(_ pointer: UnsafePointer<Float>, _ chunk: Int) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: chunk * 32, as: SIMD8<Float>.self)
    }
    @inline(__always)
    func finish(_ lanes: SIMD8<Float>, _ i: Int, _ j: Int) {
        var total = lanes.sum()
        let aRow = a + i * lda
        let bRow = b + j * ldb
        for p in (chunks * 8)..<k { total = total.addingProduct(aRow[p], bRow[p]) }
        let target = c + i * ldc + j
        target.pointee = accumulate ? target.pointee + total : total
    }

    for i in stride(from: 0, to: fullRows, by: 4) {
        let a0 = a + i * lda
        let a1 = a0 + lda
        let a2 = a1 + lda
        let a3 = a2 + lda
        for j in stride(from: 0, to: fullColumns, by: 3) {
            let b0 = b + j * ldb
            let b1 = b0 + ldb
            let b2 = b1 + ldb
            var c00 = SIMD8<Float>()
            var c01 = SIMD8<Float>()
            var c02 = SIMD8<Float>()
            var c10 = SIMD8<Float>()
            var c11 = SIMD8<Float>()
            var c12 = SIMD8<Float>()
            var c20 = SIMD8<Float>()
            var c21 = SIMD8<Float>()
            var c22 = SIMD8<Float>()
            var c30 = SIMD8<Float>()
            var c31 = SIMD8<Float>()
            var c32 = SIMD8<Float>()
            for q in 0..<chunks {
                let x0 = load(a0, q)
                let x1 = load(a1, q)
                let x2 = load(a2, q)
                let x3 = load(a3, q)
                let y0 = load(b0, q)
                c00 = c00.addingProduct(x0, y0)
                c10 = c10.addingProduct(x1, y0)
                c20 = c20.addingProduct(x2, y0)
                c30 = c30.addingProduct(x3, y0)
                let y1 = load(b1, q)
                c01 = c01.addingProduct(x0, y1)
                c11 = c11.addingProduct(x1, y1)
                c21 = c21.addingProduct(x2, y1)
                c31 = c31.addingProduct(x3, y1)
                let y2 = load(b2, q)
                c02 = c02.addingProduct(x0, y2)
                c12 = c12.addingProduct(x1, y2)
                c22 = c22.addingProduct(x2, y2)
                c32 = c32.addingProduct(x3, y2)
            }
            finish(c00, i, j)
            finish(c01, i, j + 1)
            finish(c02, i, j + 2)
            finish(c10, i + 1, j)
            finish(c11, i + 1, j + 1)
            finish(c12, i + 1, j + 2)
            finish(c20, i + 2, j)
            finish(c21, i + 2, j + 1)
            finish(c22, i + 2, j + 2)
            finish(c30, i + 3, j)
            finish(c31, i + 3, j + 1)
            finish(c32, i + 3, j + 2)
        }
    }
    // Edges: the rows below the last full tile, and the columns right of it.
    for i in 0..<m {
        let columns = i < fullRows ? fullColumns..<n : 0..<n
        for j in columns {
            var lanes = SIMD8<Float>()
            for q in 0..<chunks {
                lanes = lanes.addingProduct(load(a + i * lda, q), load(b + j * ldb, q))
            }
            finish(lanes, i, j)
        }
    }
}
