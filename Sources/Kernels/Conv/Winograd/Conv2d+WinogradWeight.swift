// The weight gradient of a stride-1, padding-1 3×3 convolution by Winograd's F(2×2, 3×3)
// run backwards (any exact forward has the same gradient), and the driver it shares with
// F(4×4, 3×3) (`Conv2d+WinogradWeight4x4.swift`), which `conv2dBackwardWeight` runs since
// 2026-12-07: 1.03-1.10× faster training steps on a Zen 4, four times the rounding.
// F(2×2, 3×3) computes each 2×2 block of outputs as Y = Aᵀ [ U ⊙ V ] A with U = G g Gᵀ and
// V = Bᵀ d B,
//
//     Bᵀ = [ 1  0 −1  0 ]    G = [  1    0    0  ]    Aᵀ = [ 1  1  1  0 ]
//          [ 0  1  1  0 ]        [ 1/2  1/2  1/2 ]         [ 0  1 −1 −1 ]
//          [ 0 −1  1  0 ]        [ 1/2 −1/2  1/2 ]
//          [ 0  1  0 −1 ]        [  0    0    1  ]
//
// so the gradient of the 3×3 filter g is
//
//     ∂g = Gᵀ [ Σ_blocks (A ∂Y Aᵀ) ⊙ V ] G
//
// 16 multiplications per 2×2 block and channel pair instead of the direct sum's 36. The sum
// over blocks is 16 independent matrix products, one per position ξ of the 4×4 block:
// ∂U[ξ][c][k] = Σ_block V[ξ][block][c] · ∂M[ξ][block][k], on the direct tile as the direct
// weight gradient runs it (`conv2dBackwardWeightDirect`): input channels as its rows, sixteen
// output channels as its lanes, the blocks as the summed index in order. The batch is cut
// into the same fixed groups, each summed into its own partial, the partials added in group
// order and only then transformed back by Gᵀ · G: the bits do not depend on the threads or
// the instruction set.

import Checks

/// Whether `conv2dBackwardWeight` uses Winograd: wherever `winogradApplies`, at every map
/// size, as the forward pass (`usesWinogradForward`): it beats the direct tile on the
/// ablation's 28×28, 14×14 and 7×7 layers with AVX-512 and with AVX2 alike
/// (Docs/PERFORMANCE.md), and the rule is the same on every instruction set.
func usesWinogradBackwardWeight(_ s: Conv2dShape) -> Bool { winogradApplies(s) }

extension F2x2 {
    /// Bᵀ d of one column of a block (its four rows), sixteen channels at a time: `d` points at
    /// the column's top pixel, `rowStride` floats from one row to the next.
    @inline(__always)
    fileprivate static func column(_ d: UnsafePointer<Float>, rowStride: Int) -> (
        DirectVector, DirectVector, DirectVector, DirectVector
    ) {
        @inline(__always) func load(_ i: Int) -> DirectVector {
            UnsafeRawPointer(d + i * rowStride).loadUnaligned(as: DirectVector.self)
        }
        let (d0, d1, d2, d3) = (load(0), load(1), load(2), load(3))
        return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
    }
}

