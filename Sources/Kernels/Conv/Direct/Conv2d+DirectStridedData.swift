// The data gradient of a strided convolution on the direct tile.
//
// With stride 2 the input pixels fall into four phases (even or odd row, even or odd column),
// and each phase is reached by taps of its own: with a 3×3 kernel and padding 1, an even row
// only by the kernel's middle row, an odd row by its first and last. Within one phase,
// neighbouring pixels read neighbouring output-gradient pixels, so a phase is a stride-1
// correlation of the output gradient with its taps, and the tile computes it: its rows are a
// phase's pixels (of any images of a bundle), its lanes sixteen input channels, and for each
// tap it sums over the output channels:
//
//     for each panel of 16 input channels, each phase, each tile of 8 of its pixels
//       for each tap (r, t) of the phase, in order
//         acc[8 × 16] += Σ_k dy[k, pixel + d(r, t)] ⊗ w[k, 16 channels, r, t]
//
// Same bits as the GEMM and col2im it replaced (the unfolded path of `conv2dBackwardData`).
// There the GEMM makes column (c, r, t) of a pixel one chain of fused multiply-adds over the
// output channels k, in order from zero, and col2im adds the columns into a zeroed padded
// image in (r, t) order. Here each tap's sum is a fresh chain over k in the same order
// (`accumulate` of the tile: the chain, then the total so far added to it), added in the same
// tap order. Nor does a zero's sign: a chain ends at −0 only when its products underflow,
// where the GEMM stores +0 (its chain plus +0); a zero's sign changes no sum that is not
// zero, and the return to channel planes adds +0 (in place of a bias), which makes every
// zero result +0, as col2im's zeroed image does. That +0 is needed: a return that skipped
// it would give −0 where GEMM and col2im give +0 (a test makes the products underflow). A
// tap whose output pixel falls outside the output gradient reads the padding's zeros, a
// chain of +0 added to the total: no change for finite weights (col2im never added it). The
// GEMM cuts sums over more than `gemmKC` output channels into slices; this path is only
// taken below that.

/// Whether the data gradient of a strided convolution runs on the direct tile: stride above 1
/// on either axis, at least 8 input channels (the tile's lanes here), and at most `gemmKC`
/// output channels (one GEMM depth slice: the sums whose bits this path keeps).
func usesDirectStridedBackwardData(_ s: Conv2dShape) -> Bool {
    (s.strideH > 1 || s.strideW > 1) && s.inChannels >= 8 && s.outChannels <= gemmKC
}

/// One phase of a strided data gradient: the input pixels `(rowPhase + strideH · i,
/// columnPhase + strideW · j)` and the taps that reach them.
struct StridedDataPhase {
    /// Rows and columns of this phase in one image.
    let height: Int
    let width: Int
    /// The taps that reach the phase, in col2im's order: `r · kernelW + t`.
    let taps: [Int]
    /// Each tap's offset from a pixel's window start in the padded output gradient.
    let offsets: [Int]
    /// Per pixel of a bundle (rounded up to whole tiles, the last repeated): where its window
    /// starts in the padded output gradient.
    let starts: [Int]
    /// Per pixel of a bundle: its index among the bundle's input pixels, `slot · H · W + ih ·
    /// W + iw`.
    let targets: [Int]
}

/// The phases, tables and scratch of a strided data gradient, decided once per call.
struct StridedDataPlan {
    let shape: Conv2dShape
    /// The output gradient, padded so that every tap of every phase reads inside it.
    let pad: PaddedImage
    let bundle: Int
    let rows: Int
    let panelCount: Int
    /// Panels per pass of the tile: 2 with AVX-512 where there are two, else 1.
    let span: Int
    let phases: [StridedDataPhase]
    /// Per thread: the padded bundle, then the gradient channel-last, `[span][bundle · H · W][16]`,
    /// then one tile's rows, `[span][rows][16]`.
    let padded: Int
    let gathered: Int
    let gatheredStep: Int
    let tile: Int
    let scratchCount: Int

