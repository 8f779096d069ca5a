// Direct convolution: the GEMM's register tile, fed straight from the zero-padded image.
//
// A convolution is a GEMM whose B operand (the im2col matrix) need not exist: column `g`
// (an output pixel) of row `p = (c, r, s)` (a tap) is the padded input at
// `pixel[g] + tap[p]`, where `pixel[g]` is where the pixel's window starts and
// `tap[p] = c·planeStride + r·rowStride + s`. So this kernel keeps a register tile of
// `directMR` output pixels × `directNR` output channels, and for each tap broadcasts the
// tile's eight input values (read through the two offset tables) against one vector of
// sixteen weights, packed once per call:
//
//     for each panel of 16 output channels
//       for each tile of 8 output pixels (any images of the bundle, any positions)
//         acc[8 × 16] = Σ_p  x[pixel[g] + tap[p]] ⊗ w[p, 16 channels]
//
// Nothing is unfolded or packed per image: the only copy is the padding. The tile comes
// out pixel-major (`[pixel][channel]`) and is transposed into the NCHW output.
//
// The data gradient of a stride-1 convolution is itself a stride-1 convolution: of the
// output gradient, padded by `kernel − 1 − pad`, with the kernel flipped in both directions
// and its in- and out-channels swapped (see `conv2dBackwardDataDirect`), so it runs on the
// same tile. So does the weight gradient, with the roles of the two tables swapped: eight
// taps are the tile's rows and the output pixels are the summed index
// (`conv2dBackwardWeightDirect`).
//
// Every output element is one sum over the taps in order `p = 0, 1, …` with fused
// multiply-adds, whatever tile, panel, bundle or thread computed it: results are
// bit-identical for any thread count.

/// Output pixels per register tile.
let directMR = 8
/// Output channels per register tile: one `DirectVector`.
let directNR = 16
/// One row of the register tile: sixteen output channels of one pixel.
typealias DirectVector = SIMD16<Float>

/// Whether the direct kernel computes this convolution's forward pass: convolutions with a
/// window (the pointwise ones, 1×1, stride 1, unpadded, are a plain GEMM already) and at
/// least 8 output channels (fewer would leave most of the 16 lanes idle).
func usesDirectForward(_ s: Conv2dShape) -> Bool { !s.isPointwise && s.outChannels >= 8 }

/// Whether the data gradient runs as a direct convolution: stride 1 (so that it is a
/// convolution), padding at most `kernel − 1` on each axis, not pointwise, and at least 8
/// input channels (the lanes of this convolution; a one-channel stem would use 1 in 16).
func usesDirectBackwardData(_ s: Conv2dShape) -> Bool {
    !s.isPointwise && s.strideH == 1 && s.strideW == 1 && s.padH < s.kernelH
        && s.padW < s.kernelW && s.inChannels >= 8
}

/// Whether the weight gradient runs on the direct tile: as the forward pass, with at least
/// 32 taps (its tile rows are taps in eights: a one-channel 3×3 stem, 9 taps, would fill 9 of
/// 16 rows, and its unfolded GEMM is faster).
func usesDirectBackwardWeight(_ s: Conv2dShape) -> Bool {
    usesDirectForward(s) && s.columnRows >= 32
}

/// Packs a `[outChannels, depth]` weight matrix, element `(k, p)` given by `value`, into
/// panels of `directNR` output channels: `panel[k / 16][p][k % 16]`, zeros past
/// `outChannels`.
///
/// - panels: `⌈outChannels / 16⌉ · depth · 16` floats
@inline(__always)
func packDirectWeights(
    outChannels: Int, depth: Int, into panels: UnsafeMutablePointer<Float>,
    _ value: (_ k: Int, _ p: Int) -> Float
) {
    let panelCount = (outChannels + directNR - 1) / directNR
    for panel in 0..<panelCount {
        let base = panels + panel * depth * directNR
        for p in 0..<depth {
            for j in 0..<directNR {
                let k = panel * directNR + j
                base[p * directNR + j] = k < outChannels ? value(k, p) : 0
            }
        }
    }
}