extension F2x2 {
    /// The 4×4 input transform Bᵀ d B of one block from its four columns' Bᵀ d (`F2x2.column`),
    /// sixteen channels at a time; result ξ is written at `v + ξ·stride`. Neighbouring blocks
    /// share two columns, so each column is transformed once and used twice.
    @inline(__always)
    fileprivate static func input(
        _ columns: (
            (DirectVector, DirectVector, DirectVector, DirectVector),
            (DirectVector, DirectVector, DirectVector, DirectVector),
            (DirectVector, DirectVector, DirectVector, DirectVector),
            (DirectVector, DirectVector, DirectVector, DirectVector)
        ), into v: UnsafeMutablePointer<Float>, stride: Int
    ) {
        @inline(__always) func store(_ xi: Int, _ x: DirectVector) {
            UnsafeMutableRawPointer(v + xi * stride).storeBytes(of: x, as: DirectVector.self)
        }
        // Row i of Bᵀ d, (t0, t1, t2, t3), times B.
        @inline(__always) func row(
            _ i: Int, _ t0: DirectVector, _ t1: DirectVector, _ t2: DirectVector,
            _ t3: DirectVector
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
}

extension F2x2 {
    /// Bᵀ d B of every block of one image: `v[ξ · stride + tile · inChannels + c]`, tiles in row
    /// order. The image is first copied channel-last into `padded`
    /// (`grid.paddedCount(inChannels)` floats), whose border of zeros is written with
    /// `zeroBorder` only (`winogradPadImage`). Neighbouring blocks share their column
    /// transforms in registers, so `columns` (the scratch F(4×4, 3×3) keeps them in) is not
    /// used.
    ///
    /// - image: `[inChannels, height, width]`
    @inline(__always)
    static func transformImage(
        _ s: Conv2dShape, _ grid: WinogradGrid, image: UnsafePointer<Float>,
        padded: UnsafeMutablePointer<Float>, zeroBorder: Bool,
        columns _: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int
    ) {
        let channels = s.inChannels
        winogradPadImage(s, grid, image: image, padded: padded, zeroBorder: zeroBorder)
        let rowStride = grid.paddedW * channels
        for c in Swift.stride(from: 0, to: channels, by: directNR) {
            for ty in 0..<grid.blocksH {
                let top = padded + 2 * ty * rowStride + c
                var left = (
                    F2x2.column(top, rowStride: rowStride),
                    F2x2.column(top + channels, rowStride: rowStride)
                )
                for tx in 0..<grid.blocksW {
                    let right = (
                        F2x2.column(top + (2 * tx + 2) * channels, rowStride: rowStride),
                        F2x2.column(top + (2 * tx + 3) * channels, rowStride: rowStride)
                    )
                    F2x2.input(
                        (left.0, left.1, right.0, right.1),
                        into: v + (ty * grid.blocksW + tx) * channels + c, stride: stride)
                    left = right
                }
            }
        }
    }
}

extension F2x2 {
    /// ∂M = A ∂Y Aᵀ of one 2×2 block of output gradients, sixteen channels at a time (`dy.0`
    /// and `dy.1` the block's top row, `dy.2` and `dy.3` its bottom row, zero outside the map);
    /// result ξ is written at `m + ξ · stride`.
    @inline(__always)
    fileprivate static func gradient(
        _ dy: (DirectVector, DirectVector, DirectVector, DirectVector),
        into m: UnsafeMutablePointer<Float>, stride: Int
    ) {
        @inline(__always) func row(_ i: Int, _ a: DirectVector, _ b: DirectVector) {
            // One row (a, b) of A ∂Y times Aᵀ: (a, a + b, a − b, −b).
            let target = UnsafeMutableRawPointer(m + 4 * i * stride)
            let step = stride * MemoryLayout<Float>.stride
            target.storeBytes(of: a, as: DirectVector.self)
            target.storeBytes(of: a + b, toByteOffset: step, as: DirectVector.self)
            target.storeBytes(of: a - b, toByteOffset: 2 * step, as: DirectVector.self)
            target.storeBytes(of: -b, toByteOffset: 3 * step, as: DirectVector.self)
        }
        // A ∂Y: the rows top, top + bottom, top − bottom, −bottom.
        let (a0, b0, a1, b1) = dy
        row(0, a0, b0)
        row(1, a0 + a1, b0 + b1)
        row(2, a0 - a1, b0 - b1)
        row(3, -a1, -b1)
    }
}

extension F2x2 {
    /// Gᵀ x along one axis: four values of the transformed domain to the filter's three,
    /// sixteen output channels at a time.
    @inline(__always)
    fileprivate static func filter(
        _ x0: DirectVector, _ x1: DirectVector, _ x2: DirectVector, _ x3: DirectVector
    ) -> (DirectVector, DirectVector, DirectVector) {
        let (sum, difference) = ((x1 + x2) / 2, (x1 - x2) / 2)
        return (x0 + sum, difference, sum + x3)
    }
}

/// What the weight gradient's driver (`winogradWeightGradient`) needs of a Winograd
/// transform: its block, its input transform, its output-gradient transform A ∂Y Aᵀ and its
/// filter transform Gᵀ ∂U G. F(2×2, 3×3) is the one `conv2dBackwardWeight` runs;
/// F(4×4, 3×3) (`Conv2d+WinogradWeight4x4.swift`) is measured beside it.
protocol WinogradWeightTransform {
    /// Outputs per block side, m.
    static var block: Int { get }
    /// Elements of a transformed block, (m + 2)²: the products per block and channel pair.
    static var elements: Int { get }
    /// Floats the input transform keeps beside the padded image (`columns`).
    static func columnCount(_ grid: WinogradGrid) -> Int
    /// V = Bᵀ d B of every block of one image: `v[ξ · stride + tile · inChannels + c]`; the
    /// padded image's border is zeroed only with `zeroBorder` (`winogradPadImage`).
    ///
    /// - image: `[inChannels, height, width]`
    static func transformImage(
        _ s: Conv2dShape, _ grid: WinogradGrid, image: UnsafePointer<Float>,
        padded: UnsafeMutablePointer<Float>, zeroBorder: Bool,
        columns: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int)
    /// ∂M = A ∂Y Aᵀ of one block, sixteen output channels at a time: `corner` is its top-left
    /// output gradient in pixel-major rows of `rowStride` floats, and its rows and columns
    /// past the map (`block.rows`, `block.columns`) count as zero. Value ξ is written at
    /// `m + ξ · stride`.
    static func transformGradient(
        corner: UnsafePointer<Float>, rowStride: Int, _ block: WinogradBlock,
        into m: UnsafeMutablePointer<Float>, stride: Int)
    /// ∂g = Gᵀ ∂U G of sixteen filters (the lanes), from ∂U's values `du(ξ)`: tap t = 3r + s of
    /// the 3×3 filters is passed to `store(t, taps)`.
    static func returnFilter(_ du: (Int) -> DirectVector, _ store: (Int, DirectVector) -> Void)
}

extension F2x2: WinogradWeightTransform {
    static var block: Int { 2 }

    static func columnCount(_ grid: WinogradGrid) -> Int { 0 }

    @inline(__always)
    static func transformGradient(
        corner: UnsafePointer<Float>, rowStride: Int, _ block: WinogradBlock,
        into m: UnsafeMutablePointer<Float>, stride: Int
    ) {
        @inline(__always) func at(_ i: Int, _ j: Int) -> DirectVector {
            UnsafeRawPointer(corner + i * rowStride + j * directNR).load(as: DirectVector.self)
        }
        let zero = DirectVector()
        F2x2.gradient(
            (
                at(0, 0), block.right ? at(0, 1) : zero, block.below ? at(1, 0) : zero,
                block.below && block.right ? at(1, 1) : zero
            ), into: m, stride: stride)
    }

    @inline(__always)
    static func returnFilter(_ du: (Int) -> DirectVector, _ store: (Int, DirectVector) -> Void) {
        // Along each row's four columns (rows i, as 4 × 3), then down each of the three
        // columns' four rows.
        @inline(__always) func row(_ i: Int) -> (DirectVector, DirectVector, DirectVector) {
            F2x2.filter(du(4 * i), du(4 * i + 1), du(4 * i + 2), du(4 * i + 3))
        }
        let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
        let columns = [
            F2x2.filter(r0.0, r1.0, r2.0, r3.0),
            F2x2.filter(r0.1, r1.1, r2.1, r3.1),
            F2x2.filter(r0.2, r1.2, r2.2, r3.2),
        ]
        for (j, (top, middle, bottom)) in columns.enumerated() {
            store(j, top)
            store(3 + j, middle)
            store(6 + j, bottom)
        }
    }
}

/// Weight gradient by F(2×2, 3×3). Needs `winogradApplies(s)`. `conv2dBackwardWeight` ran it
/// until 2026-12-07 and runs F(4×4, 3×3) now (`conv2dBackwardWeightWinograd`, on the same
/// phases); `bench conv` times it beside that one.
///
/// - input: `[batch, inChannels, height, width]`
/// - gradOutput: `[batch, outChannels, height, width]`
/// - gradWeight: `[outChannels, inChannels, 3, 3]`, overwritten
///
/// In phases (`winogradWeightGradient`): the scratch laid out once (`WinogradWeightPlan`); for
/// each bundle of images, in the fixed groups of `forEachWeightGradientBundle`, the input
/// blocks transformed, the output gradients transformed and the 16 products summed into the
/// group's partial on the register tile; then the partials added in group order and
/// transformed back to 3×3 filters.
public func conv2dBackwardWeightWinograd2x2(
    _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>
) {
    checkArgument(
        winogradApplies(s), "conv2dBackwardWeightWinograd2x2: needs 3×3, stride 1, padding 1")
    winogradWeightGradient(
        F2x2.self, s, input: input, gradOutput: gradOutput, gradWeight: gradWeight)
}

/// The weight gradient by the Winograd transform `T`, in the phases `conv2dBackwardWeightWinograd2x2`
/// lists. Needs `winogradApplies(s)`.
@inline(__always)
func winogradWeightGradient<T: WinogradWeightTransform>(
    _: T.Type, _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>, inputNormalization: Conv2dInputNormalization? = nil
) {
    let plan = WinogradWeightPlan<T>(s, inputNormalization: inputNormalization)
    // A last tile of channels repeats the last one.
    let channelStarts = (0..<plan.channelRows).map { min($0, s.inChannels - 1) }
    let blocks = plan.grid.blocks(s, images: plan.grid.bundle)
    channelStarts.withUnsafeBufferPointer { channelStarts in
        let channelStarts = SendablePointer(channelStarts.baseAddress!)
        ScratchBuffers.with(count: plan.groups * plan.partialCount) { partials in
            let folded = forEachWeightGradientBundle(
                batch: s.batch, bundle: plan.grid.bundle, scratchCount: plan.scratch.count,
                partials: partials, partialCount: plan.partialCount
            ) { images, first, partial, accumulate, base, spread in
                let scratch = plan.pointers(base)
                let bundle = plan.bundle(images: images)
                plan.transformBundle(s, bundle, input: input, scratch, zeroBorder: first)
                plan.transformGradients(s, bundle, gradOutput: gradOutput, blocks: blocks, scratch)
                spread(T.elements * plan.pairCount * plan.channelTiles) { range in
                    plan.multiply(
                        bundle, range, channelStarts: channelStarts.pointer, into: partial,
                        accumulate: accumulate, scratch)
                }
            }
            plan.returnFilters(
                s, partials: partials, groups: folded..<plan.groups, gradWeight: gradWeight)
        }
    }
}

/// What the weight gradient by `T` decides once per call: the blocks, the panels of 16 output
/// channels (and how many the tile takes at once), the tile's rows of input channels, the
/// groups of images and their partial sums, and the scratch of one group (the padded
/// channel-last image and the input transform's columns, the transformed inputs V, the
/// output gradients pixel-major, and their transforms ∂M).
struct WinogradWeightPlan<T: WinogradWeightTransform> {
    let grid: WinogradGrid
    let channels: Int
    let pixels: Int
    let panelCount: Int
    let rows: Int
    let span: Int
    /// Panel pairs (or single panels) per ξ.
    let pairCount: Int
    /// Tiles of input channels, and their rows (a multiple of `rows`).
    let channelTiles: Int
    let channelRows: Int
    /// Groups of images, each summed into its own partial.
    let groups: Int
    /// Floats of one group's partial: `partial[ξ][panel][channel row][16]`.
    let partialCount: Int
    var scratch = ScratchLayout()
    let padded: Int
    let columns: Int
    let v: Int
    let gradients: Int
    let m: Int

    init(_ s: Conv2dShape, inputNormalization: Conv2dInputNormalization? = nil) {
        grid = WinogradGrid(s, block: T.block, inputNormalization: inputNormalization)
        channels = s.inChannels
        pixels = s.outHeight * s.outWidth
        rows = InstructionSet.tiles.directRows
        panelCount = (s.outChannels + directNR - 1) / directNR
        span = InstructionSet.tiles.tilePanels
        pairCount = (panelCount + span - 1) / span
        channelTiles = (channels + rows - 1) / rows
        channelRows = channelTiles * rows
        groups = weightGradientGroupCount(batch: s.batch)
        partialCount = T.elements * panelCount * channelRows * directNR
        let maxBlocks = grid.bundle * grid.blocksPerImage
        padded = scratch.reserve(grid.paddedCount(channels))
        columns = scratch.reserve(T.columnCount(grid))
        v = scratch.reserve(T.elements * winogradStreamStride(maxBlocks * channels))
        gradients = scratch.reserve(panelCount * grid.bundle * pixels * directNR)
        m = scratch.reserve(T.elements * panelCount * winogradStreamStride(maxBlocks * directNR))
    }

    /// One group's scratch arrays.
    struct Scratch {
        let padded: UnsafeMutablePointer<Float>
        let columns: UnsafeMutablePointer<Float>
        /// V[ξ][block][c].
        let v: UnsafeMutablePointer<Float>
        /// The output gradients pixel-major, `[panel][image][pixel][16]`.
        let gradients: UnsafeMutablePointer<Float>
        /// ∂M[ξ][panel][block][16].
        let m: UnsafeMutablePointer<Float>
    }

    /// A bundle of images of one group.
    struct Bundle {
        let images: Range<Int>
        /// Its blocks.
        let count: Int
        let vStride: Int
        let mStride: Int
    }

    /// The scratch arrays in a buffer of `scratch.count` floats.
    func pointers(_ base: UnsafeMutablePointer<Float>) -> Scratch {
        Scratch(
            padded: base + padded, columns: base + columns, v: base + v,
            gradients: base + gradients, m: base + m)
    }

    /// The sizes of the bundle of `images`.
    func bundle(images: Range<Int>) -> Bundle {
        let count = images.count * grid.blocksPerImage
        return Bundle(
            images: images, count: count, vStride: winogradStreamStride(count * channels),
            mStride: winogradStreamStride(count * directNR))
    }

    /// V = Bᵀ d B of every block of the bundle's images: `V[ξ][block][c]`. The padded image's
    /// border is zeroed for the first image when `zeroBorder` (a group's first bundle; only
    /// the first group a thread runs needs it, a later one finds the border as the earlier one
    /// left it, and zeroing it again costs one image's border per group).
    @inline(__always)
    func transformBundle(
        _ s: Conv2dShape, _ bundle: Bundle, input: UnsafePointer<Float>, _ scratch: Scratch,
        zeroBorder: Bool
    ) {
        for (slot, n) in bundle.images.enumerated() {
            T.transformImage(
                s, grid, image: input + n * s.inputImageSize, padded: scratch.padded,
                zeroBorder: zeroBorder && slot == 0, columns: scratch.columns,
                into: scratch.v + slot * grid.blocksPerImage * channels,
                stride: bundle.vStride)
        }
    }

    /// ∂M = A ∂Y Aᵀ of every block: `∂M[ξ][panel][block][16]`, from the output gradients
    /// made pixel-major first; a block's rows and columns past the map count as zero.
    @inline(__always)
    func transformGradients(
        _ s: Conv2dShape, _ bundle: Bundle, gradOutput: UnsafePointer<Float>,
        blocks: [WinogradBlock], _ scratch: Scratch
    ) {
        transposeGradients(
            s, gradOutput: gradOutput + bundle.images.lowerBound * s.outputImageSize,
            images: bundle.images.count, into: scratch.gradients)
        for panel in 0..<panelCount {
            let source = scratch.gradients + panel * bundle.images.count * pixels * directNR
            for tile in 0..<bundle.count {
                let block = blocks[tile]
                T.transformGradient(
                    corner: source + block.origin * directNR, rowStride: s.outWidth * directNR,
                    block, into: scratch.m + panel * bundle.mStride + tile * directNR,
                    stride: panelCount * bundle.mStride)
            }
        }
    }

    /// ∂U[ξ] += V[ξ]ᵀ · ∂M[ξ] for the (ξ, panel pair, channel tile) jobs in `jobs`, on the
    /// register tile: input channels as its rows, the blocks as the summed index, in order.
    @inline(__always)
    func multiply(
        _ bundle: Bundle, _ jobs: Range<Int>, channelStarts: UnsafePointer<Int>,
        into partial: UnsafeMutablePointer<Float>, accumulate: Bool, _ scratch: Scratch
    ) {
        for index in jobs {
            let (xiPair, rowTile) = index.quotientAndRemainder(dividingBy: channelTiles)
            let (xi, pair) = xiPair.quotientAndRemainder(dividingBy: pairCount)
            let xiPanel = xi * panelCount + pair * span
            let first = rowTile * rows
            let v = scratch.v + xi * bundle.vStride
            @inline(__always) func tile<Rows: TapOffsets>(
                _ input: UnsafePointer<Float>, _ starts: Rows
            ) {
                directTilePanels(
                    panels: min(span, panelCount - pair * span), rows: rows,
                    depth: bundle.count, taps: TapStride(step: channels),
                    weights: scratch.m + xiPanel * bundle.mStride, weightStep: bundle.mStride,
                    input: input, starts: starts,
                    into: partial + (xiPanel * channelRows + first) * directNR,
                    tileStep: channelRows * directNR, accumulate: accumulate)
            }
            // A tile of whole channels reads them one float apart, from one pointer; the last
            // tile of a channel count that is no multiple of the rows repeats its last channel.
            if first + rows <= channels {
                tile(v + first, TapStride(step: 1))
            } else {
                tile(v, TapTable(offsets: channelStarts + first))
            }
        }
    }

    /// The partials added in group order, then ∂g = Gᵀ ∂U G: sixteen output channels (the
    /// lanes) of one input channel at a time, written into `gradWeight`. Partial 0 holds the
    /// groups before `groups` already (`forEachWeightGradientBundle`); those of `groups` follow.
    func returnFilters(
        _ s: Conv2dShape, partials: UnsafeMutablePointer<Float>, groups: Range<Int>,
        gradWeight: UnsafeMutablePointer<Float>
    ) {
        Parallel.forChunks(panelCount * channels) { pairs in
            for pair in pairs {
                let (panel, c) = pair.quotientAndRemainder(dividingBy: channels)
                let k0 = panel * directNR
                let lanes = min(directNR, s.outChannels - k0)
                let target = gradWeight + (k0 * channels + c) * 9
                T.returnFilter { xi in
                    let index = ((xi * panelCount + panel) * channelRows + c) * directNR
                    var sum = UnsafeRawPointer(partials + index).load(as: DirectVector.self)
                    for group in groups {
                        sum += UnsafeRawPointer(partials + group * partialCount + index)
                            .load(as: DirectVector.self)
                    }
                    return sum
                } _: { tap, taps in
                    for lane in 0..<lanes { target[lane * channels * 9 + tap] = taps[lane] }
                }
            }
        }
    }
}
