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

/// Where tap `p` of a tile row lies, in floats past the row's start, or (as a tile's `starts`)
/// where row `p` starts, in floats past the tile's input: a table (`TapTable`: the direct
/// convolution's kernel taps in the padded image, its output pixels' windows, Winograd's
/// blocks) or a fixed step (`TapStride`: Winograd's channels, one after another or a block
/// apart). A step saves the tile one load per tap and lets the compiler step the row pointers
/// itself; as rows one float apart (the Winograd weight gradient's input channels) it lets the
/// compiler address every row from one pointer, where a table takes a register per row (eight,
/// with AVX-512).
protocol TapOffsets {
    subscript(_ p: Int) -> Int { get }
}

/// Offsets a table lists.
struct TapTable: TapOffsets {
    let offsets: UnsafePointer<Int>
    @inline(__always) subscript(_ p: Int) -> Int { offsets[p] }
}

/// Offsets `step` floats apart: `p` at `p · step`.
struct TapStride: TapOffsets {
    let step: Int
    @inline(__always) subscript(_ p: Int) -> Int { p * step }
}

/// One register tile: `rows` pixels (window starts `starts[0..<rows]` in `input`) ×
/// sixteen output channels, summed over `depth` taps; written pixel-major to
/// `tile[rows][16]` (added to what is there when `accumulate`). `rows` is
/// `InstructionSet.directRows`: 8, 6 or 4.
///
/// The same tile computes the weight gradient with the two offset tables' roles swapped:
/// taps as the rows, the output pixels as the summed index (see
/// `conv2dBackwardWeightDirect`).
@inline(__always)
func directTile<Taps: TapOffsets, Rows: TapOffsets>(
    rows: Int, depth: Int, taps: Taps, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: Rows, into tile: UnsafeMutablePointer<Float>,
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
func directTile8<Taps: TapOffsets, Rows: TapOffsets>(
    depth: Int, taps: Taps, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: Rows, into tile: UnsafeMutablePointer<Float>,
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

// listing: direct-tile-6
/// Six rows: AVX2.
@inline(__always)
func directTile6<Taps: TapOffsets, Rows: TapOffsets>(
    depth: Int, taps: Taps, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: Rows, into tile: UnsafeMutablePointer<Float>,
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
// listing-end: direct-tile-6

/// Four rows: the portable tile.
@inline(__always)
func directTile4<Taps: TapOffsets, Rows: TapOffsets>(
    depth: Int, taps: Taps, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: Rows, into tile: UnsafeMutablePointer<Float>,
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

/// `panels` panels of sixteen output channels (1, or 2 where `InstructionSet.tilePanels`
/// allows, with `rows` 8): the second panel's weights `weightStep` floats after the first's,
/// its tile `tileStep` floats after the first's. Two go through `directTilePair`, one
/// through `directTile`; each output is the same sum either way.
@inline(__always)
func directTilePanels<Taps: TapOffsets, Rows: TapOffsets>(
    panels: Int, rows: Int, depth: Int, taps: Taps, weights: UnsafePointer<Float>,
    weightStep: Int, input: UnsafePointer<Float>, starts: Rows,
    into tile: UnsafeMutablePointer<Float>, tileStep: Int, accumulate: Bool = false
) {
    if panels == 2 {
        directTilePair(
            depth: depth, taps: taps, weights: weights, input: input, starts: starts, into: tile,
            secondWeights: weights + weightStep, secondTile: tile + tileStep,
            accumulate: accumulate)
    } else {
        directTile(
            rows: rows, depth: depth, taps: taps, weights: weights, input: input, starts: starts,
            into: tile, accumulate: accumulate)
    }
}

/// Eight rows × two panels of sixteen channels: AVX-512 only (16 accumulators, two weight
/// vectors and a broadcast of its 32 registers). Each broadcast input feeds two fused
/// multiply-adds instead of one, so a tap costs ten loads for sixteen products instead of
/// nine for eight. Each output is the same sum in the same order as `directTile8`'s: the
/// panels `weights` and `secondWeights` written to `tile` and `secondTile`.
@inline(__always)
func directTilePair<Taps: TapOffsets, Rows: TapOffsets>(
    depth: Int, taps: Taps, weights: UnsafePointer<Float>, input: UnsafePointer<Float>,
    starts: Rows, into tile: UnsafeMutablePointer<Float>,
    secondWeights: UnsafePointer<Float>, secondTile: UnsafeMutablePointer<Float>,
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
    var d0 = DirectVector()
    var d1 = DirectVector()
    var d2 = DirectVector()
    var d3 = DirectVector()
    var d4 = DirectVector()
    var d5 = DirectVector()
    var d6 = DirectVector()
    var d7 = DirectVector()
    var w = UnsafeRawPointer(weights)
    var v = UnsafeRawPointer(secondWeights)
    for p in 0..<depth {
        let o = taps[p]
        let wv = w.load(as: DirectVector.self)
        let vv = v.load(as: DirectVector.self)
        var b = DirectVector(repeating: x0[o])
        c0 = c0.addingProduct(b, wv)
        d0 = d0.addingProduct(b, vv)
        b = DirectVector(repeating: x1[o])
        c1 = c1.addingProduct(b, wv)
        d1 = d1.addingProduct(b, vv)
        b = DirectVector(repeating: x2[o])
        c2 = c2.addingProduct(b, wv)
        d2 = d2.addingProduct(b, vv)
        b = DirectVector(repeating: x3[o])
        c3 = c3.addingProduct(b, wv)
        d3 = d3.addingProduct(b, vv)
        b = DirectVector(repeating: x4[o])
        c4 = c4.addingProduct(b, wv)
        d4 = d4.addingProduct(b, vv)
        b = DirectVector(repeating: x5[o])
        c5 = c5.addingProduct(b, wv)
        d5 = d5.addingProduct(b, vv)
        b = DirectVector(repeating: x6[o])
        c6 = c6.addingProduct(b, wv)
        d6 = d6.addingProduct(b, vv)
        b = DirectVector(repeating: x7[o])
        c7 = c7.addingProduct(b, wv)
        d7 = d7.addingProduct(b, vv)
        w += MemoryLayout<DirectVector>.stride
        v += MemoryLayout<DirectVector>.stride
    }
    let out = UnsafeMutableRawPointer(tile)
    let out2 = UnsafeMutableRawPointer(secondTile)
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
        d0 += out2.load(as: DirectVector.self)
        d1 += out2.load(fromByteOffset: row, as: DirectVector.self)
        d2 += out2.load(fromByteOffset: 2 * row, as: DirectVector.self)
        d3 += out2.load(fromByteOffset: 3 * row, as: DirectVector.self)
        d4 += out2.load(fromByteOffset: 4 * row, as: DirectVector.self)
        d5 += out2.load(fromByteOffset: 5 * row, as: DirectVector.self)
        d6 += out2.load(fromByteOffset: 6 * row, as: DirectVector.self)
        d7 += out2.load(fromByteOffset: 7 * row, as: DirectVector.self)
    }
    out.storeBytes(of: c0, as: DirectVector.self)
    out.storeBytes(of: c1, toByteOffset: row, as: DirectVector.self)
    out.storeBytes(of: c2, toByteOffset: 2 * row, as: DirectVector.self)
    out.storeBytes(of: c3, toByteOffset: 3 * row, as: DirectVector.self)
    out.storeBytes(of: c4, toByteOffset: 4 * row, as: DirectVector.self)
    out.storeBytes(of: c5, toByteOffset: 5 * row, as: DirectVector.self)
    out.storeBytes(of: c6, toByteOffset: 6 * row, as: DirectVector.self)
    out.storeBytes(of: c7, toByteOffset: 7 * row, as: DirectVector.self)
    out2.storeBytes(of: d0, as: DirectVector.self)
    out2.storeBytes(of: d1, toByteOffset: row, as: DirectVector.self)
    out2.storeBytes(of: d2, toByteOffset: 2 * row, as: DirectVector.self)
    out2.storeBytes(of: d3, toByteOffset: 3 * row, as: DirectVector.self)
    out2.storeBytes(of: d4, toByteOffset: 4 * row, as: DirectVector.self)
    out2.storeBytes(of: d5, toByteOffset: 5 * row, as: DirectVector.self)
    out2.storeBytes(of: d6, toByteOffset: 6 * row, as: DirectVector.self)
    out2.storeBytes(of: d7, toByteOffset: 7 * row, as: DirectVector.self)
}
