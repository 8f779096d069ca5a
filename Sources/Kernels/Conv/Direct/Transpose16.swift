// The register transpose the direct tile's output, Winograd's channel-last copy of each image
// and the weight gradient's input need: a 16 × 16 block of floats, turned so that row j holds
// lane j of every row.

/// Transposes a 16 × 16 block: `target[j · targetStride + i] = source[i · sourceStride + j]
/// + shifts[j]` for i, j in 0..<16 (any alignment).
///
/// As sixteen 4 × 4 blocks of four-float vectors (`transpose4`), on every instruction set.
/// The other way to write it, sixteen 16-float vectors and four rounds of "unzip" (pair up
/// rows, split each pair into its even and odd lanes), lost everywhere it was measured. With
/// AVX2 and baseline x86-64 the sixteen vectors do not fit the registers and spill, and LLVM
/// lowers their halves into long runs of inserts and blends: the 4 × 4 blocks were 5.0× and
/// 1.4× faster in a standalone timing on Zen 1. With AVX-512 they fit, but each half became a
/// call into the standard library with its vector passed in four 128-bit pieces, 128 calls
/// per transpose: on an Intel Xeon, one convolution at a time on one thread, the 4 × 4 blocks
/// were 1.02-1.11× faster in 17 of 18 timings (one 0.985) (Docs/PERFORMANCE.md, "The 16 × 16
/// transpose in 4 × 4 blocks with AVX-512 too"). Not measured: arm64, which takes the same
/// path, and the Zen 5, on which the AVX-512 build was tuned with the sixteen vectors. Each
/// value is moved, and shifted, alone: the same bits either way.
@inline(__always)
func transpose16(
    _ source: UnsafePointer<Float>, sourceStride: Int, into target: UnsafeMutablePointer<Float>,
    targetStride: Int, shifts: DirectVector = DirectVector()
) {
    // Block (i, j): rows 4i..<4i+4, lanes 4j..<4j+4 of the source, to rows 4j..<4j+4,
    // lanes 4i..<4i+4 of the target.
    for i in 0..<4 {
        for j in 0..<4 {
            transpose4(
                source + 4 * i * sourceStride + 4 * j, sourceStride: sourceStride,
                into: target + 4 * j * targetStride + 4 * i, targetStride: targetStride,
                shifts: SIMD4(
                    shifts[4 * j], shifts[4 * j + 1], shifts[4 * j + 2], shifts[4 * j + 3]))
        }
    }
}

/// The even lanes of `a` then of `b`, and the odd lanes of `a` then of `b`.
@inline(__always)
private func unzip(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>) {
    (
        SIMD4(lowHalf: a.evenHalf, highHalf: b.evenHalf),
        SIMD4(lowHalf: a.oddHalf, highHalf: b.oddHalf)
    )
}

/// Transposes a 4 × 4 block: `target[j · targetStride + i] = source[i · sourceStride + j] +
/// shifts[j]` for i, j in 0..<4 (any alignment), by two rounds of `unzip` on four vectors of
/// four floats.
@inline(__always)
private func transpose4(
    _ source: UnsafePointer<Float>, sourceStride: Int, into target: UnsafeMutablePointer<Float>,
    targetStride: Int, shifts: SIMD4<Float>
) {
    typealias Row = SIMD4<Float>
    @inline(__always) func load(_ i: Int) -> Row {
        UnsafeRawPointer(source + i * sourceStride).loadUnaligned(as: Row.self)
    }
    var (r0, r1, r2, r3) = (load(0), load(1), load(2), load(3))
    for _ in 0..<2 {
        let (e0, o0) = unzip(r0, r1)
        let (e1, o1) = unzip(r2, r3)
        (r0, r1, r2, r3) = (e0, e1, o0, o1)
    }
    @inline(__always) func store(_ j: Int, _ row: Row) {
        UnsafeMutableRawPointer(target + j * targetStride).storeBytes(
            of: row + Row(repeating: shifts[j]), as: Row.self)
    }
    store(0, r0)
    store(1, r1)
    store(2, r2)
    store(3, r3)
}
