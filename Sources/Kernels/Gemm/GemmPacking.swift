// Packing copies a block of `op(A)` or `op(B)` into the order the micro-kernel reads it, so
// the kernel's inner loop walks memory strictly forward and never cares about transposes or
// strides. Panels at the matrix edge are padded with zeros up to the full tile size.

/// Packs rows `rows` and columns `depth` of `op(A)` into one micro-panel:
/// `panel[p · gemmMR + r] = op(A)[rows.lowerBound + r, depth.lowerBound + p]`, zero for rows
/// past the end.
@inline(__always)
func packPanelA(
    transposed: Bool, a: UnsafePointer<Float>, lda: Int, rows: Range<Int>, depth: Range<Int>,
    into panel: UnsafeMutablePointer<Float>
) {
    let height = rows.count
    let kc = depth.count
    if transposed {
        // A is stored [k, m]: the MR values for one p are contiguous.
        var source = a + depth.lowerBound * lda + rows.lowerBound
        var target = panel
        for _ in 0..<kc {
            for r in 0..<height { target[r] = source[r] }
            for r in height..<gemmMR { target[r] = 0 }
            source += lda
            target += gemmMR
        }
    } else {
        // A is stored [m, k]: each row is contiguous; write it with stride MR.
        for r in 0..<height {
            let source = a + (rows.lowerBound + r) * lda + depth.lowerBound
            for p in 0..<kc { panel[p * gemmMR + r] = source[p] }
        }
        for r in height..<gemmMR {
            for p in 0..<kc { panel[p * gemmMR + r] = 0 }
        }
    }
}

/// Packs rows `depth` and columns `columns` of `op(B)` into one micro-panel:
/// `panel[p · gemmNR + c] = op(B)[depth.lowerBound + p, columns.lowerBound + c]`, zero for
/// columns past the end.
@inline(__always)
func packPanelB(
    transposed: Bool, b: UnsafePointer<Float>, ldb: Int, depth: Range<Int>, columns: Range<Int>,
    into panel: UnsafeMutablePointer<Float>
) {
    let width = columns.count
    let kc = depth.count
    if transposed {
        // B is stored [n, k]: each column of op(B) is a contiguous stored row.
        for c in 0..<width {
            let source = b + (columns.lowerBound + c) * ldb + depth.lowerBound
            for p in 0..<kc { panel[p * gemmNR + c] = source[p] }
        }
        for c in width..<gemmNR {
            for p in 0..<kc { panel[p * gemmNR + c] = 0 }
        }
    } else if width == gemmNR {
        // B is stored [k, n]: one full row of the panel is one vector copy.
        var source = UnsafeRawPointer(b + depth.lowerBound * ldb + columns.lowerBound)
        var target = UnsafeMutableRawPointer(panel)
        let rowBytes = ldb * MemoryLayout<Float>.stride
        for _ in 0..<kc {
            target.storeBytes(of: source.loadUnaligned(as: GemmVector.self), as: GemmVector.self)
            source += rowBytes
            target += MemoryLayout<GemmVector>.stride
        }
    } else {
        var source = b + depth.lowerBound * ldb + columns.lowerBound
        var target = panel
        for _ in 0..<kc {
            for c in 0..<width { target[c] = source[c] }
            for c in width..<gemmNR { target[c] = 0 }
            source += ldb
            target += gemmNR
        }
    }
}