    init(_ s: Conv2dShape) {
        shape = s
        rows = InstructionSet.tiles.directRows
        panelCount = (s.inChannels + directNR - 1) / directNR
        span = min(InstructionSet.tiles.tilePanels, panelCount)
        let pixels = s.height * s.width
        bundle = imageBundle(pixels: pixels)
        let (rowPhases, padRows) = stridedAxisPhases(
            size: s.height, outSize: s.outHeight, stride: s.strideH, pad: s.padH,
            kernel: s.kernelH)
        let (columnPhases, padColumns) = stridedAxisPhases(
            size: s.width, outSize: s.outWidth, stride: s.strideW, pad: s.padW, kernel: s.kernelW)
        // The output gradient as the input of a convolution, padded; only its padding is used.
        pad = PaddedImage(
            shape: try! Conv2dShape(
                batch: s.batch, inChannels: s.outChannels, height: s.outHeight,
                width: s.outWidth, outChannels: s.inChannels, kernelH: 1, kernelW: 1,
                padH: padRows, padW: padColumns))
        var phases: [StridedDataPhase] = []
        for (a, rowPhase) in rowPhases.enumerated() {
            for (b, columnPhase) in columnPhases.enumerated() {
                var taps: [Int] = []
                var offsets: [Int] = []
                for (r, dr) in rowPhase.reach {
                    for (t, dt) in columnPhase.reach {
                        taps.append(r * s.kernelW + t)
                        offsets.append(dr * pad.rowStride + dt)
                    }
                }
                let (height, width) = (rowPhase.count, columnPhase.count)
                let count = bundle * height * width
                let tiles = (count + rows - 1) / rows
                var starts = [Int](repeating: 0, count: tiles * rows)
                var targets = [Int](repeating: 0, count: count)
                for g in 0..<count {
                    let (slot, pixel) = g.quotientAndRemainder(dividingBy: height * width)
                    let (i, j) = pixel.quotientAndRemainder(dividingBy: width)
                    starts[g] =
                        slot * pad.count + (i + padRows) * pad.rowStride + j + padColumns
                    targets[g] =
                        slot * pixels + (a + s.strideH * i) * s.width + b + s.strideW * j
                }
                for g in count..<(tiles * rows) { starts[g] = starts[count - 1] }
                phases.append(
                    StridedDataPhase(
                        height: height, width: width, taps: taps, offsets: offsets,
                        starts: starts, targets: targets))
            }
        }
        self.phases = phases
        gatheredStep = bundle * pixels * directNR
        var scratch = ScratchLayout()
        padded = scratch.reserve(roundedUpToCacheLine(bundle * pad.count))
        gathered = scratch.reserve(span * gatheredStep)
        tile = scratch.reserve(span * rows * directNR)
        scratchCount = scratch.count
    }
}

/// One axis of a strided data gradient (rows or columns): for each phase p (the pixels p,
/// p + stride, …; none past the image), how many pixels it has and the taps that reach it, each
/// with its shift (pixel i of the phase reads output index i + shift: tap r reaches phase p
/// where p + pad − r divides by the stride); and the padding of the output gradient on this
/// axis that keeps every read inside it.
private func stridedAxisPhases(size: Int, outSize: Int, stride: Int, pad: Int, kernel: Int)
    -> (phases: [(count: Int, reach: [(tap: Int, shift: Int)])], padding: Int)
{
    var padding = 0
    let phases = (0..<min(stride, size)).map { p in
        let count = (size - p + stride - 1) / stride
        let reach = (0..<kernel).compactMap { r -> (tap: Int, shift: Int)? in
            let d = p + pad - r
            return d % stride == 0 ? (r, d / stride) : nil
        }
        for (_, shift) in reach {
            // The first pixel reads index `shift`, the last `count − 1 + shift`.
            padding = max(padding, -shift, count - 1 + shift - (outSize - 1))
        }
        return (count, reach)
    }
    return (phases, padding)
}

