// The direct convolution's register tiles, one per instruction set (`InstructionSet`): a
// tile of R output pixels × 16 output channels keeps R `SIMD16<Float>` accumulators, and for
// each tap loads one vector of 16 weights and broadcasts R input values against it. R is as
// many rows as the registers hold without spilling:
//
// | set      | registers      | R | accumulators      | + weights, broadcast |
// | -------- | -------------- | - | ----------------- | -------------------- |
// | AVX-512  | 32 × 16 floats | 8 | 8 registers       | 1 + 1                |
// | AVX2     | 16 × 8 floats  | 6 | 12 registers      | 2 + 1 (15 of 16)     |
// | portable | NEON 32 × 4    | 4 | 16 registers      | 4 + 1 (21 of 32)     |
//
// The tiles are written out row by row so that every accumulator is a named variable the
// compiler keeps in registers. They differ only in how many rows they hold: each output is
// the same sum over the taps in the same order, so all three give the same bits.

/// One register tile: `rows` pixels (window starts `starts[0..<rows]` in `input`) ×
/// sixteen output channels, summed over `depth` taps; written pixel-major to
/// `tile[rows][16]` (added to what is there when `accumulate`). `rows` is
/// `InstructionSet.directRows`: 8, 6 or 4.
///
/// The same tile computes the weight gradient with the two offset tables' roles swapped:
/// taps as the rows, the output pixels as the summed index (see
/// `conv2dBackwardWeightDirect`).
@inline(__always)
func directTile(
    rows: Int, depth: Int, taps: UnsafePointer<Int>, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: UnsafePointer<Int>, into tile: UnsafeMutablePointer<Float>,
    accumulate: Bool = false
) {
    switch rows {
    case 8:
        directTile8(
            depth: depth, taps: taps, weights: weights, input: input, starts: starts,
            into: tile, accumulate: accumulate)
    case 6:
        directTile6(
            depth: depth, taps: taps, weights: weights, input: input, starts: starts,
            into: tile, accumulate: accumulate)
    default:
        directTile4(
            depth: depth, taps: taps, weights: weights, input: input, starts: starts,
            into: tile, accumulate: accumulate)
    }
}

/// Eight rows: AVX-512.
@inline(__always)
func directTile8(
    depth: Int, taps: UnsafePointer<Int>, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: UnsafePointer<Int>, into tile: UnsafeMutablePointer<Float>,
    accumulate: Bool
) {
    let x0 = input + starts[0]
    let x1 = input + starts[1]
    let x2 = input + starts[2]
    let x3 = input + starts[3]
    let x4 = input + starts[4]
    let x5 = input + starts[5]
    let x6 = input + starts[6]
    let x7 = input + starts[7]
    var c0 = DirectVector()
    var c1 = DirectVector()
    var c2 = DirectVector()
    var c3 = DirectVector()
    var c4 = DirectVector()
    var c5 = DirectVector()
    var c6 = DirectVector()
    var c7 = DirectVector()
    var w = UnsafeRawPointer(weights)
    for p in 0..<depth {
        let o = taps[p]
        let wv = w.load(as: DirectVector.self)
        c0 = c0.addingProduct(DirectVector(repeating: x0[o]), wv)
        c1 = c1.addingProduct(DirectVector(repeating: x1[o]), wv)
        c2 = c2.addingProduct(DirectVector(repeating: x2[o]), wv)
        c3 = c3.addingProduct(DirectVector(repeating: x3[o]), wv)
        c4 = c4.addingProduct(DirectVector(repeating: x4[o]), wv)
        c5 = c5.addingProduct(DirectVector(repeating: x5[o]), wv)
        c6 = c6.addingProduct(DirectVector(repeating: x6[o]), wv)
        c7 = c7.addingProduct(DirectVector(repeating: x7[o]), wv)
        w += MemoryLayout<DirectVector>.stride
    }
    let out = UnsafeMutableRawPointer(tile)
    let row = MemoryLayout<DirectVector>.stride
    if accumulate {
        c0 += out.load(as: DirectVector.self)
        c1 += out.load(fromByteOffset: row, as: DirectVector.self)
        c2 += out.load(fromByteOffset: 2 * row, as: DirectVector.self)
        c3 += out.load(fromByteOffset: 3 * row, as: DirectVector.self)
        c4 += out.load(fromByteOffset: 4 * row, as: DirectVector.self)
        c5 += out.load(fromByteOffset: 5 * row, as: DirectVector.self)
        c6 += out.load(fromByteOffset: 6 * row, as: DirectVector.self)
        c7 += out.load(fromByteOffset: 7 * row, as: DirectVector.self)
    }
    out.storeBytes(of: c0, as: DirectVector.self)
    out.storeBytes(of: c1, toByteOffset: row, as: DirectVector.self)
    out.storeBytes(of: c2, toByteOffset: 2 * row, as: DirectVector.self)
    out.storeBytes(of: c3, toByteOffset: 3 * row, as: DirectVector.self)
    out.storeBytes(of: c4, toByteOffset: 4 * row, as: DirectVector.self)
    out.storeBytes(of: c5, toByteOffset: 5 * row, as: DirectVector.self)
    out.storeBytes(of: c6, toByteOffset: 6 * row, as: DirectVector.self)
    out.storeBytes(of: c7, toByteOffset: 7 * row, as: DirectVector.self)
}

