// Winograd's F(4×4, 3×3) for the forward pass of stride-1, padding-1 3×3 convolutions (and
// so for their data gradient, itself such a convolution): each 4×4 block of outputs comes
// from a 6×6 block of input through
//
//     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// 36 multiplications per input channel instead of the direct sum's 144: 4× fewer, where
// F(2×2, 3×3) (16 for a 2×2 block's 36, the weight gradient's transform) saves 2.25×.
// The matrices are those of the interpolation points 0, 1, −1, 2, −2 and ∞:
//
//     Bᵀ = [ 4  0 −5  0  1  0 ]    G = [  1/4     0     0  ]    Aᵀ = [ 1  1  1  1  1  0 ]
//          [ 0 −4 −4  1  1  0 ]        [ −1/6  −1/6  −1/6  ]         [ 0  1 −1  2 −2  0 ]
//          [ 0  4 −4 −1  1  0 ]        [ −1/6   1/6  −1/6  ]         [ 0  1  1  4  4  0 ]
//          [ 0 −2 −1  2  1  0 ]        [  1/24  1/12  1/6  ]         [ 0  1 −1  8 −8  1 ]
//          [ 0  2 −1 −2  1  0 ]        [  1/24 −1/12  1/6  ]
//          [ 0  4  0 −5  0  1 ]        [   0     0     1   ]
//
// As in F(2×2, 3×3), the 36 products of each block are 36 matrix products over the input
// channels, M[ξ][tile][k] = Σ_c V[ξ][tile][c] · U[ξ][c][k], on the direct convolution's
// register tile, channels in order, so every instruction set computes the same bits. The
// transforms' coefficients are larger (up to 8 and 5 where F(2×2, 3×3) has 1), so the
// rounding is larger too, still bounded by the transforms' absolute values (the tests'
// `winogradMagnitude(block: 4)`); G's sixths are computed in double precision and rounded
// once. Multiplying by 2, 4 and 8 is exact.
//
// Measured against F(2×2, 3×3) on the ablation's layers (Docs/PERFORMANCE.md), it is faster
// at 28×28, 14×14 and 7×7 with AVX-512 and with AVX2 (a 7×7 or 14×14 map wastes a quarter of
// its last blocks, and still wins). The weight gradient keeps F(2×2, 3×3)
// (`Conv2d+WinogradWeight.swift`); F(4×4, 3×3) for it (`Conv2d+WinogradWeight4x4.swift`) is
// measured beside it by `bench conv`.
//
// The transformed inputs V and products M of each ξ lie one vector further apart than they
// fill (`winogradStreamStride`), out of each other's cache sets.

import Checks

