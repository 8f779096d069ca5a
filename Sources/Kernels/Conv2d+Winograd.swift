// Winograd's F(2×2, 3×3) for stride-1, padding-1 3×3 convolutions: the forward pass and
// the data gradient (itself such a convolution, of the output gradient with the kernel
// flipped and its channels swapped). Each 2×2 block of outputs comes from a 4×4 block of
// input through
//
//     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// 16 multiplications per input channel instead of 36. The 16 products of each block are 16
// independent matrix products over the input channels, one per position ξ of the 4×4
// transformed block: M[ξ][tile][k] = Σ_c V[ξ][tile][c] · U[ξ][c][k], which run on the direct
// convolution's register tile (`directTile`, its rows the tiles, its depth the channels, in
// order), so every instruction set computes the same bits.
//
// The arithmetic differs from the direct sum: the transforms add and subtract inputs before
// they are multiplied, so the rounding differs (tests bound it with the transforms' absolute
// values, `winogradMagnitude`). Measured against the direct tile on the ablation's layers
// (Docs/PERFORMANCE.md), it wins at 28×28, 14×14 and 7×7 with AVX-512 and with AVX2, so
// `usesWinogradForward` takes it wherever it applies. The image's channel-last copy and the
// outputs' return to channel planes go sixteen by sixteen through the register transpose
// (`transpose16`); done one float at a time they cost Winograd its lead on 28×28 maps.
// The weight gradient is in `Conv2d+WinogradWeight.swift`.

/// Bᵀ d of one column of a block (its four rows), sixteen channels at a time: `d` points at
/// the column's top pixel, `rowStride` floats from one row to the next.
@inline(__always)
private func winogradColumn(_ d: UnsafePointer<Float>, rowStride: Int) -> (
    SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>
) {
    @inline(__always) func load(_ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(d + i * rowStride).loadUnaligned(as: SIMD16<Float>.self)
    }
    let (d0, d1, d2, d3) = (load(0), load(1), load(2), load(3))
    return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
}

/// The 4×4 input transform Bᵀ d B of one block from its four columns' Bᵀ d (`winogradColumn`),
/// sixteen channels at a time; result ξ is written at `v + ξ·stride`. Neighbouring blocks
/// share two columns, so each column is transformed once and used twice.
@inline(__always)
private func winogradInput(
    _ columns: (
        (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>),
        (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>),
        (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>),
        (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)
    ), into v: UnsafeMutablePointer<Float>, stride: Int
) {
    @inline(__always) func store(_ xi: Int, _ x: SIMD16<Float>) {
        UnsafeMutableRawPointer(v + xi * stride).storeBytes(of: x, as: SIMD16<Float>.self)
    }
    // Row i of Bᵀ d, (t0, t1, t2, t3), times B.
    @inline(__always) func row(
        _ i: Int, _ t0: SIMD16<Float>, _ t1: SIMD16<Float>, _ t2: SIMD16<Float>,
        _ t3: SIMD16<Float>
    ) {
        store(4 * i, t0 - t2)
        store(4 * i + 1, t1 + t2)
        store(4 * i + 2, t2 - t1)
        store(4 * i + 3, t1 - t3)
    }
    let (a, b, c, d) = columns
    row(0, a.0, b.0, c.0, d.0)
    row(1, a.1, b.1, c.1, d.1)
    row(2, a.2, b.2, c.2, d.2)
    row(3, a.3, b.3, c.3, d.3)
}

/// The 4×4 weight transform G g Gᵀ of one 3×3 filter, written to `u[0..<16]`.
private func winogradWeight(_ g: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
    // G·g, 4 × 3: the rows of g mixed.
    var gg = SIMD16<Float>()
    for j in 0..<3 {
        let (a, b, c) = (g[j], g[3 + j], g[6 + j])
        gg[j] = a
        gg[4 + j] = (a + b + c) / 2
        gg[8 + j] = (a - b + c) / 2
        gg[12 + j] = c
    }
    // (G·g)·Gᵀ: the same mix of each row's three columns.
    for i in 0..<4 {
        let (a, b, c) = (gg[4 * i], gg[4 * i + 1], gg[4 * i + 2])
        u[4 * i] = a
        u[4 * i + 1] = (a + b + c) / 2
        u[4 * i + 2] = (a - b + c) / 2
        u[4 * i + 3] = c
    }
}