/// Six rows: AVX2.
@inline(__always)
func directTile6(
    depth: Int, taps: UnsafePointer<Int>, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: UnsafePointer<Int>, into tile: UnsafeMutablePointer<Float>,
    accumulate: Bool
) {
    let x0 = input + starts[0]
    let x1 = input + starts[1]
    let x2 = input + starts[2]
    let x3 = input + starts[3]
    let x4 = input + starts[4]
    let x5 = input + starts[5]
    var c0 = DirectVector()
    var c1 = DirectVector()
    var c2 = DirectVector()
    var c3 = DirectVector()
    var c4 = DirectVector()
    var c5 = DirectVector()
    var w = UnsafeRawPointer(weights)
    for p in 0..<depth {
        let o = taps[p]
        let wv = w.load(as: DirectVector.self)
        c0 = c0.addingProduct(DirectVector(repeating: x0[o]), wv)
        c1 = c1.addingProduct(DirectVector(repeating: x1[o]), wv)
        c2 = c2.addingProduct(DirectVector(repeating: x2[o]), wv)
        c3 = c3.addingProduct(DirectVector(repeating: x3[o]), wv)
        c4 = c4.addingProduct(DirectVector(repeating: x4[o]), wv)
        c5 = c5.addingProduct(DirectVector(repeating: x5[o]), wv)
        w += MemoryLayout<DirectVector>.stride
    }
    let out = UnsafeMutableRawPointer(tile)
    let row = MemoryLayout<DirectVector>.stride
    if accumulate {
        c0 += out.load(as: DirectVector.self)
        c1 += out.load(fromByteOffset: row, as: DirectVector.self)
        c2 += out.load(fromByteOffset: 2 * row, as: DirectVector.self)
        c3 += out.load(fromByteOffset: 3 * row, as: DirectVector.self)
        c4 += out.load(fromByteOffset: 4 * row, as: DirectVector.self)
        c5 += out.load(fromByteOffset: 5 * row, as: DirectVector.self)
    }
    out.storeBytes(of: c0, as: DirectVector.self)
    out.storeBytes(of: c1, toByteOffset: row, as: DirectVector.self)
    out.storeBytes(of: c2, toByteOffset: 2 * row, as: DirectVector.self)
    out.storeBytes(of: c3, toByteOffset: 3 * row, as: DirectVector.self)
    out.storeBytes(of: c4, toByteOffset: 4 * row, as: DirectVector.self)
    out.storeBytes(of: c5, toByteOffset: 5 * row, as: DirectVector.self)
}

/// Four rows: the portable tile.
@inline(__always)
func directTile4(
    depth: Int, taps: UnsafePointer<Int>, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: UnsafePointer<Int>, into tile: UnsafeMutablePointer<Float>,
    accumulate: Bool
) {
    let x0 = input + starts[0]
    let x1 = input + starts[1]
    let x2 = input + starts[2]
    let x3 = input + starts[3]
    var c0 = DirectVector()
    var c1 = DirectVector()
    var c2 = DirectVector()
    var c3 = DirectVector()
    var w = UnsafeRawPointer(weights)
    for p in 0..<depth {
        let o = taps[p]
        let wv = w.load(as: DirectVector.self)
        c0 = c0.addingProduct(DirectVector(repeating: x0[o]), wv)
        c1 = c1.addingProduct(DirectVector(repeating: x1[o]), wv)
        c2 = c2.addingProduct(DirectVector(repeating: x2[o]), wv)
        c3 = c3.addingProduct(DirectVector(repeating: x3[o]), wv)
        w += MemoryLayout<DirectVector>.stride
    }
    let out = UnsafeMutableRawPointer(tile)
    let row = MemoryLayout<DirectVector>.stride
    if accumulate {
        c0 += out.load(as: DirectVector.self)
        c1 += out.load(fromByteOffset: row, as: DirectVector.self)
        c2 += out.load(fromByteOffset: 2 * row, as: DirectVector.self)
        c3 += out.load(fromByteOffset: 3 * row, as: DirectVector.self)
    }
    out.storeBytes(of: c0, as: DirectVector.self)
    out.storeBytes(of: c1, toByteOffset: row, as: DirectVector.self)
    out.storeBytes(of: c2, toByteOffset: 2 * row, as: DirectVector.self)
    out.storeBytes(of: c3, toByteOffset: 3 * row, as: DirectVector.self)
}