/// Whether `conv2dForwardWinograd` can compute this shape: 3×3, stride 1, padding 1, input
/// channels in sixteens (its transforms take sixteen channels at a time), at least 8 output
/// channels.
public func winogradApplies(_ s: Conv2dShape) -> Bool {
    s.kernelH == 3 && s.kernelW == 3 && s.strideH == 1 && s.strideW == 1 && s.padH == 1
        && s.padW == 1 && s.inChannels % directNR == 0 && s.outChannels >= 8
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

/// Where the data gradient's weight from output channel k to input channel c at `tap` (a
/// convolution from `outChannels` to `inChannels` channels, `dataGradientShape`) lies in the
/// forward weights `[outChannels, inChannels, taps]`: the filter turned by 180°, so tap
/// `(r, t)` reads `(R−1−r, S−1−t)`, which in row-major order is `taps − 1 − tap`.
@inline(__always)
func dataGradientWeightIndex(k: Int, c: Int, tap: Int, inChannels: Int, taps: Int) -> Int {
    (k * inChannels + c) * taps + taps - 1 - tap
}

/// The weights of a convolution's data gradient run as a forward convolution
/// (`dataGradientShape`): `flipped[c][k][tap] = weight[k][c][taps − 1 − tap]`, each filter
/// turned by 180° and the two channel axes swapped; `weight(i)` reads forward weight i.
///
/// - Returns: `[inChannels, outChannels, taps]`
public func dataGradientWeights<T>(
    outChannels: Int, inChannels: Int, taps: Int, _ weight: (Int) -> T
) -> [T] {
    var flipped: [T] = []
    flipped.reserveCapacity(outChannels * inChannels * taps)
    for c in 0..<inChannels {
        for k in 0..<outChannels {
            for tap in 0..<taps {
                flipped.append(
                    weight(
                        dataGradientWeightIndex(
                            k: k, c: c, tap: tap, inChannels: inChannels, taps: taps)))
            }
        }
    }
    return flipped
}

/// Whether `conv2dBackwardData` uses Winograd: stride 1 and a data gradient that is itself
/// a convolution Winograd takes.
func usesWinogradBackwardData(_ s: Conv2dShape) -> Bool {
    s.kernelH == 3 && s.kernelW == 3 && s.padH == 1 && s.padW == 1 && s.strideH == 1
        && s.strideW == 1 && usesWinogradForward(dataGradientShape(s))
}

/// The data gradient by F(4×4, 3×3): the forward convolution of `gradOutput` with the
/// kernel flipped in both directions and its channels swapped. Needs
/// `usesWinogradBackwardData(s)`.
///
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - weight: `[outChannels, inChannels, 3, 3]`
/// - gradInput: `[batch, inChannels, height, width]`, overwritten
func conv2dBackwardDataWinograd(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>, epilogue: Conv2dEpilogue = .none
) {
    let flipped = dataGradientWeights(
        outChannels: s.outChannels, inChannels: s.inChannels, taps: s.kernelH * s.kernelW
    ) { weight[$0] }
    conv2dForwardWinograd(
        dataGradientShape(s), input: gradOutput, weight: flipped, bias: nil, output: gradInput,
        epilogue: epilogue)
}

extension F4x4 {
    /// Bᵀ x of one six-vector, sixteen channels at a time:
    /// (4x₀ − 5x₂ + x₄, −4x₁ − 4x₂ + x₃ + x₄, 4x₁ − 4x₂ − x₃ + x₄, −2x₁ − x₂ + 2x₃ + x₄,
    /// 2x₁ − x₂ − 2x₃ + x₄, 4x₁ − 5x₃ + x₅).
    @inline(__always)
    fileprivate static func input(
        _ x0: DirectVector, _ x1: DirectVector, _ x2: DirectVector, _ x3: DirectVector,
        _ x4: DirectVector, _ x5: DirectVector
    ) -> (DirectVector, DirectVector, DirectVector, DirectVector, DirectVector, DirectVector) {
        let evenSum = x4 - x2 * 4
        let oddSum = x3 - x1 * 4
        let evenDifference = x4 - x2
        let oddDifference = (x3 - x1) * 2
        return (
            (x0 - x2) * 4 + evenDifference, evenSum + oddSum, evenSum - oddSum,
            evenDifference + oddDifference, evenDifference - oddDifference,
            (x1 - x3) * 4 + (x5 - x3)
        )
    }
}

extension F4x4 {
    /// Aᵀ m of one six-vector, sixteen channels at a time:
    /// (m₀ + m₁ + m₂ + m₃ + m₄, m₁ − m₂ + 2m₃ − 2m₄, m₁ + m₂ + 4m₃ + 4m₄, m₁ − m₂ + 8m₃ − 8m₄ + m₅).
    @inline(__always)
    fileprivate static func output(
        _ m0: DirectVector, _ m1: DirectVector, _ m2: DirectVector, _ m3: DirectVector,
        _ m4: DirectVector, _ m5: DirectVector
    ) -> (DirectVector, DirectVector, DirectVector, DirectVector) {
        let (sum12, difference12) = (m1 + m2, m1 - m2)
        let (sum34, difference34) = (m3 + m4, m3 - m4)
        return (
            m0 + sum12 + sum34, difference12 + difference34 * 2, sum12 + sum34 * 4,
            difference12 + difference34 * 8 + m5
        )
    }
}

extension F4x4 {
    /// G g Gᵀ of sixteen 3×3 filters at once (one per lane), 6×6, in double precision and
    /// rounded once: value ξ = 6i + j of lane l written at `u[ξ · uStride + l]`. Filter l's tap t
    /// is `g[l · gStride + t]`; lanes past `lanes` are zero.
    fileprivate static func weights(
        _ g: UnsafePointer<Float>, gStride: Int, lanes: Int, into u: UnsafeMutablePointer<Float>,
        uStride: Int
    ) {
        typealias Wide = SIMD16<Double>
        // Row i of G times (a, b, c), by the fractions' double-precision values.
        @inline(__always) func mix(_ a: Wide, _ b: Wide, _ c: Wide) -> (
            Wide, Wide, Wide, Wide, Wide, Wide
        ) {
            let (sixth, twelfth, twentyFourth) = (1.0 / 6, 1.0 / 12, 1.0 / 24)
            let (outer, middle) = (a * twentyFourth + c * sixth, b * twelfth)
            return (
                a * 0.25, -(a + b + c) * sixth, -(a - b + c) * sixth, outer + middle,
                outer - middle, c
            )
        }
        @inline(__always) func store(_ i: Int, _ r: (Wide, Wide, Wide, Wide, Wide, Wide)) {
            @inline(__always) func put(_ j: Int, _ value: Wide) {
                UnsafeMutableRawPointer(u + (6 * i + j) * uStride).storeBytes(
                    of: DirectVector(value), as: DirectVector.self)
            }
            put(0, r.0)
            put(1, r.1)
            put(2, r.2)
            put(3, r.3)
            put(4, r.4)
            put(5, r.5)
        }
        // The sixteen filters' taps as nine vectors (taps[t][lane]), read filter by filter.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 9 * directNR) { taps in
            let taps = taps.baseAddress!
            taps.initialize(repeating: 0, count: 9 * directNR)
            for l in 0..<lanes {
                for t in 0..<9 { taps[directNR * t + l] = g[l * gStride + t] }
            }
            @inline(__always) func tap(_ t: Int) -> Wide {
                Wide(UnsafeRawPointer(taps + directNR * t).loadUnaligned(as: DirectVector.self))
            }
            // G·g: down each of g's three columns; then (G·g)·Gᵀ along each of the six rows.
            let c0 = mix(tap(0), tap(3), tap(6))
            let c1 = mix(tap(1), tap(4), tap(7))
            let c2 = mix(tap(2), tap(5), tap(8))
            store(0, mix(c0.0, c1.0, c2.0))
            store(1, mix(c0.1, c1.1, c2.1))
            store(2, mix(c0.2, c1.2, c2.2))
            store(3, mix(c0.3, c1.3, c2.3))
            store(4, mix(c0.4, c1.4, c2.4))
            store(5, mix(c0.5, c1.5, c2.5))
        }
    }
}