/// Forward convolution on the direct tile, with weights already packed by
/// `packDirectWeights` (value `(k, p)` = weight `[k, c, r, s]` with `p = (c·R + r)·S + s`).
///
/// - input: `[batch, inChannels, height, width]`
/// - panels: `⌈outChannels / 16⌉ · inChannels·kernelH·kernelW · 16` floats
/// - bias: `[outChannels]` or nil
/// - output: `[batch, outChannels, outHeight, outWidth]`, overwritten
func conv2dDirect(
    _ s: Conv2dShape, input: UnsafePointer<Float>, panels: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
) {
    let pixels = s.columnCount
    let depth = s.columnRows
    let bundle = imageBundle(pixels: pixels)
    let pad = PaddedImage(shape: s)
    let panelCount = (s.outChannels + directNR - 1) / directNR
    // The taps, and where each pixel of a full bundle starts reading; a tile past the last
    // pixel repeats it. (A short last bundle's tiles read slots that hold older images:
    // allocated memory, computed and never stored.)
    let taps = tapOffsets(s, pad, count: depth)
    let tiles = (bundle * pixels + directMR - 1) / directMR
    let starts = windowStarts(s, pad, images: bundle, count: tiles * directMR)
    let tileCount = tiles * directMR * directNR
    let paddedCount = (bundle * pad.count + 15) / 16 * 16  // keeps the tile 64-byte aligned

    /// Output pixels `pixelRange` (of `images` padded images at `padded`, the first being
    /// batch image `first`), all channels: tiles, then transposed into NCHW.
    func compute(
        first: Int, images: Int, pixelRange: Range<Int>, padded: UnsafePointer<Float>,
        tile: UnsafeMutablePointer<Float>, taps: UnsafePointer<Int>, starts: UnsafePointer<Int>
    ) {
        for panel in 0..<panelCount {
            let weights = panels + panel * depth * directNR
            for g in stride(from: pixelRange.lowerBound, to: pixelRange.upperBound, by: directMR) {
                directTile(
                    depth: depth, taps: taps, weights: weights, input: padded,
                    starts: starts + g, into: tile + g * directNR)
            }
            // [pixel][channel] → NCHW, adding the bias: 16 × 16 blocks in registers where
            // a whole block lies in one image and all 16 channels exist, else one by one.
            let k0 = panel * directNR
            let lanes = min(directNR, s.outChannels - k0)
            var shifts = DirectVector()
            for j in 0..<lanes { shifts[j] = bias?[k0 + j] ?? 0 }
            for slot in 0..<images {
                let slotPixels = (slot * pixels)..<((slot + 1) * pixels)
                let range = slotPixels.clamped(to: pixelRange)
                if range.isEmpty { continue }
                // planes + j·pixels + g: output channel k0 + j at pixel g of this image.
                let planes =
                    output + (first + slot) * s.outputImageSize + k0 * pixels - slot * pixels
                var g = range.lowerBound
                if lanes == directNR {
                    while g + directNR <= range.upperBound {
                        transpose16(
                            tile + g * directNR, sourceStride: directNR, into: planes + g,
                            targetStride: pixels, shifts: shifts)
                        g += directNR
                    }
                }
                for j in 0..<lanes {
                    let plane = planes + j * pixels
                    for q in g..<range.upperBound {
                        plane[q] = tile[q * directNR + j] + shifts[j]
                    }
                }
            }
        }
    }

    taps.withUnsafeBufferPointer { taps in
        starts.withUnsafeBufferPointer { starts in
            let taps = SendablePointer(taps.baseAddress!)
            let starts = SendablePointer(starts.baseAddress!)
            if s.batch >= Parallel.threadCount {
                // Whole bundles per thread.
                Parallel.forChunks(s.batch) { chunk in
                    ScratchBuffers.with(count: paddedCount + tileCount) { scratch in
                        for first in stride(
                            from: chunk.lowerBound, to: chunk.upperBound, by: bundle)
                        {
                            let images = min(bundle, chunk.upperBound - first)
                            padImages(
                                pad, input: input, first: first, images: images, into: scratch)
                            compute(
                                first: first, images: images, pixelRange: 0..<(images * pixels),
                                padded: scratch, tile: scratch + paddedCount,
                                taps: taps.pointer, starts: starts.pointer)
                        }
                    }
                }
            } else {
                // Fewer images than threads: pad each bundle, then split its tiles.
                ScratchBuffers.with(count: paddedCount + tileCount) { scratch in
                    let shared = SendablePointer(scratch)
                    for first in stride(from: 0, to: s.batch, by: bundle) {
                        let images = min(bundle, s.batch - first)
                        padImages(
                            pad, input: input, first: first, images: images, into: scratch)
                        let count = images * pixels
                        let tileRows = (count + directMR - 1) / directMR
                        Parallel.forChunks(tileRows) { rows in
                            let end = min(count, rows.upperBound * directMR)
                            let pixelRange = (rows.lowerBound * directMR)..<end
                            compute(
                                first: first, images: images, pixelRange: pixelRange,
                                padded: shared.pointer, tile: shared.pointer + paddedCount,
                                taps: taps.pointer, starts: starts.pointer)
                        }
                    }
                }
            }
        }
    }
}

