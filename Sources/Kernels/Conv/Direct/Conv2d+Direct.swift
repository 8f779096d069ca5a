// Direct convolution: the GEMM's register tile, fed straight from the zero-padded image.
//
// A convolution is a GEMM whose B operand (the im2col matrix) need not exist: column `g`
// (an output pixel) of row `p = (c, r, s)` (a tap) is the padded input at
// `pixel[g] + tap[p]`, where `pixel[g]` is where the pixel's window starts and
// `tap[p] = c·planeStride + r·rowStride + s`. So this kernel keeps a register tile of
// a few output pixels (8 with AVX-512, 6 with AVX2, 4 otherwise: `DirectTiles.swift`) ×
// `directNR` output channels, and for each tap broadcasts the tile's input values (read
// through the two offset tables) against one vector of sixteen weights, packed once per
// call:
//
//     for each panel of 16 output channels
//       for each tile of 8 output pixels (any images of the bundle, any positions)
//         acc[8 × 16] = Σ_p  x[pixel[g] + tap[p]] ⊗ w[p, 16 channels]
//
// With AVX-512 the tile takes two panels at once where there are two (`directTilePair`, as
// Winograd's products do): each broadcast input value then feeds two fused multiply-adds, 11
// loads per 16 (a tap offset from the table, two weight vectors, eight broadcasts) instead of
// 10 per 8, the same sums in the same order.
//
// Nothing is unfolded or packed per image: the only copy is the padding. The tile comes
// out pixel-major (`[pixel][channel]`) and is transposed into the NCHW output.
//
// The data gradient of a stride-1 convolution is itself a stride-1 convolution: of the
// output gradient, padded by `kernel − 1 − pad`, with the kernel flipped in both directions
// and its in- and out-channels swapped (see `conv2dBackwardDataDirect`), so it runs on the
// same tile. So does the weight gradient, with the roles of the two tables swapped: taps
// are the tile's rows (8, 6 or 4 of them, `InstructionSet.directRows`) and the output
// pixels are the summed index
// (`conv2dBackwardWeightDirect`).
//
// Every output element is one sum over the taps in order `p = 0, 1, …` with fused
// multiply-adds, whatever tile, panel, bundle or thread computed it: results are
// bit-identical for any thread count.

/// One row of the register tile: sixteen output channels of one pixel.
typealias DirectVector = SIMD16<Float>
/// Output channels per register tile, the lanes of one `DirectVector`: the width every
/// panel, transpose and staging array of the direct and Winograd kernels is counted in.
/// (The pixels per tile, its rows, depend on the instruction set:
/// `InstructionSet.directRows`, `DirectTiles.swift`.)
let directNR = 16  // DirectVector.scalarCount, as a literal the optimiser folds

/// Whether the direct kernel computes this convolution's forward pass: convolutions with a
/// window (the pointwise ones, 1×1, stride 1, unpadded, are a plain GEMM already) and at
/// least 8 output channels (fewer would leave most of the 16 lanes idle).
func usesDirectForward(_ s: Conv2dShape) -> Bool { !s.isPointwise && s.outChannels >= 8 }

/// Whether the data gradient runs on the direct tile: if strided, phase by phase
/// (`usesDirectStridedBackwardData`); else with padding below the kernel, not pointwise, and
/// 8 or more input channels, the lanes of this convolution (a one-channel stem would use 1).
func usesDirectBackwardData(_ s: Conv2dShape) -> Bool {
    if s.strideH > 1 || s.strideW > 1 { return usesDirectStridedBackwardData(s) }
    return !s.isPointwise && s.padH < s.kernelH && s.padW < s.kernelW && s.inChannels >= 8
}

/// Whether the weight gradient runs on the direct tile: as the forward pass, with at least
/// 32 taps (its tile rows are taps: a one-channel 3×3 stem has only 9 of them, a tile and a
/// half, and its unfolded GEMM is faster).
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

/// What a direct convolution (the forward pass or the weight gradient) works in: bundles of
/// up to `bundle` images zero-padded one after another (`imageBundle`: small images run
/// together as one stream of pixels), register tiles of `rows` pixels or taps, and panels of
/// `directNR` output channels.
struct DirectLayout {
    let shape: Conv2dShape
    let pad: PaddedImage
    /// Output pixels per image (`columnCount`).
    let pixels: Int
    /// Taps per output (`columnRows`: inChannels · kernelH · kernelW).
    let depth: Int
    let bundle: Int
    let panelCount: Int
    /// The register tile's rows (`InstructionSet.directRows`).
    let rows: Int
    /// Floats for one bundle of padded images, in whole cache lines so that the array after
    /// it in scratch stays aligned.
    let paddedCount: Int

    init(_ s: Conv2dShape) {
        shape = s
        pad = PaddedImage(shape: s)
        pixels = s.columnCount
        depth = s.columnRows
        bundle = imageBundle(pixels: pixels)
        panelCount = (s.outChannels + directNR - 1) / directNR
        rows = InstructionSet.tiles.directRows
        paddedCount = roundedUpToCacheLine(bundle * pad.count)
    }
}