extension F4x4 {
    /// Bᵀ d B of every 6×6 block of one image: `v[ξ · stride + tile · inChannels + c]`, tiles in
    /// row order. The image is first copied channel-last into `padded`
    /// (`grid.paddedCount(inChannels)` floats), whose border of zeros is written with
    /// `zeroBorder` only (`winogradPadImage`); `columns` holds one block row's column
    /// transforms (`grid.paddedW · 6 · 16` floats), each column transformed once and read by the
    /// two blocks that share it.
    ///
    /// - image: `[inChannels, height, width]`
    @inline(__always)
    static func transformImage(
        _ s: Conv2dShape, _ grid: WinogradGrid, image: UnsafePointer<Float>,
        padded: UnsafeMutablePointer<Float>, zeroBorder: Bool,
        columns: UnsafeMutablePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int
    ) {
        let channels = s.inChannels
        winogradPadImage(s, grid, image: image, padded: padded, zeroBorder: zeroBorder)
        let rowStride = grid.paddedW * channels
        let vector = MemoryLayout<DirectVector>.stride
        let column = UnsafeMutableRawPointer(columns)
        for c in Swift.stride(from: 0, to: channels, by: directNR) {
            for ty in 0..<grid.blocksH {
                // Bᵀ d of each column of this row of blocks: columns[x][i][16].
                let top = UnsafeRawPointer(padded + 4 * ty * rowStride + c)
                for x in 0..<grid.paddedW {
                    let d = top + x * channels * MemoryLayout<Float>.stride
                    let step = rowStride * MemoryLayout<Float>.stride
                    @inline(__always) func at(_ i: Int) -> DirectVector {
                        d.loadUnaligned(fromByteOffset: i * step, as: DirectVector.self)
                    }
                    let t = F4x4.input(at(0), at(1), at(2), at(3), at(4), at(5))
                    let target = column + 6 * x * vector
                    target.storeBytes(of: t.0, as: DirectVector.self)
                    target.storeBytes(of: t.1, toByteOffset: vector, as: DirectVector.self)
                    target.storeBytes(of: t.2, toByteOffset: 2 * vector, as: DirectVector.self)
                    target.storeBytes(of: t.3, toByteOffset: 3 * vector, as: DirectVector.self)
                    target.storeBytes(of: t.4, toByteOffset: 4 * vector, as: DirectVector.self)
                    target.storeBytes(of: t.5, toByteOffset: 5 * vector, as: DirectVector.self)
                }
                // Row i of each block's Bᵀ d, times B.
                for tx in 0..<grid.blocksW {
                    let first = column + 6 * 4 * tx * vector
                    let out = v + (ty * grid.blocksW + tx) * channels + c
                    for i in 0..<6 {
                        @inline(__always) func at(_ j: Int) -> DirectVector {
                            first.load(fromByteOffset: (6 * j + i) * vector, as: DirectVector.self)
                        }
                        let r = F4x4.input(at(0), at(1), at(2), at(3), at(4), at(5))
                        @inline(__always) func store(_ j: Int, _ value: DirectVector) {
                            UnsafeMutableRawPointer(out + (6 * i + j) * stride).storeBytes(
                                of: value, as: DirectVector.self)
                        }
                        store(0, r.0)
                        store(1, r.1)
                        store(2, r.2)
                        store(3, r.3)
                        store(4, r.4)
                        store(5, r.5)
                    }
                }
            }
        }
    }
}