/// `tap[p]` for `p = (c·R + r)·S + t`: where tap (c, r, t) sits relative to a window's
/// start in a padded image, `c·planeStride + r·rowStride + t`; `count` entries, those past
/// the last tap repeating it.
private func tapOffsets(_ s: Conv2dShape, _ pad: PaddedImage, count: Int) -> [Int] {
    var taps = [Int](repeating: 0, count: count)
    for c in 0..<s.inChannels {
        for r in 0..<s.kernelH {
            for t in 0..<s.kernelW {
                taps[(c * s.kernelH + r) * s.kernelW + t] =
                    c * pad.planeStride + r * pad.rowStride + t
            }
        }
    }
    for p in s.columnRows..<count { taps[p] = taps[s.columnRows - 1] }
    return taps
}

/// `start[g]` for output pixel g of a bundle of `images` padded images (stored `pad.count`
/// apart): where its window begins; `count` entries, those past the last pixel repeating it.
private func windowStarts(_ s: Conv2dShape, _ pad: PaddedImage, images: Int, count: Int)
    -> [Int]
{
    let pixels = s.columnCount
    var starts = [Int](repeating: 0, count: count)
    for g in 0..<images * pixels {
        let (slot, pixel) = g.quotientAndRemainder(dividingBy: pixels)
        let (oh, ow) = pixel.quotientAndRemainder(dividingBy: s.outWidth)
        starts[g] = slot * pad.count + oh * s.strideH * pad.rowStride + ow * s.strideW
    }
    for g in (images * pixels)..<count { starts[g] = starts[images * pixels - 1] }
    return starts
}