/// The 2×2 blocks a map of `height × width` is cut into (the last row and column of blocks
/// cut off when a side is odd), and the padded channel-last plane their 4×4 inputs are read
/// from: one row and column of zeros before the map, enough after it for the last block.
struct WinogradGrid {
    let tilesH: Int
    let tilesW: Int
    let paddedW: Int
    /// Pixels of the padded plane.
    let plane: Int

    init(_ s: Conv2dShape) {
        (tilesH, tilesW) = ((s.height + 1) / 2, (s.width + 1) / 2)
        paddedW = 2 * tilesW + 2
        plane = (2 * tilesH + 2) * paddedW
    }

    var tilesPerImage: Int { tilesH * tilesW }

    /// Images transformed and multiplied together: about 256 blocks, at most 8 images (a
    /// function of the map size alone, so the weight gradient's order of summation does not
    /// depend on the machine).
    var bundle: Int { max(1, min(8, 256 / tilesPerImage)) }

    /// Floats of the padded channel-last image of `channels` channels.
    func paddedCount(_ channels: Int) -> Int { channels * plane }

    /// The blocks of `images` consecutive images in the order the kernels number them (image,
    /// then block row, then block column): the offset of each block's top-left output pixel
    /// in the images' pixel-major outputs (`image · H·W + 2·ty·W + 2·tx`), and whether its
    /// right column and bottom row lie inside the map. A table, so that the loops over the
    /// blocks need no division.
    func blocks(_ s: Conv2dShape, images: Int) -> [WinogradBlock] {
        var blocks: [WinogradBlock] = []
        blocks.reserveCapacity(images * tilesPerImage)
        for slot in 0..<images {
            for ty in 0..<tilesH {
                for tx in 0..<tilesW {
                    blocks.append(
                        WinogradBlock(
                            origin: slot * s.outHeight * s.outWidth + 2 * ty * s.outWidth + 2 * tx,
                            right: 2 * tx + 1 < s.outWidth, below: 2 * ty + 1 < s.outHeight))
                }
            }
        }
        return blocks
    }
}

/// Where one 2×2 block of outputs lies (`WinogradGrid.blocks`).
struct WinogradBlock {
    /// Offset of its top-left output pixel in the pixel-major outputs of a bundle of images.
    let origin: Int
    /// Whether its right column lies inside the map (not when the width is odd and the block
    /// is the last of its row).
    let right: Bool
    /// Whether its bottom row lies inside the map.
    let below: Bool
}