/// The forward pass's tables and scratch, decided once per call: the taps, where each pixel
/// of a full bundle starts reading (a tile past the last pixel repeats it; a short last
/// bundle's tiles read slots that hold older images: allocated memory, computed and never
/// stored), how many panels the tile takes at once, and per thread the padded bundle
/// followed by the tiles' outputs of those panels, `tile[panel][pixel][directNR]`.
struct DirectForwardPlan {
    let layout: DirectLayout
    let taps: [Int]
    let starts: [Int]
    /// Panels per pass of the tile: 2 with AVX-512 (`directTilePair`), else 1.
    let span: Int
    let padded: Int
    let tile: Int
    /// Floats of one panel's tiles in `tile`.
    let tileStep: Int
    let scratchCount: Int

    init(_ s: Conv2dShape) {
        layout = DirectLayout(s)
        let (pixels, rows) = (layout.pixels, layout.rows)
        let tiles = (layout.bundle * pixels + rows - 1) / rows
        taps = tapOffsets(s, layout.pad, count: layout.depth)
        starts = windowStarts(s, layout.pad, images: layout.bundle, count: tiles * rows)
        span = min(InstructionSet.tiles.tilePanels, layout.panelCount)
        tileStep = tiles * rows * directNR
        var scratch = ScratchLayout()
        padded = scratch.reserve(layout.paddedCount)
        tile = scratch.reserve(span * tileStep)
        scratchCount = scratch.count
    }
}

/// Forward convolution on the direct tile, with weights already packed by
/// `packDirectWeights` (value `(k, p)` = weight `[k, c, r, s]` with `p = (c·R + r)·S + s`):
/// each bundle of images padded, then its pixels' tiles computed and returned to NCHW.
///
/// - input: `[batch, inChannels, height, width]`
/// - panels: `⌈outChannels / 16⌉ · inChannels·kernelH·kernelW · 16` floats
/// - bias: `[outChannels]` or nil
/// - output: `[batch, outChannels, outHeight, outWidth]`, overwritten
/// - epilogue: applied to each block of outputs right after it is written
func conv2dDirect(
    _ s: Conv2dShape, input: UnsafePointer<Float>, panels: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
    epilogue: Conv2dEpilogue = .none
) {
    let plan = DirectForwardPlan(s)
    let (bundle, pixels, rows) = (plan.layout.bundle, plan.layout.pixels, plan.layout.rows)
    plan.taps.withUnsafeBufferPointer { taps in
        plan.starts.withUnsafeBufferPointer { starts in
            let tables = DirectTables(taps: taps.baseAddress!, starts: starts.baseAddress!)
            /// Output pixels `pixelRange` of the bundle of `images` from batch image `first`,
            /// padded in `scratch`: the tiles of one or two panels at a time (`plan.span`), then
            /// each of those panels back to NCHW.
            func compute(
                first: Int, images: Int, pixelRange: Range<Int>,
                scratch: UnsafeMutablePointer<Float>
            ) {
                let (padded, tile) = (scratch + plan.padded, scratch + plan.tile)
                let panelCount = plan.layout.panelCount
                for firstPanel in stride(from: 0, to: panelCount, by: plan.span) {
                    let chosen = firstPanel..<min(firstPanel + plan.span, panelCount)
                    directForwardTiles(
                        plan.layout, panels: chosen, pixelRange: pixelRange, tables: tables,
                        weights: panels, padded: padded, into: tile, tileStep: plan.tileStep)
                    for panel in chosen {
                        directReturnOutputs(
                            channels: s.outChannels, pixels: pixels, panel: panel,
                            tile: tile + (panel - firstPanel) * plan.tileStep, first: first,
                            images: images, pixelRange: pixelRange, bias: bias, output: output,
                            epilogue: epilogue)
                    }
                }
            }
            // listing: direct-threads
            if s.batch >= Parallel.threadCount {
                // Whole bundles per thread.
                Parallel.forChunks(s.batch) { chunk in
                    ScratchBuffers.with(count: plan.scratchCount) { scratch in
                        for first in stride(
                            from: chunk.lowerBound, to: chunk.upperBound, by: bundle)
                        {
                            let images = min(bundle, chunk.upperBound - first)
                            padImages(
                                plan.layout.pad, input: input, first: first, images: images,
                                into: scratch + plan.padded)
                            compute(
                                first: first, images: images, pixelRange: 0..<(images * pixels),
                                scratch: scratch)
                        }
                    }
                }
            } else {
                // Fewer images than threads: pad each bundle, then split its tiles.
                ScratchBuffers.with(count: plan.scratchCount) { scratch in
                    let shared = SendablePointer(scratch)
                    for first in stride(from: 0, to: s.batch, by: bundle) {
                        let images = min(bundle, s.batch - first)
                        padImages(
                            plan.layout.pad, input: input, first: first, images: images,
                            into: scratch + plan.padded)
                        let count = images * pixels
                        Parallel.forChunks((count + rows - 1) / rows) { tiles in
                            let end = min(count, tiles.upperBound * rows)
                            let pixelRange = (tiles.lowerBound * rows)..<end
                            compute(
                                first: first, images: images, pixelRange: pixelRange,
                                scratch: shared.pointer)
                        }
                    }
                }
            }
            // listing-end: direct-threads
        }
    }
}