/// One register tile: eight pixels (window starts `starts[0..<8]` in `input`) × sixteen
/// output channels, summed over `depth` taps; written pixel-major to `tile[8][16]` (added to
/// what is there when `accumulate`).
///
/// The same tile computes the weight gradient with the two offset tables' roles swapped:
/// eight taps as the rows, the output pixels as the summed index (see
/// `conv2dBackwardWeightDirect`).
@inline(__always)
private func directTile(
    depth: Int, taps: UnsafePointer<Int>, weights: UnsafePointer<Float>,
    input: UnsafePointer<Float>, starts: UnsafePointer<Int>, into tile: UnsafeMutablePointer<Float>,
    accumulate: Bool = false
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

/// Forward convolution through the direct tile: packs the weights, then `conv2dDirect`.
func conv2dForwardDirect(
    _ s: Conv2dShape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
) {
    let depth = s.columnRows
    let panelCount = (s.outChannels + directNR - 1) / directNR
    ScratchBuffers.with(count: panelCount * depth * directNR) { panels in
        packDirectWeights(outChannels: s.outChannels, depth: depth, into: panels) { k, p in
            weight[k * depth + p]
        }
        conv2dDirect(s, input: input, panels: panels, bias: bias, output: output)
    }
}

/// The data gradient of a stride-1 convolution as a direct convolution:
///
///     gradInput[c, i, j] = Σ_{k, r, t} gradOutputₚ[k, i + r, j + t] · w[k, c, R−1−r, S−1−t]
///
/// where `gradOutputₚ` is the output gradient zero-padded by `R − 1 − padH` rows and
/// `S − 1 − padW` columns: a convolution from `outChannels` to `inChannels` channels with
/// the kernel flipped. Needs `usesDirectBackwardData(s)`.
func conv2dBackwardDataDirect(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>
) {
    let (taps, r, t) = (s.kernelH * s.kernelW, s.kernelH, s.kernelW)
    let transposed = try! Conv2dShape(
        batch: s.batch, inChannels: s.outChannels, height: s.outHeight, width: s.outWidth,
        outChannels: s.inChannels, kernelH: r, kernelW: t, padH: r - 1 - s.padH,
        padW: t - 1 - s.padW)
    let depth = transposed.columnRows
    let panelCount = (s.inChannels + directNR - 1) / directNR
    ScratchBuffers.with(count: panelCount * depth * directNR) { panels in
        // Value (c, p) with p = (k·R + r')·S + t' is w[k, c, R−1−r', S−1−t'].
        packDirectWeights(outChannels: s.inChannels, depth: depth, into: panels) { c, p in
            let (k, tap) = p.quotientAndRemainder(dividingBy: taps)
            let (row, column) = tap.quotientAndRemainder(dividingBy: t)
            return weight[(k * s.inChannels + c) * taps + (r - 1 - row) * t + (t - 1 - column)]
        }
        conv2dDirect(transposed, input: gradOutput, panels: panels, bias: nil, output: gradInput)
    }
}

/// The weight gradient on the direct tile:
///
///     gradWeight[k, p] = Σₙ Σ_g gradOutput[n, k, g] · xₙ[start(g) + tap(p)]
///
/// a tile of eight taps × sixteen output channels, summed over output pixels: for each
/// pixel it broadcasts the eight taps' input values against the sixteen channels' output
/// gradients (transposed pixel-major beforehand). As in `conv2dBackwardWeight`, the batch is
/// cut into `weightGradientGroupCount` groups, each summed in image order (a bundle of
/// small images as one run of pixels) into its own partial, and the partials are added in
/// group order: the bits do not depend on the thread count.
func conv2dBackwardWeightDirect(
    _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>
) {
    let pixels = s.columnCount
    let depth = s.columnRows
    let bundle = imageBundle(pixels: pixels)
    let pad = PaddedImage(shape: s)
    let panelCount = (s.outChannels + directNR - 1) / directNR
    let tapTiles = (depth + directMR - 1) / directMR
    let groups = weightGradientGroupCount(batch: s.batch)
    // Eight taps per tile (the last tile repeats the last tap); pixel window starts.
    let taps = tapOffsets(s, pad, count: tapTiles * directMR)
    let starts = windowStarts(s, pad, images: bundle, count: bundle * pixels)
    // partial[group][panel][tap][16]
    let partialCount = panelCount * tapTiles * directMR * directNR
    let paddedCount = (bundle * pad.count + 15) / 16 * 16
    let gradientsCount = panelCount * bundle * pixels * directNR
    taps.withUnsafeBufferPointer { taps in
        starts.withUnsafeBufferPointer { starts in
            let taps = SendablePointer(taps.baseAddress!)
            let starts = SendablePointer(starts.baseAddress!)
            ScratchBuffers.with(count: groups * partialCount) { partials in
                // Groups spread over the threads; with fewer groups (images) than threads,
                // the groups run in turn and each one's tiles are split instead.
                let splitTiles = groups < Parallel.threadCount
                Parallel.forChunks(splitTiles ? 1 : groups) { groupRange in
                    ScratchBuffers.with(count: paddedCount + gradientsCount) { scratch in
                        let padded = scratch
                        let gradients = scratch + paddedCount
                        for group in splitTiles ? 0..<groups : groupRange {
                            let partial = partials + group * partialCount
                            let first = s.batch * group / groups
                            let end = s.batch * (group + 1) / groups
                            for start in Swift.stride(from: first, to: end, by: bundle) {
                                let images = min(bundle, end - start)
                                let count = images * pixels
                                padImages(
                                    pad, input: input, first: start, images: images,
                                    into: padded)
                                // gradients[panel][g][16] = gradOutput[image, k, pixel]
                                transposeGradients(
                                    s, gradOutput: gradOutput + start * s.outputImageSize,
                                    images: images, into: gradients)
                                func tiles(_ range: Range<Int>) {
                                    for index in range {
                                        let (panel, tile) = index.quotientAndRemainder(
                                            dividingBy: tapTiles)
                                        directTile(
                                            depth: count, taps: starts.pointer,
                                            weights: gradients + panel * count * directNR,
                                            input: padded,
                                            starts: taps.pointer + tile * directMR,
                                            into: partial + index * directMR * directNR,
                                            accumulate: start != first)
                                    }
                                }
                                if splitTiles {
                                    Parallel.forChunks(panelCount * tapTiles, tiles)
                                } else {
                                    tiles(0..<(panelCount * tapTiles))
                                }
                            }
                        }
                    }
                }
                // Add the partials in group order and transpose to [k, p].
                Parallel.forChunks(s.outChannels) { channels in
                    for k in channels {
                        let (panel, lane) = k.quotientAndRemainder(dividingBy: directNR)
                        for p in 0..<depth {
                            let index = (panel * tapTiles * directMR + p) * directNR + lane
                            var sum = partials[index]
                            for group in 1..<groups {
                                sum += partials[group * partialCount + index]
                            }
                            gradWeight[k * depth + p] = sum
                        }
                    }
                }
            }
        }
    }
}

/// The output gradients of `images` consecutive images, pixel-major in panels of sixteen
/// channels: `gradients[panel][slot · pixels + q][j] = gradOutput[slot, 16·panel + j, q]`,
/// zero past the last channel.
private func transposeGradients(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, images: Int,
    into gradients: UnsafeMutablePointer<Float>
) {
    let pixels = s.columnCount
    let count = images * pixels
    let panelCount = (s.outChannels + directNR - 1) / directNR
    for panel in 0..<panelCount {
        let target = gradients + panel * count * directNR
        let k0 = panel * directNR
        let lanes = min(directNR, s.outChannels - k0)
        for slot in 0..<images {
            let planes = gradOutput + slot * s.outputImageSize + k0 * pixels
            let rows = target + slot * pixels * directNR
            var q = 0
            if lanes == directNR {
                while q + directNR <= pixels {
                    transpose16(
                        planes + q, sourceStride: pixels, into: rows + q * directNR,
                        targetStride: directNR)
                    q += directNR
                }
            }
            for j in 0..<directNR {
                for p in q..<pixels {
                    rows[p * directNR + j] = j < lanes ? planes[j * pixels + p] : 0
                }
            }
        }
    }
}

/// Transposes a 16 × 16 block: `target[j · targetStride + i] = source[i · sourceStride + j]
/// + shifts[j]` for i, j in 0..<16 (any alignment).
///
/// Four rounds of "unzip" (pair up rows, split each pair into its even and odd lanes) move
/// one bit of the lane index into the row index per round; after four, row j holds lane j
/// of every row. Sixteen named vectors, so they stay in registers.
@inline(__always)
func transpose16(
    _ source: UnsafePointer<Float>, sourceStride: Int, into target: UnsafeMutablePointer<Float>,
    targetStride: Int, shifts: DirectVector = DirectVector()
) {
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