/// Forward convolution by F(4×4, 3×3). Needs `winogradApplies(s)`.
///
/// - input: `[batch, inChannels, height, width]`
/// - weight: `[outChannels, inChannels, 3, 3]`
/// - bias: `[outChannels]` or nil
/// - output: `[batch, outChannels, height, width]`, overwritten
/// - epilogue: applied to each panel's outputs of a bundle of images right after they are
///   written
/// - inputNormalization: applied to each image's values in its channel-last copy
/// - prepared: the weights transformed and packed already (``Conv2dForwardWeights``), or nil
///   to do it in this call
///
/// In four phases: the weights transformed and packed once (`F4x4.packWeights`), the
/// scratch laid out once (`F4x4.Plan`), then for each bundle of images their blocks
/// transformed (`F4x4.transformBundle`), the 36 products on the register tile
/// (`F4x4.multiply`), and the outputs transformed back and returned to channel planes
/// (`F4x4.returnOutputs`).
public func conv2dForwardWinograd(
    _ s: Conv2dShape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
    epilogue: Conv2dEpilogue = .none, inputNormalization: Conv2dInputNormalization? = nil,
    prepared: Conv2dForwardWeights? = nil
) {
    checkArgument(winogradApplies(s), "conv2dForwardWinograd: needs 3×3, stride 1, padding 1")
    checkArgument(
        prepared.map { $0.matches(s) && $0.winograd != nil } ?? true,
        "conv2dForwardWinograd: weights prepared for another layer than \(s)")
    let plan = F4x4.Plan(s, inputNormalization: inputNormalization)
    let packed =
        prepared?.winograd ?? F4x4.packWeights(s, weight: weight, panelCount: plan.panelCount)
    let starts = (0..<plan.rowsMax).map { $0 * s.inChannels }
    let blocks = plan.grid.blocks(s, images: plan.grid.bundle)
    packed.withUnsafeBufferPointer { packed in
        starts.withUnsafeBufferPointer { starts in
            let packed = SendablePointer(packed.baseAddress!)
            let starts = SendablePointer(starts.baseAddress!)
            Parallel.forChunks(s.batch) { chunk in
                ScratchBuffers.with(count: plan.scratch.count) { base in
                    let scratch = plan.pointers(base)
                    for first in stride(
                        from: chunk.lowerBound, to: chunk.upperBound, by: plan.grid.bundle)
                    {
                        let bundle = plan.bundle(
                            first: first, images: min(plan.grid.bundle, chunk.upperBound - first))
                        F4x4.transformBundle(
                            s, plan, bundle, input: input, scratch,
                            zeroBorder: first == chunk.lowerBound)
                        for firstPanel in stride(from: 0, to: plan.panelCount, by: plan.span) {
                            let panels = min(plan.span, plan.panelCount - firstPanel)
                            F4x4.multiply(
                                plan, bundle, panels: firstPanel..<(firstPanel + panels),
                                packed: packed.pointer, starts: starts.pointer, scratch)
                            F4x4.returnOutputs(
                                s, plan, bundle, panels: firstPanel..<(firstPanel + panels),
                                blocks: blocks, bias: bias, output: output, epilogue: epilogue,
                                scratch)
                        }
                    }
                }
            }
        }
    }
}

