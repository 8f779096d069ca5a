/// The fast GEMM: packed panels, cache blocking and a SIMD register-tiled micro-kernel
/// (the Goto/BLIS scheme).
///
/// Loop nest, outermost first:
///
///     for each nc-wide column block of C            (B block stays in L3)
///       for each kc-deep slice of the sum             (depth block)
///         pack op(A)[:, slice] and op(B)[slice, block] into micro-panels
///         for each mc-tall row block                  (A block stays in L2)
///           for each NR-wide micro-panel of B         (B micro-panel stays in L1)
///             for each MR-tall micro-panel of A
///               micro-kernel: an MR × NR tile of C in registers, kc fused multiply-adds deep
///
/// Threads split the tiles of C (by NR-wide columns, or MR-tall rows when C is narrow); the
/// tile grid, the depth blocks and the arithmetic of every element are fixed by the matrix
/// sizes alone, so each element of C is summed in the same order on any number of threads
/// and the result is bit-identical.

/// Depth of one packed slice (B micro-panel: `gemmKC × gemmNR` floats = 16 KiB, in L1).
let gemmKC = 256
/// Rows of A per cache block (`gemmMC × gemmKC` floats = 144 KiB, in L2). A multiple of MR.
let gemmMC = 144
/// Columns of B per cache block (`gemmKC × gemmNC` floats = 4 MiB, in L3). A multiple of NR.
let gemmNC = 4096
/// Below this many flops a GEMM runs on one thread (dispatch would cost more than it saves).
let gemmParallelThreshold = 1 << 18

/// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, row-major; `op(X)` is `X` or `Xᵀ`.
///
/// - a: stored `[m, k]` with row stride `lda ≥ k`, or `[k, m]` with `lda ≥ m` if `transposeA`
/// - b: stored `[k, n]` with row stride `ldb ≥ n`, or `[n, k]` with `ldb ≥ k` if `transposeB`
/// - c: `[m, n]` with row stride `ldc ≥ n`; only the first `n` columns of each row are touched
///
/// When `beta == 0`, C is overwritten without being read (NaNs in it do not leak through), as
/// in BLAS. Same contract as `gemmNaive`, the reference. Results are bit-identical for any
/// `Parallel.threadCount`; they may differ from `gemmNaive` in the last bits (fused
/// multiply-adds, and partial sums per `gemmKC`-deep slice).
public func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    checkGemmArguments(
        "gemm", transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        lda: lda, ldb: ldb, ldc: ldc)
    if m == 0 || n == 0 { return }
    if k == 0 || alpha == 0 {
        scaleRows(c, rows: m, columns: n, ldc: ldc, by: beta)
        return
    }
    let threads = 2 * m * n * k < gemmParallelThreshold ? 1 : Parallel.threadCount
    Parallel.withThreadCount(threads) {
        packedGemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

/// The blocked loop nest described above (arguments already checked, sizes positive).
private func packedGemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    let aPanels = (m + gemmMR - 1) / gemmMR
    let depth = min(k, gemmKC)
    let blockWidth = min(n, gemmNC)
    let aCount = aPanels * gemmMR * depth
    let bCount = (blockWidth + gemmNR - 1) / gemmNR * gemmNR * depth
    ScratchBuffers.with(count: aCount) { packedA in
        ScratchBuffers.with(count: bCount) { packedB in
            blockedLoops(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
                packedA: packedA, packedB: packedB)
        }
    }
}

/// The loops of `packedGemm`, given packing buffers of `⌈m/MR⌉·MR·KC` and `⌈NC/NR⌉·NR·KC`
/// floats (or less when the matrices are smaller), 64-byte aligned.
private func blockedLoops(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    packedA: UnsafeMutablePointer<Float>, packedB: UnsafeMutablePointer<Float>
) {
    let aPanels = (m + gemmMR - 1) / gemmMR
    for jc in stride(from: 0, to: n, by: gemmNC) {
        let width = min(gemmNC, n - jc)
        let bPanels = (width + gemmNR - 1) / gemmNR
        for pc in stride(from: 0, to: k, by: gemmKC) {
            let kc = min(gemmKC, k - pc)
            let slice = pc..<(pc + kc)
            let update = GemmUpdate(alpha: alpha, beta: pc == 0 ? beta : nil)

            // Pack every A and B micro-panel of this slice (each index writes its own panel).
            Parallel.forChunks(aPanels + bPanels, minimumChunk: 8) { panels in
                for panel in panels {
                    if panel < aPanels {
                        let rows = (panel * gemmMR)..<min(m, (panel + 1) * gemmMR)
                        packPanelA(
                            transposed: transposeA, a: a, lda: lda, rows: rows, depth: slice,
                            into: packedA + panel * gemmMR * kc)
                    } else {
                        let j = (panel - aPanels) * gemmNR
                        let columns = (jc + j)..<min(jc + width, jc + j + gemmNR)
                        packPanelB(
                            transposed: transposeB, b: b, ldb: ldb, depth: slice,
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
                        let bPanel = packedB + j * kc
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
