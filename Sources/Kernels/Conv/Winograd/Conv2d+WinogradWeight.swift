// The weight gradient of a stride-1, padding-1 3×3 convolution by Winograd's F(2×2, 3×3)
// run backwards (the forward pass uses F(4×4, 3×3), `Conv2d+Winograd.swift`; any exact
// forward has the same gradient). F(2×2, 3×3) computes each 2×2 block of outputs as
// Y = Aᵀ [ U ⊙ V ] A with U = G g Gᵀ and V = Bᵀ d B,
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
    /// order. The image is first copied channel-last, with its border of zeros, into `padded`
    /// (`grid.paddedCount(inChannels)` floats).
    ///
    /// - image: `[inChannels, height, width]`
    @inline(__always)
    static func transformImage(
        _ s: Conv2dShape, _ grid: WinogradGrid, image: UnsafePointer<Float>,
        padded: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int
    ) {
        let channels = s.inChannels
        winogradPadImage(s, grid, image: image, padded: padded)
        let rowStride = grid.paddedW * channels
        for c in Swift.stride(from: 0, to: channels, by: 16) {
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

/// Weight gradient by F(2×2, 3×3). Needs `winogradApplies(s)`.
///
/// - input: `[batch, inChannels, height, width]`
/// - gradOutput: `[batch, outChannels, height, width]`
/// - gradWeight: `[outChannels, inChannels, 3, 3]`, overwritten
public func conv2dBackwardWeightWinograd(
    _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>
) {
    checkArgument(
        winogradApplies(s), "conv2dBackwardWeightWinograd: needs 3×3, stride 1, padding 1")
    let channels = s.inChannels
    let grid = WinogradGrid(s, block: 2)
    let blocksPerImage = grid.blocksPerImage
    let pixels = s.outHeight * s.outWidth
    let bundle = grid.bundle
    let rows = InstructionSet.tiles.directRows
    let panelCount = (s.outChannels + directNR - 1) / directNR
    let channelTiles = (channels + rows - 1) / rows
    let channelRows = channelTiles * rows
    let groups = weightGradientGroupCount(batch: s.batch)
    let maxBlocks = bundle * blocksPerImage
    // partial[group][ξ][panel][channel row][16]; a last tile of channels repeats the last one.
    let partialCount = 16 * panelCount * channelRows * directNR
    let channelStarts = (0..<channelRows).map { min($0, channels - 1) }
    let blocks = grid.blocks(s, images: bundle)
    let paddedCount = grid.paddedCount(channels)
    let vCount = 16 * winogradStreamStride(maxBlocks * channels)
    let gradientsCount = panelCount * bundle * pixels * directNR
    let mCount = 16 * panelCount * winogradStreamStride(maxBlocks * directNR)
    let span = InstructionSet.tiles.tilePanels
    let pairCount = (panelCount + span - 1) / span
    channelStarts.withUnsafeBufferPointer { channelStarts in
        let channelStarts = SendablePointer(channelStarts.baseAddress!)
        ScratchBuffers.with(count: groups * partialCount) { partials in
            forEachWeightGradientBundle(
                batch: s.batch, bundle: bundle,
                scratchCount: paddedCount + vCount + gradientsCount + mCount
            ) { group, images, first, scratch, spread in
                let partial = partials + group * partialCount
                let padded = scratch
                let v = padded + paddedCount
                let gradients = v + vCount
                let m = gradients + gradientsCount
                let count = images.count * blocksPerImage
                let vStride = winogradStreamStride(count * channels)
                let mStride = winogradStreamStride(count * directNR)
                // V[ξ][tile][c]
                for (slot, n) in images.enumerated() {
                    F2x2.transformImage(
                        s, grid, image: input + n * s.inputImageSize, padded: padded,
                        into: v + slot * blocksPerImage * channels, stride: vStride)
                }
                // ∂M[ξ][panel][tile][16], from the gradients pixel-major.
                transposeGradients(
                    s, gradOutput: gradOutput + images.lowerBound * s.outputImageSize,
                    images: images.count, into: gradients)
                for panel in 0..<panelCount {
                    let source = gradients + panel * images.count * pixels * directNR
                    for tile in 0..<count {
                        let block = blocks[tile]
                        let corner = source + block.origin * directNR
                        @inline(__always) func at(_ i: Int, _ j: Int) -> DirectVector {
                            UnsafeRawPointer(corner + (i * s.outWidth + j) * directNR)
                                .load(as: DirectVector.self)
                        }
                        let zero = DirectVector()
                        F2x2.gradient(
                            (
                                at(0, 0), block.right ? at(0, 1) : zero,
                                block.below ? at(1, 0) : zero,
                                block.below && block.right ? at(1, 1) : zero
                            ),
                            into: m + panel * mStride + tile * directNR,
                            stride: panelCount * mStride)
                    }
                }
                spread(16 * pairCount * channelTiles) { range in
                    for index in range {
                        let (xiPair, rowTile) = index.quotientAndRemainder(
                            dividingBy: channelTiles)
                        let (xi, pair) = xiPair.quotientAndRemainder(dividingBy: pairCount)
                        let xiPanel = xi * panelCount + pair * span
                        directTilePanels(
                            panels: min(span, panelCount - pair * span), rows: rows,
                            depth: count, taps: TapStride(step: channels),
                            weights: m + xiPanel * mStride, weightStep: mStride,
                            input: v + xi * vStride,
                            starts: channelStarts.pointer + rowTile * rows,
                            into: partial + (xiPanel * channelRows + rowTile * rows) * directNR,
                            tileStep: channelRows * directNR, accumulate: !first)
                    }
                }
            }
            // Add the partials in group order, then ∂g = Gᵀ ∂U G: sixteen output
            // channels (the lanes) of one input channel at a time.
            Parallel.forChunks(panelCount * channels) { pairs in
                for pair in pairs {
                    let (panel, c) = pair.quotientAndRemainder(dividingBy: channels)
                    @inline(__always) func du(_ xi: Int) -> DirectVector {
                        let index = ((xi * panelCount + panel) * channelRows + c) * directNR
                        var sum = UnsafeRawPointer(partials + index).load(
                            as: DirectVector.self)
                        for group in 1..<groups {
                            sum += UnsafeRawPointer(partials + group * partialCount + index)
                                .load(as: DirectVector.self)
                        }
                        return sum
                    }
                    // Along each row's four columns (rows i, as 4 × 3), then down each
                    // of the three columns' four rows.
                    @inline(__always) func row(_ i: Int) -> (
                        DirectVector, DirectVector, DirectVector
                    ) {
                        F2x2.filter(du(4 * i), du(4 * i + 1), du(4 * i + 2), du(4 * i + 3))
                    }
                    let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
                    let columns = [
                        F2x2.filter(r0.0, r1.0, r2.0, r3.0),
                        F2x2.filter(r0.1, r1.1, r2.1, r3.1),
                        F2x2.filter(r0.2, r1.2, r2.2, r3.2),
                    ]
                    let k0 = panel * directNR
                    let lanes = min(directNR, s.outChannels - k0)
                    let target = gradWeight + (k0 * channels + c) * 9
                    for (j, (top, middle, bottom)) in columns.enumerated() {
                        for lane in 0..<lanes {
                            let weight = target + lane * channels * 9
                            weight[j] = top[lane]
                            weight[3 + j] = middle[lane]
                            weight[6 + j] = bottom[lane]
                        }
                    }
                }
            }
        }
    }
}
