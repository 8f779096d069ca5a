// The fast GEMM: packed panels, cache blocking and a SIMD register-tiled micro-kernel
// (the Goto/BLIS scheme).
//
// Loop nest, outermost first:
//
//     for each nc-wide column block of C            (B block stays in L3)
//       for each kc-deep slice of the sum             (depth block)
//         pack op(A)[:, slice] and op(B)[slice, block] into micro-panels
//         for each mc-tall row block                  (A block stays in L2)
//           for each NR-wide micro-panel of B         (B micro-panel stays in L1)
//             for each MR-tall micro-panel of A
//               micro-kernel: an MR × NR tile of C in registers, kc fused multiply-adds deep
//
// Threads split the tiles of C (by NR-wide columns, or MR-tall rows when C is narrow); the
// tile grid, the depth slices and the arithmetic of every element are fixed by the matrix
// sizes alone, so each element of C is summed in the same order on any number of threads
// and the result is bit-identical.

/// Depth of one packed slice (B micro-panel: `gemmKC × gemmNR` floats = 32 KiB, the size of
/// L1; measured on Zen 4, 512 beat 256 at 1024³ by about 10%: fewer passes over C).
let gemmKC = 512
/// Rows of A per cache block (`gemmMC × gemmKC` floats = 288 KiB, in L2). A multiple of MR.
let gemmMC = 144
/// Columns of B per cache block (`gemmKC × gemmNC` floats = 4 MiB, in L3). A multiple of NR.
let gemmNC = 2048
/// Below this many flops (about 150 µs of one core) a GEMM runs on one thread: waking a
/// second core costs tens of microseconds on the 2-core VMs this was tuned on.
let gemmParallelThreshold = 1 << 24

/// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, row-major; `op(X)` is `X` or `Xᵀ`.
///
/// - a: stored `[m, k]` with row stride `lda ≥ k`, or `[k, m]` with `lda ≥ m` if `transposeA`
/// - b: stored `[k, n]` with row stride `ldb ≥ n`, or `[n, k]` with `ldb ≥ k` if `transposeB`
/// - c: `[m, n]` with row stride `ldc ≥ n`; only the first `n` columns of each row are touched
///
/// When `beta == 0`, C is overwritten without being read (NaNs in it do not leak through), as
/// in BLAS. Same contract as `gemmNaive`, the reference. Results are bit-identical for any
/// `Parallel.threadCount`; they may differ from `gemmNaive` in the last bits (fused
/// multiply-adds, and partial sums per depth slice of at most `gemmKC`).
public func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    checkGemmArguments(
        "gemm", transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        lda: lda, ldb: ldb, ldc: ldc)
    gemmWithSourceB(
        transposeA: transposeA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
        b: .matrix(b, ldb: ldb, transposed: transposeB), beta: beta, c: c, ldc: ldc)
}

/// Where the GEMM's B operand comes from.
enum GemmSourceB {
    /// A row-major matrix, to be packed slice by slice: stored `[k, n]`, or `[n, k]` when
    /// transposed, with row stride `ldb`.
    case matrix(UnsafePointer<Float>, ldb: Int, transposed: Bool)
    /// Already in `PackedLayoutB(k:n:)` order (for instance written there by
    /// `unfoldPacked`), so no packing is needed.
    case packed(UnsafePointer<Float>)
}

/// How the summed dimension `k` is cut into depth slices: `⌈k / gemmKC⌉` slices of equal
/// depth (the last one possibly shorter), so `k = 576` becomes 288 + 288 rather than
/// 512 + 64. Depends on `k` alone, so every element's summation order is fixed.
func gemmSliceDepth(k: Int) -> Int {
    let slices = max(1, (k + gemmKC - 1) / gemmKC)
    return (k + slices - 1) / slices
}

/// Where element `(p, j)` of a `k × n` operand B lives once packed for the micro-kernel.
///
/// The depth is cut into slices of `gemmSliceDepth(k:)`; the slice starting at `pc` (depth `kc`)
/// holds `⌈n/NR⌉` micro-panels of `kc × NR` floats, row by row; columns past `n` are zeros.
struct PackedLayoutB {
    let k: Int
    let n: Int
    /// Micro-panels across the width.
    var panels: Int { (n + gemmNR - 1) / gemmNR }
    /// Floats in the whole packed operand.
    var count: Int { panels * gemmNR * k }
    /// Depth of every slice but the last.
    var depth: Int { gemmSliceDepth(k: k) }
    /// Start of the slice that begins at depth `pc` (a multiple of `depth`).
    func sliceStart(_ pc: Int) -> Int { pc * panels * gemmNR }
    /// Depth of the slice that begins at `pc`.
    func sliceDepth(_ pc: Int) -> Int { min(depth, k - pc) }
    /// Where row `p` of B goes: the slice start `pc` and the row's offset in each panel.
    func place(row p: Int) -> (pc: Int, offset: Int) {
        let pc = p / depth * depth
        return (pc, sliceStart(pc) + (p - pc) * gemmNR)
    }
}