extension F4x4 {
    /// What the forward pass decides once per call: the blocks, the panels of 16 output
    /// channels and how many the tile takes at once, the tile's rows, and the scratch of one
    /// thread (the padded channel-last image, one block row's column transforms, the
    /// transformed inputs V, the products M and the staged outputs).
    struct Plan {
        let grid: WinogradGrid
        let channels: Int
        let panelCount: Int
        /// Panels per pass of the tile: 2 with AVX-512 (`directTilePair`), else 1.
        let span: Int
        /// The register tile's rows (`InstructionSet.directRows`).
        let rows: Int
        /// Tile rows of a full bundle's blocks, rounded up to whole tiles.
        let rowsMax: Int
        let outputPlane: Int
        var scratch = ScratchLayout()
        let padded: Int
        let columns: Int
        let v: Int
        let m: Int
        let staged: Int

        init(_ s: Conv2dShape, inputNormalization: Conv2dInputNormalization? = nil) {
            grid = WinogradGrid(s, block: 4, inputNormalization: inputNormalization)
            channels = s.inChannels
            panelCount = (s.outChannels + directNR - 1) / directNR
            span = InstructionSet.tiles.tilePanels
            rows = InstructionSet.tiles.directRows
            rowsMax = (grid.bundle * grid.blocksPerImage + rows - 1) / rows * rows
            outputPlane = s.outHeight * s.outWidth
            padded = scratch.reserve(grid.paddedCount(channels))
            columns = scratch.reserve(grid.paddedW * 6 * directNR)
            v = scratch.reserve(F4x4.elements * winogradStreamStride(rowsMax * channels))
            m = scratch.reserve(span * F4x4.elements * winogradStreamStride(rowsMax * directNR))
            staged = scratch.reserve(grid.bundle * outputPlane * directNR)
        }

        /// The scratch arrays in a buffer of `scratch.count` floats.
        func pointers(_ base: UnsafeMutablePointer<Float>) -> Scratch {
            Scratch(
                padded: base + padded, columns: base + columns, v: base + v, m: base + m,
                staged: base + staged)
        }

        /// The sizes of one bundle of `images` images from `first`.
        func bundle(first: Int, images: Int) -> Bundle {
            let count = images * grid.blocksPerImage
            let stored = (count + rows - 1) / rows * rows
            return Bundle(
                first: first, images: images, count: count,
                vStride: winogradStreamStride(stored * channels),
                mStride: winogradStreamStride(stored * directNR))
        }
    }

    /// One thread's scratch arrays.
    struct Scratch {
        let padded: UnsafeMutablePointer<Float>
        let columns: UnsafeMutablePointer<Float>
        /// V[ξ][block][c], ξ a stride of `Bundle.vStride` apart.
        let v: UnsafeMutablePointer<Float>
        /// M[panel][ξ][block][16].
        let m: UnsafeMutablePointer<Float>
        /// The outputs of one panel, pixel-major: `staged[image][pixel][16]`.
        let staged: UnsafeMutablePointer<Float>
    }