/// Bᵀ d B of every block of one image: `v[ξ · stride + tile · inChannels + c]`, tiles in row
/// order. The image is first copied channel-last, with its border of zeros, into `padded`
/// (`grid.paddedCount(inChannels)` floats).
///
/// - image: `[inChannels, height, width]`
@inline(__always)
func winogradTransformImage(
    _ s: Conv2dShape, _ grid: WinogradGrid, image: UnsafePointer<Float>,
    padded: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int
) {
    let channels = s.inChannels
    let pixels = s.height * s.width
    // The border: the first row, the rows below the map, and each row's first column and
    // the columns right of the map.
    @inline(__always) func zero(row: Int, columns: Range<Int>) {
        (padded + (row * grid.paddedW + columns.lowerBound) * channels).update(
            repeating: 0, count: columns.count * channels)
    }
    zero(row: 0, columns: 0..<grid.paddedW)
    for h in 1...s.height {
        zero(row: h, columns: 0..<1)
        zero(row: h, columns: (s.width + 1)..<grid.paddedW)
    }
    for h in (s.height + 1)..<(grid.plane / grid.paddedW) {
        zero(row: h, columns: 0..<grid.paddedW)
    }
    // The map: sixteen channels × sixteen pixels (in reading order, across rows) at a time,
    // transposed in registers, each pixel's sixteen channels stored where it belongs.
    withUnsafeTemporaryAllocation(of: DirectVector.self, capacity: 16) { block in
        let block = UnsafeMutableRawPointer(block.baseAddress!).assumingMemoryBound(
            to: Float.self)
        for c in Swift.stride(from: 0, to: channels, by: 16) {
            let planes = image + c * pixels
            for q in Swift.stride(from: 0, to: pixels, by: 16) {
                let count = min(16, pixels - q)
                if count == 16 {
                    transpose16(planes + q, sourceStride: pixels, into: block, targetStride: 16)
                } else {
                    for i in 0..<count {
                        for j in 0..<16 { block[i * 16 + j] = planes[j * pixels + q + i] }
                    }
                }
                // Row and column stepped along (a division per pixel cost a tenth of the
                // whole transform).
                var (h, w) = q.quotientAndRemainder(dividingBy: s.width)
                for i in 0..<count {
                    UnsafeMutableRawPointer(
                        padded + ((h + 1) * grid.paddedW + w + 1) * channels + c
                    ).storeBytes(
                        of: UnsafeRawPointer(block + i * 16).load(as: DirectVector.self),
                        as: DirectVector.self)
                    w += 1
                    if w == s.width { (h, w) = (h + 1, 0) }
                }
            }
        }
    }
    let rowStride = grid.paddedW * channels
    for c in Swift.stride(from: 0, to: channels, by: 16) {
        for ty in 0..<grid.tilesH {
            let top = padded + 2 * ty * rowStride + c
            var left = (
                winogradColumn(top, rowStride: rowStride),
                winogradColumn(top + channels, rowStride: rowStride)
            )
            for tx in 0..<grid.tilesW {
                let right = (
                    winogradColumn(top + (2 * tx + 2) * channels, rowStride: rowStride),
                    winogradColumn(top + (2 * tx + 3) * channels, rowStride: rowStride)
                )
                winogradInput(
                    (left.0, left.1, right.0, right.1),
                    into: v + (ty * grid.tilesW + tx) * channels + c, stride: stride)
                left = right
            }
        }
    }
}

/// Whether `conv2dForwardWinograd` can compute this shape: 3×3, stride 1, padding 1, input
/// channels in sixteens (its transforms take sixteen channels at a time), at least 8 output
/// channels.
public func winogradApplies(_ s: Conv2dShape) -> Bool {
    s.kernelH == 3 && s.kernelW == 3 && s.strideH == 1 && s.strideW == 1 && s.padH == 1
        && s.padW == 1 && s.inChannels % 16 == 0 && s.outChannels >= 8
}

/// Whether `conv2dForward` uses Winograd for this shape: wherever it can (it beats the
/// direct tile on every ablation layer it takes, on both instruction sets: measured,
/// Docs/PERFORMANCE.md). The rule is the same on every instruction set, so that the bits do
/// not depend on the machine.
func usesWinogradForward(_ s: Conv2dShape) -> Bool { winogradApplies(s) }

/// The shape of the data gradient of `s` as a convolution: of the output gradient, from
/// `outChannels` to `inChannels` channels, padded by `kernel − 1 − pad`.
func dataGradientShape(_ s: Conv2dShape) -> Conv2dShape {
    try! Conv2dShape(
        batch: s.batch, inChannels: s.outChannels, height: s.outHeight, width: s.outWidth,
        outChannels: s.inChannels, kernelH: s.kernelH, kernelW: s.kernelW,
        padH: s.kernelH - 1 - s.padH, padW: s.kernelW - 1 - s.padW)
}

/// Whether `conv2dBackwardData` uses Winograd: stride 1 and a data gradient that is itself
/// a convolution Winograd takes.
func usesWinogradBackwardData(_ s: Conv2dShape) -> Bool {
    s.kernelH == 3 && s.kernelW == 3 && s.padH == 1 && s.padW == 1 && s.strideH == 1
        && s.strideW == 1 && usesWinogradForward(dataGradientShape(s))
}

