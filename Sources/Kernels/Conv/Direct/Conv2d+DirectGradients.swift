// The two gradients of a convolution on the direct tile of `Conv2d+Direct.swift`: the data
// gradient of a stride-1 convolution, which is itself a stride-1 convolution (flipped kernel,
// channels swapped), and the weight gradient, with taps as the tile's rows and the
// output pixels summed. Both keep every output's order of accumulation fixed, so the bits
// do not depend on the thread count.

import Checks

/// The data gradient of a stride-1 convolution as a direct convolution:
///
///     gradInput[c, i, j] = Σ_{k, r, t} gradOutputₚ[k, i + r, j + t] · w[k, c, R−1−r, S−1−t]
///
/// where `gradOutputₚ` is the output gradient zero-padded by `R − 1 − padH` rows and
/// `S − 1 − padW` columns: a convolution from `outChannels` to `inChannels` channels with
/// the kernel flipped. A strided convolution's data gradient runs phase by phase instead
/// (`conv2dBackwardDataStrided`). Needs `usesDirectBackwardData(s)`. The `epilogue` is
/// applied to the gradient as it is written, in the input's layout.
public func conv2dBackwardDataDirect(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>, epilogue: Conv2dEpilogue = .none
) {
    checkArgument(
        usesDirectBackwardData(s),
        "conv2dBackwardDataDirect: needs 8 input channels and, with stride 1, padding below the "
            + "kernel size or, strided, at most \(gemmKC) output channels; got \(s)")
    if s.strideH > 1 || s.strideW > 1 {
        conv2dBackwardDataStrided(
            s, gradOutput: gradOutput, weight: weight, gradInput: gradInput, epilogue: epilogue)
        return
    }
    let taps = s.kernelH * s.kernelW
    let transposed = dataGradientShape(s)
    let depth = transposed.columnRows
    let panelCount = (s.inChannels + directNR - 1) / directNR
    ScratchBuffers.with(count: panelCount * depth * directNR) { panels in
        // Value (c, p) with p = k·taps + tap is w[k, c] turned by 180°.
        packDirectWeights(outChannels: s.inChannels, depth: depth, into: panels) { c, p in
            let (k, tap) = p.quotientAndRemainder(dividingBy: taps)
            return weight[
                dataGradientWeightIndex(k: k, c: c, tap: tap, inChannels: s.inChannels, taps: taps)]
        }
        conv2dDirect(
            transposed, input: gradOutput, panels: panels, bias: nil, output: gradInput,
            epilogue: epilogue)
    }
}

/// The weight gradient on the direct tile:
///
///     gradWeight[k, p] = Σₙ Σ_g gradOutput[n, k, g] · xₙ[start(g) + tap(p)]
///
/// a tile of `directRows` taps × sixteen output channels (two panels of sixteen with
/// AVX-512, `directTilePanels`), summed over output pixels: for each pixel it broadcasts the
/// taps' input values against the sixteen channels' output gradients (transposed pixel-major
/// beforehand). As in `conv2dBackwardWeight`, the batch is
/// cut into `weightGradientGroupCount` groups, each summed in image order (a bundle of
/// small images as one run of pixels) into its own partial, and the partials are added in
/// group order: the bits do not depend on the thread count.
public func conv2dBackwardWeightDirect(
    _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>
) {
    let layout = DirectLayout(s)
    let (pixels, depth, bundle, pad) = (layout.pixels, layout.depth, layout.bundle, layout.pad)
    let (panelCount, rows, paddedCount) = (layout.panelCount, layout.rows, layout.paddedCount)
    let tapTiles = (depth + rows - 1) / rows
    // Panels per pass of the tile (2 with AVX-512, `directTilePair`: each broadcast input
    // value feeds both), and the passes over the panels.
    let span = InstructionSet.tiles.tilePanels
    let pairCount = (panelCount + span - 1) / span
    let groups = weightGradientGroupCount(batch: s.batch)
    // `rows` taps per tile (the last tile repeats the last tap); pixel window starts.
    let taps = tapOffsets(s, pad, count: tapTiles * rows)
    let starts = windowStarts(s, pad, images: bundle, count: bundle * pixels)
    // partial[group][panel][tap][16]
    let partialCount = panelCount * tapTiles * rows * directNR
    let gradientsCount = panelCount * bundle * pixels * directNR
    taps.withUnsafeBufferPointer { taps in
        starts.withUnsafeBufferPointer { starts in
            let taps = SendablePointer(taps.baseAddress!)
            let starts = SendablePointer(starts.baseAddress!)
            ScratchBuffers.with(count: groups * partialCount) { partials in
                let folded = forEachWeightGradientBundle(
                    batch: s.batch, bundle: bundle, scratchCount: paddedCount + gradientsCount,
                    partials: partials, partialCount: partialCount
                ) { images, _, partial, accumulate, scratch, spread in
                    let padded = scratch
                    let gradients = scratch + paddedCount
                    let count = images.count * pixels
                    padImages(
                        pad, input: input, first: images.lowerBound, images: images.count,
                        into: padded)
                    // gradients[panel][g][16] = gradOutput[image, k, pixel]
                    transposeGradients(
                        s, gradOutput: gradOutput + images.lowerBound * s.outputImageSize,
                        images: images.count, into: gradients)
                    spread(pairCount * tapTiles) { range in
                        for index in range {
                            let (pair, tile) = index.quotientAndRemainder(dividingBy: tapTiles)
                            let panel = pair * span
                            directTilePanels(
                                panels: min(span, panelCount - panel), rows: rows, depth: count,
                                taps: TapTable(offsets: starts.pointer),
                                weights: gradients + panel * count * directNR,
                                weightStep: count * directNR, input: padded,
                                starts: TapTable(offsets: taps.pointer + tile * rows),
                                into: partial + (panel * tapTiles + tile) * rows * directNR,
                                tileStep: tapTiles * rows * directNR, accumulate: accumulate)
                        }
                    }
                }
                sumDirectWeightPartials(
                    s, partials: partials, groups: folded..<groups, tapRows: tapTiles * rows,
                    into: gradWeight)
            }
        }
    }
}