    /// A bundle of images transformed and multiplied together.
    struct Bundle {
        let first: Int
        let images: Int
        /// Its blocks.
        let count: Int
        /// Floats between two ξ of V and of M (`winogradStreamStride`).
        let vStride: Int
        let mStride: Int
    }

    /// U = G g Gᵀ of every filter, packed as the direct tile reads its weights:
    /// `U[ξ][panel][c][16]`.
    static func packWeights(_ s: Conv2dShape, weight: UnsafePointer<Float>, panelCount: Int)
        -> [Float]
    {
        let channels = s.inChannels
        let count = F4x4.elements * panelCount * channels * directNR
        return [Float](unsafeUninitializedCapacity: count) { packed, initialized in
            let packed = SendablePointer(packed.baseAddress!)
            // Each (panel, channel) writes its sixteen lanes of all 36 ξ, so together they
            // write every float; in parallel (this ran on one thread while the other waited).
            Parallel.forChunks(panelCount * channels, minimumChunk: 16) { pairs in
                for pair in pairs {
                    let (panel, c) = pair.quotientAndRemainder(dividingBy: channels)
                    let k0 = panel * directNR
                    F4x4.weights(
                        weight + (k0 * channels + c) * 9, gStride: channels * 9,
                        lanes: min(directNR, s.outChannels - k0),
                        into: packed.advanced(by: (panel * channels + c) * directNR),
                        uStride: panelCount * channels * directNR)
                }
            }
            initialized = count
        }
    }

    /// V = Bᵀ d B of every block of the bundle's images: `V[ξ][block][c]`; rows past
    /// `bundle.count` are left as they are (computed by the tile, never stored). The padded
    /// image's border is zeroed for the first image when `zeroBorder` (the first bundle a
    /// scratch buffer holds in this call).
    @inline(__always)
    static func transformBundle(
        _ s: Conv2dShape, _ plan: Plan, _ bundle: Bundle, input: UnsafePointer<Float>,
        _ scratch: Scratch, zeroBorder: Bool
    ) {
        for slot in 0..<bundle.images {
            F4x4.transformImage(
                s, plan.grid, image: input + (bundle.first + slot) * s.inputImageSize,
                padded: scratch.padded, zeroBorder: zeroBorder && slot == 0,
                columns: scratch.columns,
                into: scratch.v + slot * plan.grid.blocksPerImage * plan.channels,
                stride: bundle.vStride)
        }
    }

    /// M[ξ] = V[ξ] · U[ξ] for the 36 ξ and `panels` (one or two panels of 16 output
    /// channels), on the register tile: the blocks as its rows, the channels summed in order.
    @inline(__always)
    static func multiply(
        _ plan: Plan, _ bundle: Bundle, panels: Range<Int>, packed: UnsafePointer<Float>,
        starts: UnsafePointer<Int>, _ scratch: Scratch
    ) {
        let panelStep = F4x4.elements * bundle.mStride
        for xi in 0..<F4x4.elements {
            let weights =
                packed + (xi * plan.panelCount + panels.lowerBound) * plan.channels * directNR
            let transformed = UnsafePointer(scratch.v + xi * bundle.vStride)
            for g in stride(from: 0, to: bundle.count, by: plan.rows) {
                directTilePanels(
                    panels: panels.count, rows: plan.rows, depth: plan.channels,
                    taps: TapStride(step: 1), weights: weights,
                    weightStep: plan.channels * directNR, input: transformed,
                    starts: TapTable(offsets: starts + g),
                    into: scratch.m + xi * bundle.mStride + g * directNR,
                    tileStep: panelStep)
            }
        }
    }