/// The data gradient of a strided convolution on the direct tile, phase by phase (see the top
/// of this file): the same bits as GEMM and col2im. Needs `usesDirectStridedBackwardData(s)`.
///
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - gradInput: `[batch, inChannels, height, width]`, overwritten
/// - epilogue: applied to each bundle's gradient once it is written
func conv2dBackwardDataStrided(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>, epilogue: Conv2dEpilogue = .none
) {
    let plan = StridedDataPlan(s)
    let taps = s.kernelH * s.kernelW
    let depth = s.outChannels
    let pixels = s.height * s.width
    // packed[tap][panel][k][16] = w[k, 16·panel + j, tap]
    let tapStep = plan.panelCount * depth * directNR
    ScratchBuffers.with(count: taps * tapStep) { packed in
        for tap in 0..<taps {
            packDirectWeights(outChannels: s.inChannels, depth: depth, into: packed + tap * tapStep)
            { c, k in
                weight[(k * s.inChannels + c) * taps + tap]
            }
        }
        let weights = SendablePointer(UnsafePointer(packed))
        /// Tiles `range` of the bundle's phases (numbered phase by phase, panels `chosen`),
        /// padded in `scratch`, into the channel-last gradient there.
        func compute(
            _ range: Range<Int>, images: Int, panels chosen: Range<Int>,
            scratch: UnsafeMutablePointer<Float>, tile: UnsafeMutablePointer<Float>
        ) {
            var firstTile = 0
            for phase in plan.phases {
                let count = images * phase.height * phase.width
                let tiles = (count + plan.rows - 1) / plan.rows
                let mine = range.clamped(to: firstTile..<(firstTile + tiles))
                defer { firstTile += tiles }
                if mine.isEmpty { continue }
                phase.starts.withUnsafeBufferPointer { starts in
                    for tileIndex in mine {
                        let g = (tileIndex - firstTile) * plan.rows
                        stridedDataTile(
                            plan, phase: phase, panels: chosen, weights: weights.pointer,
                            tapStep: tapStep, padded: scratch + plan.padded,
                            starts: starts.baseAddress! + g, into: tile)
                        for row in 0..<min(plan.rows, count - g) {
                            let target = phase.targets[g + row] * directNR
                            for slot in 0..<chosen.count {
                                let source = tile + (slot * plan.rows + row) * directNR
                                let gathered = scratch + plan.gathered + slot * plan.gatheredStep
                                UnsafeMutableRawPointer(gathered + target).storeBytes(
                                    of: UnsafeRawPointer(source).load(as: DirectVector.self),
                                    as: DirectVector.self)
                            }
                        }
                    }
                }
            }
        }
        func tileCount(images: Int) -> Int {
            plan.phases.reduce(0) {
                $0 + (images * $1.height * $1.width + plan.rows - 1) / plan.rows
            }
        }
        /// The bundle's gradient, channel-last in `scratch`, back to channel planes.
        func returnGradient(
            first: Int, images: Int, panels chosen: Range<Int>,
            scratch: UnsafeMutablePointer<Float>
        ) {
            for panel in chosen {
                directReturnOutputs(
                    channels: s.inChannels, pixels: pixels, panel: panel,
                    tile: scratch + plan.gathered + (panel - chosen.lowerBound) * plan.gatheredStep,
                    first: first, images: images, pixelRange: 0..<(images * pixels), bias: nil,
                    output: gradInput, epilogue: epilogue)
            }
        }
        if s.batch >= Parallel.threadCount {
            // Whole bundles per thread.
            Parallel.forChunks(s.batch) { chunk in
                ScratchBuffers.with(count: plan.scratchCount) { scratch in
                    for first in stride(
                        from: chunk.lowerBound, to: chunk.upperBound, by: plan.bundle)
                    {
                        let images = min(plan.bundle, chunk.upperBound - first)
                        padImages(
                            plan.pad, input: gradOutput, first: first, images: images,
                            into: scratch + plan.padded)
                        for panel in stride(from: 0, to: plan.panelCount, by: plan.span) {
                            let chosen = panel..<min(panel + plan.span, plan.panelCount)
                            compute(
                                0..<tileCount(images: images), images: images, panels: chosen,
                                scratch: scratch, tile: scratch + plan.tile)
                            returnGradient(
                                first: first, images: images, panels: chosen, scratch: scratch)
                        }
                    }
                }
            }
        } else {
            // Fewer images than threads: pad each bundle, then split its tiles.
            ScratchBuffers.with(count: plan.scratchCount) { scratch in
                let shared = SendablePointer(scratch)
                for first in stride(from: 0, to: s.batch, by: plan.bundle) {
                    let images = min(plan.bundle, s.batch - first)
                    padImages(
                        plan.pad, input: gradOutput, first: first, images: images,
                        into: scratch + plan.padded)
                    for panel in stride(from: 0, to: plan.panelCount, by: plan.span) {
                        let chosen = panel..<min(panel + plan.span, plan.panelCount)
                        Parallel.forChunks(tileCount(images: images)) { range in
                            ScratchBuffers.with(count: plan.span * plan.rows * directNR) { tile in
                                compute(
                                    range, images: images, panels: chosen,
                                    scratch: shared.pointer, tile: tile)
                            }
                        }
                        returnGradient(
                            first: first, images: images, panels: chosen, scratch: scratch)
                    }
                }
            }
        }
    }
}

/// One tile of a phase: `rows` pixels (window starts `starts[0..<rows]` in `padded`) × the
/// panels `chosen`, each tap's sum over the output channels added in the phase's tap order
/// into `tile[slot][rows][16]`. A phase no tap reaches gets zeros.
@inline(__always)
private func stridedDataTile(
    _ plan: StridedDataPlan, phase: StridedDataPhase, panels chosen: Range<Int>,
    weights: UnsafePointer<Float>, tapStep: Int, padded: UnsafePointer<Float>,
    starts: UnsafePointer<Int>, into tile: UnsafeMutablePointer<Float>
) {
    let depth = plan.shape.outChannels
    if phase.taps.isEmpty {
        tile.update(repeating: 0, count: chosen.count * plan.rows * directNR)
        return
    }
    for (index, tap) in phase.taps.enumerated() {
        directTilePanels(
            panels: chosen.count, rows: plan.rows, depth: depth,
            taps: TapStride(step: plan.pad.planeStride),
            weights: weights + tap * tapStep + chosen.lowerBound * depth * directNR,
            weightStep: depth * directNR, input: padded + phase.offsets[index],
            starts: TapTable(offsets: starts),
            into: tile, tileStep: plan.rows * directNR, accumulate: index > 0)
    }
}