/// The weight gradient's last phase: the groups' partials, `partial[group][panel][tap][16]`
/// with `tapRows` taps per panel, added in group order and transposed to `[k, p]`: partial 0
/// (which holds the groups before `groups` already, `forEachWeightGradientBundle`), then those
/// of `groups`.
func sumDirectWeightPartials(
    _ s: Conv2dShape, partials: UnsafePointer<Float>, groups: Range<Int>, tapRows: Int,
    into gradWeight: UnsafeMutablePointer<Float>
) {
    let depth = s.columnRows
    let panelCount = (s.outChannels + directNR - 1) / directNR
    let partialCount = panelCount * tapRows * directNR
    Parallel.forChunks(s.outChannels) { channels in
        for k in channels {
            let (panel, lane) = k.quotientAndRemainder(dividingBy: directNR)
            for p in 0..<depth {
                let index = (panel * tapRows + p) * directNR + lane
                var sum = partials[index]
                for group in groups {
                    sum += partials[group * partialCount + index]
                }
                gradWeight[k * depth + p] = sum
            }
        }
    }
}

/// Runs a weight gradient's images as its fixed groups (`weightGradientGroupCount`), each
/// group in bundles of at most `bundle` images, in order: `body(images, first, partial,
/// accumulate, scratch, spread)` once per bundle, `first` true for a group's first bundle,
/// `partial` where the bundle's sums go (overwriting it, or added to it when `accumulate`),
/// `scratch` the running thread's own `scratchCount` floats. The groups spread over the
/// threads; with fewer groups than threads they run in turn, and `spread(count, work)` splits
/// each bundle's `count` tiles between the threads instead (otherwise it runs them all on the
/// calling thread). Groups and bundles depend on the batch alone, so the order of every sum,
/// and its bits, does not depend on the thread count.
///
/// Each group's sum is its own partial, `partials[group · partialCount ...]`, and the caller
/// adds them in group order: `partial₀ + partial₁ + …`. The thread that runs group 0 adds its
/// later groups as it goes instead, into partial 0: a group of one bundle is summed straight
/// onto it (the tile adds its own sum to what is there, the same addition), a longer one in
/// partial 1 first and then added. The same additions in the same order, so the same bits;
/// but one thread running all the groups (a net per thread, as the ablation trains) touches
/// two partials rather than sixteen (9.4 MB for a 64 → 64 layer's F(4×4, 3×3), two of them
/// fit in its L2).
///
/// - Returns: the groups already added into partial 0; the caller adds the rest in order.
func forEachWeightGradientBundle(
    batch: Int, bundle: Int, scratchCount: Int, partials: UnsafeMutablePointer<Float>,
    partialCount: Int,
    _ body: (
        _ images: Range<Int>, _ first: Bool, _ partial: UnsafeMutablePointer<Float>,
        _ accumulate: Bool, _ scratch: UnsafeMutablePointer<Float>,
        _ spread: (Int, (Range<Int>) -> Void) -> Void
    ) -> Void
) -> Int {
    let groups = weightGradientGroupCount(batch: batch)
    let splitTiles = groups < Parallel.threadCount
    func spread(_ count: Int, _ work: (Range<Int>) -> Void) {
        if splitTiles { Parallel.forChunks(count, work) } else { work(0..<count) }
    }
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: 1) { folded in
        folded[0] = 1
        let folded = SendablePointer(folded.baseAddress!)
        Parallel.forChunks(splitTiles ? 1 : groups) { groupRange in
            let range = splitTiles ? 0..<groups : groupRange
            // Only the run that starts at group 0 can add as it goes.
            let folds = range.lowerBound == 0
            ScratchBuffers.with(count: scratchCount) { scratch in
                for group in range {
                    let first = batch * group / groups
                    let end = batch * (group + 1) / groups
                    let single = end - first <= bundle
                    // Where this group's bundles go: its own partial; or, folding, partial 0
                    // (group 0, and any group of one bundle, added by the tile) or partial 1
                    // (a longer group, added to partial 0 once summed).
                    let slot = !folds ? group : (group == 0 || single ? 0 : 1)
                    let partial = partials + slot * partialCount
                    for start in Swift.stride(from: first, to: end, by: bundle) {
                        let opening = start == first
                        let accumulate = !opening || (folds && group > 0 && single)
                        body(
                            start..<min(end, start + bundle), opening, partial, accumulate,
                            scratch, spread)
                    }
                    if folds && slot == 1 {
                        addFloats(partial, into: partials, count: partialCount)
                    }
                }
            }
            if folds { folded.pointer[0] = range.upperBound }
        }
        return folded.pointer[0]
    }
}

/// The output gradients of `images` consecutive images, pixel-major in panels of sixteen
/// channels: `gradients[panel][slot · pixels + q][j] = gradOutput[slot, 16·panel + j, q]`,
/// zero past the last channel.
func transposeGradients(
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
                    prefetchPlanes(
                        planes + q, stride: pixels, remaining: pixels - q, forWriting: false)
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