    /// Y = Aᵀ M A + bias of each panel, staged pixel-major, then returned to the output's
    /// channel planes (with the epilogue).
    @inline(__always)
    static func returnOutputs(
        _ s: Conv2dShape, _ plan: Plan, _ bundle: Bundle, panels: Range<Int>,
        blocks: [WinogradBlock], bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, epilogue: Conv2dEpilogue, _ scratch: Scratch
    ) {
        let panelStep = F4x4.elements * bundle.mStride
        for panel in panels {
            F4x4.outputs(
                s, blocks: blocks, count: bundle.count,
                products: scratch.m + (panel - panels.lowerBound) * panelStep,
                stride: bundle.mStride, bias: bias, panel: panel, staged: scratch.staged)
            winogradReturnOutputs(
                s, staged: scratch.staged, images: bundle.images, first: bundle.first,
                panel: panel, output: output, epilogue: epilogue)
        }
    }
}

extension F4x4 {
    /// Y = Aᵀ M A + bias for every block of a bundle, sixteen output channels (one panel) at a
    /// time, staged pixel-major (`staged[pixel][16]`), the pixels inside the map only.
    /// `products[ξ · stride + tile · 16]` holds M.
    @inline(__always)
    fileprivate static func outputs(
        _ s: Conv2dShape, blocks: [WinogradBlock], count: Int,
        products: UnsafeMutablePointer<Float>,
        stride: Int, bias: UnsafePointer<Float>?, panel: Int, staged: UnsafeMutablePointer<Float>
    ) {
        let k0 = panel * directNR
        let lanes = min(directNR, s.outChannels - k0)
        var shifts = DirectVector()
        for j in 0..<lanes { shifts[j] = bias?[k0 + j] ?? 0 }
        let vector = MemoryLayout<DirectVector>.stride
        // Bytes between two staged rows, worked out once: `outWidth` divides (a tenth of a
        // percent of a training step when it was asked for on every row of every block).
        let rowBytes = s.outWidth * vector
        for tile in 0..<count {
            let m = UnsafeRawPointer(products + tile * directNR)
            @inline(__always) func at(_ xi: Int) -> DirectVector {
                m.load(
                    fromByteOffset: xi * stride * MemoryLayout<Float>.stride, as: DirectVector.self)
            }
            // Aᵀ M: down each of the six columns, four rows of six.
            let c0 = F4x4.output(at(0), at(6), at(12), at(18), at(24), at(30))
            let c1 = F4x4.output(at(1), at(7), at(13), at(19), at(25), at(31))
            let c2 = F4x4.output(at(2), at(8), at(14), at(20), at(26), at(32))
            let c3 = F4x4.output(at(3), at(9), at(15), at(21), at(27), at(33))
            let c4 = F4x4.output(at(4), at(10), at(16), at(22), at(28), at(34))
            let c5 = F4x4.output(at(5), at(11), at(17), at(23), at(29), at(35))
            let block = blocks[tile]
            let corner = UnsafeMutableRawPointer(staged + block.origin * directNR)
            @inline(__always) func put(
                _ i: Int, _ y: (DirectVector, DirectVector, DirectVector, DirectVector)
            ) {
                guard i < block.rows else { return }
                let row = corner + i * rowBytes
                row.storeBytes(of: y.0 + shifts, as: DirectVector.self)
                if block.columns > 1 {
                    row.storeBytes(of: y.1 + shifts, toByteOffset: vector, as: DirectVector.self)
                }
                if block.columns > 2 {
                    row.storeBytes(
                        of: y.2 + shifts, toByteOffset: 2 * vector, as: DirectVector.self)
                }
                if block.columns > 3 {
                    row.storeBytes(
                        of: y.3 + shifts, toByteOffset: 3 * vector, as: DirectVector.self)
                }
            }
            // Each row of Aᵀ M times A.
            put(0, F4x4.output(c0.0, c1.0, c2.0, c3.0, c4.0, c5.0))
            put(1, F4x4.output(c0.1, c1.1, c2.1, c3.1, c4.1, c5.1))
            put(2, F4x4.output(c0.2, c1.2, c2.2, c3.2, c4.2, c5.2))
            put(3, F4x4.output(c0.3, c1.3, c2.3, c3.3, c4.3, c5.3))
        }
    }
}
