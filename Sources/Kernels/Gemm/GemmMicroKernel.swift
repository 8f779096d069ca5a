// The register-tiled heart of `gemm`: one `gemmMR × gemmNR` tile of C from a packed A
// micro-panel and a packed B micro-panel.

/// Rows of the register tile (rows of A per micro-panel).
let gemmMR = 6
/// Columns of the register tile: one `GemmVector`.
let gemmNR = 16
/// One row of the register tile. With `-target-cpu native` this is one AVX-512 register, or
/// two AVX2 registers on machines without AVX-512 (6 × 2 accumulators still fit in 16).
typealias GemmVector = SIMD16<Float>

/// How the tile is combined with C: `C = alpha · AB + beta · C` on the first depth block,
/// `C = alpha · AB + C` on later ones.
struct GemmUpdate {
    var alpha: Float
    /// nil after the first depth block (just accumulate).
    var beta: Float?
}

/// Computes `acc = Σ_p a[p, 0..<MR] ⊗ b[p, 0..<NR]` over `kc` steps with fused multiply-adds,
/// then writes the top-left `rows × columns` of `alpha · acc (+ beta · C)` into C.
///
/// Each C element is `fma(alpha, acc, old)` with `old = beta · C` (or 0 when beta is 0, or C
/// on later depth blocks) on both the vector path and the scalar edge path, so a value does
/// not depend on which path wrote it.
@inline(__always)
func gemmMicroKernel(
    kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, update: GemmUpdate
) {
    var c0 = GemmVector()
    var c1 = GemmVector()
    var c2 = GemmVector()
    var c3 = GemmVector()
    var c4 = GemmVector()
    var c5 = GemmVector()
    var ap = a
    var bp = UnsafeRawPointer(b)
    for _ in 0..<kc {
        let bv = bp.load(as: GemmVector.self)
        c0 = c0.addingProduct(GemmVector(repeating: ap[0]), bv)
        c1 = c1.addingProduct(GemmVector(repeating: ap[1]), bv)
        c2 = c2.addingProduct(GemmVector(repeating: ap[2]), bv)
        c3 = c3.addingProduct(GemmVector(repeating: ap[3]), bv)
        c4 = c4.addingProduct(GemmVector(repeating: ap[4]), bv)
        c5 = c5.addingProduct(GemmVector(repeating: ap[5]), bv)
        ap += gemmMR
        bp += MemoryLayout<GemmVector>.stride
    }
    if rows == gemmMR && columns == gemmNR {
        storeRow(c0, c, update)
        storeRow(c1, c + ldc, update)
        storeRow(c2, c + 2 * ldc, update)
        storeRow(c3, c + 3 * ldc, update)
        storeRow(c4, c + 4 * ldc, update)
        storeRow(c5, c + 5 * ldc, update)
    } else {
        let tile = [c0, c1, c2, c3, c4, c5]
        for r in 0..<rows {
            let row = c + r * ldc
            for j in 0..<columns {
                let old: Float
                if let beta = update.beta {
                    old = beta == 0 ? 0 : beta * row[j]
                } else {
                    old = row[j]
                }
                row[j] = old.addingProduct(update.alpha, tile[r][j])
            }
        }
    }
}

/// Writes one full tile row: `C = fma(alpha, acc, old)`.
@inline(__always)
private func storeRow(
    _ acc: GemmVector, _ row: UnsafeMutablePointer<Float>, _ update: GemmUpdate
) {
    let raw = UnsafeMutableRawPointer(row)
    let old: GemmVector
    if let beta = update.beta {
        old = beta == 0 ? GemmVector() : beta * raw.loadUnaligned(as: GemmVector.self)
    } else {
        old = raw.loadUnaligned(as: GemmVector.self)
    }
    raw.storeBytes(
        of: old.addingProduct(GemmVector(repeating: update.alpha), acc), as: GemmVector.self)
}