/// The direct convolution's two offset tables, shareable between threads (read only).
struct DirectTables: @unchecked Sendable {
    /// `tap[p]`: where tap p sits relative to a window's start (`tapOffsets`).
    let taps: UnsafePointer<Int>
    /// `start[g]`: where output pixel g's window starts in the padded bundle (`windowStarts`).
    let starts: UnsafePointer<Int>
}

/// The register tiles of one or two panels (`directTilePanels`) over `pixelRange`:
/// `tile[i · tileStep + g · 16 + j]` = output channel `directNR · (panels.lowerBound + i) + j`
/// at pixel g of the bundle (no bias yet). Two panels share each broadcast input value.
@inline(__always)
func directForwardTiles(
    _ layout: DirectLayout, panels: Range<Int>, pixelRange: Range<Int>, tables: DirectTables,
    weights: UnsafePointer<Float>, padded: UnsafePointer<Float>,
    into tile: UnsafeMutablePointer<Float>, tileStep: Int
) {
    let (depth, rows) = (layout.depth, layout.rows)
    let first = weights + panels.lowerBound * depth * directNR
    for g in stride(from: pixelRange.lowerBound, to: pixelRange.upperBound, by: rows) {
        directTilePanels(
            panels: panels.count, rows: rows, depth: depth, taps: TapTable(offsets: tables.taps),
            weights: first, weightStep: depth * directNR, input: padded,
            starts: TapTable(offsets: tables.starts + g), into: tile + g * directNR,
            tileStep: tileStep)
    }
}

/// One panel's tiles, `[pixel][channel]`, back to the NCHW output with the bias added:
/// 16 × 16 blocks through the register transpose where a whole block lies in one image and
/// the panel is full, else one by one; then the epilogue over what was written.
@inline(__always)
func directReturnOutputs(
    channels: Int, pixels: Int, panel: Int, tile: UnsafePointer<Float>, first: Int, images: Int,
    pixelRange: Range<Int>, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
    epilogue: Conv2dEpilogue
) {
    let imageSize = channels * pixels
    let k0 = panel * directNR
    let lanes = min(directNR, channels - k0)
    var shifts = DirectVector()
    for j in 0..<lanes { shifts[j] = bias?[k0 + j] ?? 0 }
    for slot in 0..<images {
        let range = ((slot * pixels)..<((slot + 1) * pixels)).clamped(to: pixelRange)
        if range.isEmpty { continue }
        // planes + j·pixels + g: output channel k0 + j at pixel g of this image.
        let planes = output + (first + slot) * imageSize + k0 * pixels - slot * pixels
        var g = range.lowerBound
        if lanes == directNR {
            while g + directNR <= range.upperBound {
                prefetchPlanes(
                    planes + g, stride: pixels, remaining: range.upperBound - g,
                    forWriting: true)
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
        if !epilogue.isNone {
            for j in 0..<lanes {
                epilogue.apply(
                    to: output,
                    offset: (first + slot) * imageSize + (k0 + j) * pixels
                        + range.lowerBound - slot * pixels, count: range.count)
            }
        }
    }
}

/// `tap[p]` for `p = (c·R + r)·S + t`: where tap (c, r, t) sits relative to a window's
/// start in a padded image, `c·planeStride + r·rowStride + t`; `count` entries, those past
/// the last tap repeating it.
func tapOffsets(_ s: Conv2dShape, _ pad: PaddedImage, count: Int) -> [Int] {
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
func windowStarts(_ s: Conv2dShape, _ pad: PaddedImage, images: Int, count: Int)
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

/// Forward convolution through the direct tile: packs the weights, then `conv2dDirect`.
///
/// The same contract as
/// ``conv2dForward(_:input:weight:bias:output:epilogue:inputNormalization:prepared:)``,
/// which calls it for shapes that are not pointwise and have at least 8 output channels
/// (unless Winograd takes them); tests and lessons 02 and 12 call it directly.
///
/// - input: `[batch, inChannels, height, width]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - bias: `[outChannels]` or nil
/// - output: `[batch, outChannels, outHeight, outWidth]`, overwritten
/// - epilogue: a residual to add and a ReLU, applied after the bias (inference)
public func conv2dForwardDirect(
    _ s: Conv2dShape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
    epilogue: Conv2dEpilogue = .none
) {
    let depth = s.columnRows
    let panelCount = (s.outChannels + directNR - 1) / directNR
    ScratchBuffers.with(count: panelCount * depth * directNR) { panels in
        packDirectWeights(outChannels: s.outChannels, depth: depth, into: panels) { k, p in
            weight[k * depth + p]
        }
        conv2dDirect(
            s, input: input, panels: panels, bias: bias, output: output, epilogue: epilogue)
    }
}