/// `gemm` with B from `source` (arguments already checked).
func gemmWithSourceB(
    transposeA: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b source: GemmSourceB, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    if m == 0 || n == 0 { return }
    if k == 0 || alpha == 0 {
        scaleRows(c, rows: m, columns: n, ldc: ldc, by: beta)
        return
    }
    let threads = 2 * m * n * k < gemmParallelThreshold ? 1 : Parallel.threadCount
    let aPanels = (m + gemmMR - 1) / gemmMR
    let depth = gemmSliceDepth(k: k)
    let aCount = aPanels * gemmMR * depth
    var bCount = 0
    if case .matrix = source {
        bCount = (min(n, gemmNC) + gemmNR - 1) / gemmNR * gemmNR * depth
    }
    Parallel.withThreadCount(threads) {
        ScratchBuffers.with(count: aCount) { packedA in
            ScratchBuffers.with(count: bCount) { packedB in
                blockedLoops(
                    transposeA: transposeA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                    source: source, beta: beta, c: c, ldc: ldc, packedA: packedA,
                    packedB: packedB)
            }
        }
    }
}

/// The loop nest described at the top of the file, given packing buffers of
/// `⌈m/MR⌉·MR·d` floats and (for a `.matrix` B) `⌈min(n, NC)/NR⌉·NR·d` floats, 64-byte
/// aligned, where `d = gemmSliceDepth(k:)`.
private func blockedLoops(
    transposeA: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    source: GemmSourceB, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    packedA: UnsafeMutablePointer<Float>, packedB: UnsafeMutablePointer<Float>
) {
    let aPanels = (m + gemmMR - 1) / gemmMR
    let layout = PackedLayoutB(k: k, n: n)
    for jc in stride(from: 0, to: n, by: gemmNC) {
        let width = min(gemmNC, n - jc)
        let bPanels = (width + gemmNR - 1) / gemmNR
        for pc in stride(from: 0, to: k, by: layout.depth) {
            let kc = layout.sliceDepth(pc)
            let slice = pc..<(pc + kc)
            let update = GemmUpdate(alpha: alpha, beta: pc == 0 ? beta : nil)

            // Pack the A micro-panels of this slice (and B's, unless B came packed); each
            // index writes its own panel.
            let panelsB: UnsafePointer<Float>
            var panelsToPack = aPanels
            switch source {
            case .packed(let base):
                panelsB = base + layout.sliceStart(pc) + jc * kc
            case .matrix:
                panelsB = UnsafePointer(packedB)
                panelsToPack += bPanels
            }
            Parallel.forChunks(panelsToPack, minimumChunk: 8) { panels in
                for panel in panels {
                    if panel < aPanels {
                        let rows = (panel * gemmMR)..<min(m, (panel + 1) * gemmMR)
                        packPanelA(
                            transposed: transposeA, a: a, lda: lda, rows: rows, depth: slice,
                            into: packedA + panel * gemmMR * kc)
                    } else if case .matrix(let b, let ldb, let transposed) = source {
                        let j = (panel - aPanels) * gemmNR
                        let columns = (jc + j)..<min(jc + width, jc + j + gemmNR)
                        packPanelB(
                            transposed: transposed, b: b, ldb: ldb, depth: slice,
                            columns: columns, into: packedB + j * kc)
                    }
                }
            }

            /// Runs the micro-kernel over A panels `rowPanels` × B panels `columnPanels`,
            /// A-block by A-block so the block stays in L2 while B panels stream past.
            func computeTiles(rowPanels: Range<Int>, columnPanels: Range<Int>) {
                let panelsPerBlock = gemmMC / gemmMR
                for blockStart in stride(
                    from: rowPanels.lowerBound, to: rowPanels.upperBound, by: panelsPerBlock)
                {
                    let blockEnd = min(rowPanels.upperBound, blockStart + panelsPerBlock)
                    for jr in columnPanels {
                        let j = jr * gemmNR
                        let columns = min(gemmNR, width - j)
                        let bPanel = panelsB + j * kc
                        for ir in blockStart..<blockEnd {
                            let i = ir * gemmMR
                            gemmMicroKernel(
                                kc: kc, a: packedA + i * kc, b: bPanel,
                                c: c + i * ldc + jc + j, ldc: ldc, rows: min(gemmMR, m - i),
                                columns: columns, update: update)
                        }
                    }
                }
            }

            // Split C's tiles between threads along the dimension with more panels.
            if bPanels >= aPanels {
                Parallel.forChunks(bPanels) { columnPanels in
                    computeTiles(rowPanels: 0..<aPanels, columnPanels: columnPanels)
                }
            } else {
                Parallel.forChunks(aPanels) { rowPanels in
                    computeTiles(rowPanels: rowPanels, columnPanels: 0..<bPanels)
                }
            }
        }
    }
}

/// `C = beta · C` on an `rows × columns` block (zero-filled when `beta == 0`).
private func scaleRows(
    _ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, ldc: Int, by beta: Float
) {
    if beta == 1 { return }
    for i in 0..<rows {
        let row = c + i * ldc
        if beta == 0 {
            row.update(repeating: 0, count: columns)
        } else {
            for j in 0..<columns { row[j] *= beta }
        }
    }
}
