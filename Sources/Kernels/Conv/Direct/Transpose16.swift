// The register transpose the direct tile's output and the weight gradient's input need:
// sixteen vectors of sixteen floats, turned so that row j holds lane j of every row.

import CInstructionSet

/// Transposes a 16 × 16 block: `target[j · targetStride + i] = source[i · sourceStride + j]
/// + shifts[j]` for i, j in 0..<16 (any alignment).
///
/// Four rounds of "unzip" (pair up rows, split each pair into its even and odd lanes) move
/// one bit of the lane index into the row index per round; after four, row j holds lane j
/// of every row. Sixteen named vectors, so they stay in registers: with AVX-512's 32 registers
/// of 16 floats. Everywhere else a vector of 16 floats takes two (AVX2) or four registers and
/// the sixteen spill to the stack, and LLVM's lowering of their halves is long, so the block
/// is transposed as sixteen 4 × 4 blocks of four-float vectors instead (`transpose4`): in a
/// standalone timing on Zen 1, 5.0× faster than the sixteen-vector form with AVX2 and 1.4×
/// with baseline x86-64 (Docs/PERFORMANCE.md; arm64, which takes the same path, is not
/// measured). Either way each value is moved, and shifted, alone: the same bits.
@inline(__always)
func transpose16(
    _ source: UnsafePointer<Float>, sourceStride: Int, into target: UnsafeMutablePointer<Float>,
    targetStride: Int, shifts: DirectVector = DirectVector()
) {
    if RESIDUAL_COMPILED_INSTRUCTION_SET != 2 {
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
        return
    }
    var r0 = UnsafeRawPointer(source + 0 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r1 = UnsafeRawPointer(source + 1 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r2 = UnsafeRawPointer(source + 2 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r3 = UnsafeRawPointer(source + 3 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r4 = UnsafeRawPointer(source + 4 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r5 = UnsafeRawPointer(source + 5 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r6 = UnsafeRawPointer(source + 6 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r7 = UnsafeRawPointer(source + 7 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r8 = UnsafeRawPointer(source + 8 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r9 = UnsafeRawPointer(source + 9 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r10 = UnsafeRawPointer(source + 10 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r11 = UnsafeRawPointer(source + 11 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r12 = UnsafeRawPointer(source + 12 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r13 = UnsafeRawPointer(source + 13 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r14 = UnsafeRawPointer(source + 14 * sourceStride).loadUnaligned(as: DirectVector.self)
    var r15 = UnsafeRawPointer(source + 15 * sourceStride).loadUnaligned(as: DirectVector.self)
    for _ in 0..<4 {
        let (e0, o0) = unzip(r0, r1)
        let (e1, o1) = unzip(r2, r3)
        let (e2, o2) = unzip(r4, r5)
        let (e3, o3) = unzip(r6, r7)
        let (e4, o4) = unzip(r8, r9)
        let (e5, o5) = unzip(r10, r11)
        let (e6, o6) = unzip(r12, r13)
        let (e7, o7) = unzip(r14, r15)
        r0 = e0
        r1 = e1
        r2 = e2
        r3 = e3
        r4 = e4
        r5 = e5
        r6 = e6
        r7 = e7
        r8 = o0
        r9 = o1
        r10 = o2
        r11 = o3
        r12 = o4
        r13 = o5
        r14 = o6
        r15 = o7
    }
    UnsafeMutableRawPointer(target + 0 * targetStride).storeBytes(
        of: r0 + DirectVector(repeating: shifts[0]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 1 * targetStride).storeBytes(
        of: r1 + DirectVector(repeating: shifts[1]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 2 * targetStride).storeBytes(
        of: r2 + DirectVector(repeating: shifts[2]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 3 * targetStride).storeBytes(
        of: r3 + DirectVector(repeating: shifts[3]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 4 * targetStride).storeBytes(
        of: r4 + DirectVector(repeating: shifts[4]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 5 * targetStride).storeBytes(
        of: r5 + DirectVector(repeating: shifts[5]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 6 * targetStride).storeBytes(
        of: r6 + DirectVector(repeating: shifts[6]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 7 * targetStride).storeBytes(
        of: r7 + DirectVector(repeating: shifts[7]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 8 * targetStride).storeBytes(
        of: r8 + DirectVector(repeating: shifts[8]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 9 * targetStride).storeBytes(
        of: r9 + DirectVector(repeating: shifts[9]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 10 * targetStride).storeBytes(
        of: r10 + DirectVector(repeating: shifts[10]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 11 * targetStride).storeBytes(
        of: r11 + DirectVector(repeating: shifts[11]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 12 * targetStride).storeBytes(
        of: r12 + DirectVector(repeating: shifts[12]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 13 * targetStride).storeBytes(
        of: r13 + DirectVector(repeating: shifts[13]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 14 * targetStride).storeBytes(
        of: r14 + DirectVector(repeating: shifts[14]), as: DirectVector.self)
    UnsafeMutableRawPointer(target + 15 * targetStride).storeBytes(
        of: r15 + DirectVector(repeating: shifts[15]), as: DirectVector.self)
}

/// The even lanes of `a` then of `b`, and the odd lanes of `a` then of `b`.
@inline(__always)
private func unzip(_ a: DirectVector, _ b: DirectVector) -> (DirectVector, DirectVector) {
    (
        DirectVector(lowHalf: a.evenHalf, highHalf: b.evenHalf),
        DirectVector(lowHalf: a.oddHalf, highHalf: b.oddHalf)
    )
}

/// `unzip` for vectors of four floats.
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