/// The data gradient by F(2×2, 3×3): the forward convolution of `gradOutput` with the
/// kernel flipped in both directions and its channels swapped. Needs
/// `usesWinogradBackwardData(s)`.
///
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - weight: `[outChannels, inChannels, 3, 3]`
/// - gradInput: `[batch, inChannels, height, width]`, overwritten
func conv2dBackwardDataWinograd(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>
) {
    let taps = s.kernelH * s.kernelW
    // flipped[c][k][tap] = weight[k][c][last − tap]
    var flipped = [Float](repeating: 0, count: s.weightSize)
    for k in 0..<s.outChannels {
        for c in 0..<s.inChannels {
            for tap in 0..<taps {
                flipped[(c * s.outChannels + k) * taps + tap] =
                    weight[(k * s.inChannels + c) * taps + taps - 1 - tap]
            }
        }
    }
    conv2dForwardWinograd(
        dataGradientShape(s), input: gradOutput, weight: flipped, bias: nil, output: gradInput)
}

/// Forward convolution by F(2×2, 3×3). Needs `winogradApplies(s)`.
///
/// - input: `[batch, inChannels, height, width]`
/// - weight: `[outChannels, inChannels, 3, 3]`
/// - bias: `[outChannels]` or nil
/// - output: `[batch, outChannels, height, width]`, overwritten
/// - epilogue: applied to each panel's outputs of a bundle of images right after they are
///   written
public func conv2dForwardWinograd(
    _ s: Conv2dShape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
    epilogue: Conv2dEpilogue = .none
) {
    checkArgument(winogradApplies(s), "conv2dForwardWinograd: needs 3×3, stride 1, padding 1")
    let channels = s.inChannels
    let grid = WinogradGrid(s)
    let tilesPerImage = grid.tilesPerImage
    let outputPlane = s.outHeight * s.outWidth
    let bundle = grid.bundle
    let rows = InstructionSet.tiles.directRows
    let panelCount = (s.outChannels + directNR - 1) / directNR
    // U[ξ][panel][c][16], packed as the direct tile reads its weights.
    var packed = [Float](repeating: 0, count: 16 * panelCount * channels * directNR)
    var u = [Float](repeating: 0, count: 16)
    for k in 0..<s.outChannels {
        for c in 0..<channels {
            winogradWeight(weight + (k * channels + c) * 9, into: &u)
            for xi in 0..<16 {
                packed[
                    ((xi * panelCount + k / directNR) * channels + c) * directNR + k % directNR] =
                    u[xi]
            }
        }
    }
    let tileRowsMax = (bundle * tilesPerImage + rows - 1) / rows * rows
    let vCount = 16 * tileRowsMax * channels
    // Two panels of output channels at a time on the AVX-512 tile (`directTilePair`).
    let span = rows == 8 ? 2 : 1
    let mCount = span * 16 * tileRowsMax * directNR
    let stagedCount = bundle * outputPlane * directNR
    let starts = (0..<tileRowsMax).map { $0 * channels }
    let blocks = grid.blocks(s, images: bundle)
    packed.withUnsafeBufferPointer { packed in
        starts.withUnsafeBufferPointer { starts in
            let packed = SendablePointer(packed.baseAddress!)
            let starts = SendablePointer(starts.baseAddress!)
            Parallel.forChunks(s.batch) { chunk in
                ScratchBuffers.with(
                    count: grid.paddedCount(channels) + vCount + mCount + stagedCount
                ) {
                    scratch in
                    let padded = scratch
                    let v = scratch + grid.paddedCount(channels)
                    let m = v + vCount
                    let staged = m + mCount
                    for first in stride(
                        from: chunk.lowerBound, to: chunk.upperBound, by: bundle)
                    {
                        let images = min(bundle, chunk.upperBound - first)
                        let count = images * tilesPerImage
                        let stored = (count + rows - 1) / rows * rows
                        // V[ξ][tile][c]; rows past `count` are left as they are (computed,
                        // never stored).
                        for slot in 0..<images {
                            winogradTransformImage(
                                s, grid, image: input + (first + slot) * s.inputImageSize,
                                padded: padded, into: v + slot * tilesPerImage * channels,
                                stride: stored * channels)
                        }
                        for firstPanel in stride(from: 0, to: panelCount, by: span) {
                            let panels = min(span, panelCount - firstPanel)
                            let panelStep = 16 * stored * directNR
                            for xi in 0..<16 {
                                let weights =
                                    packed.pointer
                                    + (xi * panelCount + firstPanel) * channels * directNR
                                let transformed = UnsafePointer(v + xi * stored * channels)
                                for g in stride(from: 0, to: count, by: rows) {
                                    let target = m + (xi * stored + g) * directNR
                                    if panels == 2 {
                                        directTilePair(
                                            depth: channels, taps: TapStride(step: 1),
                                            weights: weights, input: transformed,
                                            starts: starts.pointer + g, into: target,
                                            secondWeights: weights + channels * directNR,
                                            secondTile: target + panelStep, accumulate: false)
                                    } else {
                                        directTile(
                                            rows: rows, depth: channels,
                                            taps: TapStride(step: 1), weights: weights,
                                            input: transformed, starts: starts.pointer + g,
                                            into: target)
                                    }
                                }
                            }
                            for panel in firstPanel..<(firstPanel + panels) {
                                let products = m + (panel - firstPanel) * panelStep
                                // Y = Aᵀ M A for every tile, sixteen channels at a time.
                                let k0 = panel * directNR
                                let lanes = min(directNR, s.outChannels - k0)
                                var shifts = DirectVector()
                                for j in 0..<lanes { shifts[j] = bias?[k0 + j] ?? 0 }
                                for tile in 0..<count {
                                    @inline(__always) func at(_ xi: Int) -> DirectVector {
                                        UnsafeRawPointer(products + (xi * stored + tile) * directNR)
                                            .load(as: DirectVector.self)
                                    }
                                    // Aᵀ M: two rows of four.
                                    var top = (
                                        DirectVector(), DirectVector(), DirectVector(),
                                        DirectVector()
                                    )
                                    var bottom = top
                                    (top.0, bottom.0) = (
                                        at(0) + at(4) + at(8), at(4) - at(8) - at(12)
                                    )
                                    (top.1, bottom.1) = (
                                        at(1) + at(5) + at(9), at(5) - at(9) - at(13)
                                    )
                                    (top.2, bottom.2) = (
                                        at(2) + at(6) + at(10), at(6) - at(10) - at(14)
                                    )
                                    (top.3, bottom.3) = (
                                        at(3) + at(7) + at(11), at(7) - at(11) - at(15)
                                    )
                                    let y = (
                                        top.0 + top.1 + top.2 + shifts,
                                        top.1 - top.2 - top.3 + shifts,
                                        bottom.0 + bottom.1 + bottom.2 + shifts,
                                        bottom.1 - bottom.2 - bottom.3 + shifts
                                    )
                                    // Staged pixel-major, the pixels inside the map.
                                    let block = blocks[tile]
                                    let corner = staged + block.origin * directNR
                                    @inline(__always) func put(
                                        _ i: Int, _ j: Int, _ value: DirectVector
                                    ) {
                                        UnsafeMutableRawPointer(
                                            corner + (i * s.outWidth + j) * directNR
                                        ).storeBytes(of: value, as: DirectVector.self)
                                    }
                                    let (right, below) = (block.right, block.below)
                                    put(0, 0, y.0)
                                    if right { put(0, 1, y.1) }
                                    if below {
                                        put(1, 0, y.2)
                                        if right { put(1, 1, y.3) }
                                    }
                                }
                                // To the channel planes: sixteen pixels at a time through the
                                // register transpose where the panel is full.
                                for slot in 0..<images {
                                    let rows = staged + slot * outputPlane * directNR
                                    let planes =
                                        output + (first + slot) * s.outputImageSize
                                        + k0 * outputPlane
                                    var q = 0
                                    if lanes == directNR {
                                        while q + 16 <= outputPlane {
                                            transpose16(
                                                rows + q * directNR, sourceStride: directNR,
                                                into: planes + q, targetStride: outputPlane)
                                            q += 16
                                        }
                                    }
                                    for j in 0..<lanes {
                                        for p in q..<outputPlane {
                                            planes[j * outputPlane + p] = rows[p * directNR + j]
                                        }
                                    }
                                }
                                if !epilogue.isNone {
                                    for slot in 0..<images {
                                        for j in 0..<lanes {
                                            epilogue.apply(
                                                to: output,
                                                offset: (first + slot) * s.outputImageSize
                                                    + (k0 + j) * outputPlane,
                                                count: outputPlane)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
