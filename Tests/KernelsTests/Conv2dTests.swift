import Kernels
import Testing

/// One convolution problem with seeded inputs.
struct ConvCase: Sendable, CustomTestStringConvertible {
    let shape: Conv2dShape
    let bias: Bool

    init(
        _ batch: Int, _ inChannels: Int, _ height: Int, _ width: Int, _ outChannels: Int,
        kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), bias: Bool
    ) {
        shape = try! Conv2dShape(
            batch: batch, inChannels: inChannels, height: height, width: width,
            outChannels: outChannels, kernelH: kernel.0, kernelW: kernel.1, strideH: stride.0,
            strideW: stride.1, padH: padding.0, padW: padding.1)
        self.bias = bias
    }

    var testDescription: String { "\(shape)\(bias ? " + bias" : "")" }

    var outputCount: Int { shape.batch * shape.outputImageSize }
    var inputCount: Int { shape.batch * shape.inputImageSize }

    /// Input, weight, bias and output gradient from the seed (absolute values if asked).
    func data(absolute: Bool = false) -> (x: [Float], w: [Float], b: [Float], dy: [Float]) {
        func make(_ count: Int, _ seed: UInt64) -> [Float] {
            let values = randomArray(count, seed: seed)
            return absolute ? values.map(abs) : values
        }
        return (
            make(inputCount, 11), make(shape.weightSize, 12), make(shape.outChannels, 13),
            make(outputCount, 14)
        )
    }

    func forward(naive: Bool, absolute: Bool = false) -> [Float] {
        let (x, w, b, _) = data(absolute: absolute)
        var y = [Float](repeating: .nan, count: outputCount)
        b.withUnsafeBufferPointer { bias in
            let biasPointer = self.bias ? bias.baseAddress : nil
            if naive {
                conv2dForwardNaive(shape, input: x, weight: w, bias: biasPointer, output: &y)
            } else {
                conv2dForward(shape, input: x, weight: w, bias: biasPointer, output: &y)
            }
        }
        return y
    }

    func backwardData(naive: Bool, absolute: Bool = false) -> [Float] {
        let (_, w, _, dy) = data(absolute: absolute)
        var dx = [Float](repeating: .nan, count: inputCount)
        if naive {
            conv2dBackwardDataNaive(shape, gradOutput: dy, weight: w, gradInput: &dx)
        } else {
            conv2dBackwardData(shape, gradOutput: dy, weight: w, gradInput: &dx)
        }
        return dx
    }

    /// Weight gradient followed by the bias gradient (empty when there is no bias).
    func backwardWeight(naive: Bool, absolute: Bool = false) -> [Float] {
        let (x, _, _, dy) = data(absolute: absolute)
        var dw = [Float](repeating: .nan, count: shape.weightSize)
        var db = [Float](repeating: .nan, count: bias ? shape.outChannels : 0)
        db.withUnsafeMutableBufferPointer { gradBias in
            let biasPointer = bias ? gradBias.baseAddress : nil
            if naive {
                conv2dBackwardWeightNaive(
                    shape, input: x, gradOutput: dy, gradWeight: &dw, gradBias: biasPointer)
            } else {
                conv2dBackwardWeight(
                    shape, input: x, gradOutput: dy, gradWeight: &dw, gradBias: biasPointer)
            }
        }
        return dw + db
    }
}

/// Odd sizes; strides 1/2/3; paddings 0/1/3; kernels 1×1, 3×3, 7×7 and non-square;
/// non-square images; with and without bias; pointwise (straight-to-GEMM) cases.
let convCases: [ConvCase] = [
    ConvCase(2, 3, 5, 7, 4, kernel: (1, 1), stride: (1, 1), padding: (0, 0), bias: true),
    ConvCase(3, 5, 6, 4, 7, kernel: (1, 1), stride: (1, 1), padding: (0, 0), bias: false),
    ConvCase(2, 3, 9, 11, 5, kernel: (1, 1), stride: (2, 2), padding: (0, 0), bias: true),
    ConvCase(1, 2, 4, 3, 3, kernel: (1, 1), stride: (1, 1), padding: (1, 1), bias: false),
    ConvCase(2, 3, 8, 8, 4, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
    ConvCase(3, 4, 9, 13, 6, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ConvCase(2, 5, 10, 7, 3, kernel: (3, 3), stride: (3, 3), padding: (0, 0), bias: true),
    ConvCase(2, 3, 11, 9, 4, kernel: (3, 3), stride: (1, 2), padding: (3, 0), bias: false),
    ConvCase(2, 2, 15, 12, 5, kernel: (7, 7), stride: (2, 2), padding: (3, 3), bias: true),
    ConvCase(1, 3, 13, 17, 2, kernel: (7, 7), stride: (3, 3), padding: (1, 1), bias: false),
    ConvCase(2, 3, 7, 10, 4, kernel: (3, 5), stride: (1, 2), padding: (1, 3), bias: true),
    ConvCase(5, 3, 6, 6, 5, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
    // More images than weight-gradient groups (16), so groups hold several images, bundled
    // into one dot product on this small map.
    ConvCase(40, 3, 5, 4, 4, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
    // More than one GEMM depth slice (gemmKC = 512): C·R·S = 539 and 552 output pixels.
    ConvCase(2, 11, 24, 23, 5, kernel: (7, 7), stride: (1, 1), padding: (3, 3), bias: true),
    // At least 8 channels: the direct tile (`Conv2d+Direct.swift`). Output channels that
    // leave a partial 16-lane panel; stride 2 forward; bundles of 8 small images and a short
    // last bundle; non-square kernels and paddings; an unpadded 5×5, whose data gradient pads
    // by 4; mixed strides.
    ConvCase(3, 8, 6, 5, 20, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
    ConvCase(2, 17, 7, 7, 33, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ConvCase(11, 16, 7, 7, 16, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: false),
    ConvCase(2, 9, 5, 6, 10, kernel: (3, 5), stride: (1, 1), padding: (2, 1), bias: true),
    ConvCase(1, 12, 9, 9, 8, kernel: (5, 5), stride: (1, 1), padding: (0, 0), bias: false),
    ConvCase(2, 8, 6, 7, 9, kernel: (3, 3), stride: (2, 1), padding: (1, 1), bias: true),
    // Winograd, F(4×4, 3×3) forward and for both gradients: 3×3, stride 1, padding 1, input channels in sixteens; sides that leave a
    // last block cut off (by 1, 2 or 3 of F(4×4, 3×3)'s four), output channels that leave a
    // partial panel, one image, bundles of small images, a map wider than a bundle of
    // blocks; the data gradient where the output channels come in sixteens too.
    ConvCase(3, 16, 8, 8, 16, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
    ConvCase(2, 32, 7, 9, 20, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: false),
    ConvCase(2, 16, 9, 5, 32, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
    ConvCase(1, 32, 14, 14, 16, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: false),
    ConvCase(9, 16, 3, 3, 48, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
    ConvCase(2, 9, 6, 6, 16, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: false),
    ConvCase(2, 16, 29, 23, 16, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
    // More images than weight-gradient groups, on a map of one image per bundle: each group
    // sums several images.
    ConvCase(18, 16, 17, 16, 24, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: false),
    // Large maps (one image per bundle) and more images than weight-gradient groups, so a
    // group's direct-tile partial accumulates over several images.
    ConvCase(34, 8, 24, 24, 8, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
]

@Suite("Conv2d")
struct Conv2dTests {
    // Tolerances: see `expectWithinRoundoff`; the length is the number of products summed per output.

    // Every case runs with the register tiles of every instruction set (`InstructionSet`):
    // another set's tiles are correct on any machine, so the portable ones are checked here
    // even where no build would choose them.

    @Test(
        "conv2dForward matches the direct loops", arguments: convCases, InstructionSet.allCases)
    func forward(c: ConvCase, tiles: InstructionSet) {
        let s = c.shape
        let fast = InstructionSet.$tiles.withValue(tiles) { c.forward(naive: false) }
        if s.paths.forward == .winograd {
            // The products over the channels, and up to 13 roundings in F(4×4, 3×3)'s
            // transforms (4 for Bᵀ d B, 1 for G g Gᵀ, 6 for Aᵀ M A, the product, the bias).
            let (x, w, _, _) = c.data()
            expectWithinRoundoff(
                fast, c.forward(naive: true),
                magnitude: winogradMagnitude(
                    batch: s.batch, channels: s.inChannels, height: s.height, width: s.width,
                    outChannels: s.outChannels, x: x, w: w
                ).map { $0 + 1 },  // + the bias, at most 1 in size
                length: s.inChannels + 16, "forward (Winograd)")
        } else {
            expectWithinRoundoff(
                fast, c.forward(naive: true),
                magnitude: c.forward(naive: true, absolute: true),
                length: s.inChannels * s.kernelH * s.kernelW + 2, "forward")
        }
    }

    @Test(
        "conv2dBackwardData matches the direct loops", arguments: convCases,
        InstructionSet.allCases)
    func backwardData(c: ConvCase, tiles: InstructionSet) {
        let s = c.shape
        let fast = InstructionSet.$tiles.withValue(tiles) { c.backwardData(naive: false) }
        if s.paths.backwardData == .winograd {
            // A forward convolution of the output gradient with the flipped kernel.
            let (_, w, _, dy) = c.data()
            let flipped = dataGradientWeights(
                outChannels: s.outChannels, inChannels: s.inChannels, taps: 9
            ) { w[$0] }
            expectWithinRoundoff(
                fast, c.backwardData(naive: true),
                magnitude: winogradMagnitude(
                    batch: s.batch, channels: s.outChannels, height: s.height, width: s.width,
                    outChannels: s.inChannels, x: dy, w: flipped),
                length: s.outChannels + 16, "backward data (Winograd)")
        } else {
            expectWithinRoundoff(
                fast, c.backwardData(naive: true),
                magnitude: c.backwardData(naive: true, absolute: true),
                length: s.outChannels * s.kernelH * s.kernelW + 1, "backward data")
        }
    }

    @Test(
        "conv2dBackwardWeight matches the direct loops", arguments: convCases,
        InstructionSet.allCases)
    func backwardWeight(c: ConvCase, tiles: InstructionSet) {
        let s = c.shape
        let fast = InstructionSet.$tiles.withValue(tiles) { c.backwardWeight(naive: false) }
        if s.paths.backwardWeight == .winograd {
            // Sums over the images' blocks (in groups), then up to 12 roundings in the
            // transforms; the bias gradient is a plain sum, within its own bound.
            let (x, _, _, dy) = c.data()
            let blocks = s.batch * ((s.height + 3) / 4) * ((s.width + 3) / 4)
            expectWithinRoundoff(
                fast, c.backwardWeight(naive: true),
                magnitude: winogradWeightMagnitude(
                    batch: s.batch, channels: s.inChannels, height: s.height, width: s.width,
                    outChannels: s.outChannels, x: x, dy: dy, block: 4
                ) + c.backwardWeight(naive: true, absolute: true).dropFirst(s.weightSize),
                length: blocks + 16, "backward weight (Winograd)")
        } else {
            expectWithinRoundoff(
                fast, c.backwardWeight(naive: true),
                magnitude: c.backwardWeight(naive: true, absolute: true),
                length: s.batch * s.outHeight * s.outWidth + 1, "backward weight")
        }
    }

    @Test(
        "forward, data and weight gradients are bit-identical for 1, 2 and 3 threads",
        arguments: [
            ConvCase(5, 4, 9, 7, 6, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
            // One image: the GEMMs parallelise inside instead of over the batch.
            ConvCase(
                1, 32, 32, 32, 64, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
            ConvCase(19, 8, 5, 5, 4, kernel: (1, 1), stride: (1, 1), padding: (0, 0), bias: true),
            // The direct tile: bundles of 8 small images, split over the batch; and one image,
            // its tiles split between threads.
            ConvCase(
                11, 16, 7, 7, 20, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
            ConvCase(1, 9, 12, 10, 24, kernel: (3, 3), stride: (2, 1), padding: (1, 1), bias: true),
            // Two images, three threads: the weight gradient splits its tiles.
            ConvCase(2, 16, 9, 9, 40, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: false),
            // Winograd's weight gradient with several images per group.
            ConvCase(
                20, 16, 17, 15, 24, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: true),
            // Groups of two and three bundles of one image each (48 × 48 maps, 144 blocks;
            // 32 × 32 outputs), Winograd's and the direct tile's: one thread adds every group
            // into the first partial as it goes, two and three threads only those of the first
            // run of groups.
            ConvCase(
                40, 16, 48, 48, 16, kernel: (3, 3), stride: (1, 1), padding: (1, 1), bias: false),
            ConvCase(
                40, 4, 64, 64, 8, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
        ])
    func threadIndependence(c: ConvCase) {
        let one = Parallel.withThreadCount(1) {
            (c.forward(naive: false), c.backwardData(naive: false), c.backwardWeight(naive: false))
        }
        for threads in [2, 3] {
            let many = Parallel.withThreadCount(threads) {
                (
                    c.forward(naive: false), c.backwardData(naive: false),
                    c.backwardWeight(naive: false)
                )
            }
            expectBitIdentical(many.0, one.0, "forward, \(threads) threads vs 1")
            expectBitIdentical(many.1, one.1, "backward data, \(threads) threads vs 1")
            expectBitIdentical(many.2, one.2, "backward weight, \(threads) threads vs 1")
        }
    }
}

@Suite("The data gradient's epilogue")
struct DataGradientEpilogueTests {
    @Test(
        "a residual in the epilogue gives the gradient plus the residual, to the bit, on every path",
        arguments: convCases + stridedDataCases)
    func residualIsAddedAsWritten(c: ConvCase) {
        let s = c.shape
        let (_, w, _, dy) = c.data()
        let running = randomArray(c.inputCount, seed: 15)
        let plain = c.backwardData(naive: false)
        let expected = zip(plain, running).map { $0 + $1 }
        for threads in [1, 2] {
            var fused = [Float](repeating: .nan, count: c.inputCount)
            running.withUnsafeBufferPointer { r in
                Parallel.withThreadCount(threads) {
                    conv2dBackwardData(
                        s, gradOutput: dy, weight: w, gradInput: &fused,
                        epilogue: Conv2dEpilogue(residual: r.baseAddress!))
                }
            }
            expectBitIdentical(fused, expected, "\(s.paths.backwardData), \(threads) threads")
        }
    }
}

/// Strided convolutions whose data gradient runs on the direct tile, phase by phase: the
/// ablation's two strided layers (small), a stride-2 7×7 stem-like layer, strides 3 and
/// (2, 1) and (1, 2), a 1×1 stride-2 projection (phases no tap reaches), channels that leave
/// partial panels (17, 33: with AVX-512 a pair of panels, then one), output channels in
/// sixteens and not, one image (its tiles split between threads), several bundles of small
/// images with a short last one (20 images of 6 × 6, bundles of 8), and 512 output channels,
/// the most one GEMM depth slice sums.
let stridedDataCases: [ConvCase] = [
    ConvCase(3, 16, 12, 12, 32, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ConvCase(7, 32, 6, 6, 64, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ConvCase(2, 17, 7, 7, 33, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ConvCase(1, 33, 9, 8, 5, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ConvCase(2, 8, 15, 12, 5, kernel: (7, 7), stride: (2, 2), padding: (3, 3), bias: false),
    ConvCase(2, 9, 13, 11, 6, kernel: (3, 3), stride: (3, 3), padding: (0, 0), bias: false),
    ConvCase(3, 8, 6, 7, 9, kernel: (3, 3), stride: (2, 1), padding: (1, 1), bias: false),
    ConvCase(2, 12, 7, 10, 4, kernel: (3, 5), stride: (1, 2), padding: (1, 3), bias: false),
    ConvCase(4, 16, 9, 9, 24, kernel: (1, 1), stride: (2, 2), padding: (0, 0), bias: false),
    ConvCase(20, 16, 6, 6, 32, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
    ConvCase(1, 8, 5, 4, 512, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false),
]

@Suite("The strided data gradient on the direct tile")
struct StridedDataGradientTests {
    @Test("the cases take the direct tile for the data gradient; 513 output channels do not")
    func casesReachTheTile() throws {
        for c in stridedDataCases {
            #expect(c.shape.paths.backwardData == .direct, "\(c.testDescription)")
        }
        let deeper = try Conv2dShape(
            batch: 1, inChannels: 8, height: 5, width: 4, outChannels: 513, kernelSize: 3,
            stride: 2, padding: 1)
        #expect(deeper.paths.backwardData == .unfolded)
    }

    /// Products below the smallest float round to −0, so a tap's chain can end at −0; GEMM and
    /// col2im give +0 there, and so must the tile (its return adds +0).
    @Test("products that underflow give the zeros of GEMM and col2im, +0", arguments: [16, 32])
    func underflowGivesPositiveZeros(channels: Int) throws {
        let s = try Conv2dShape(
            batch: 2, inChannels: channels, height: 8, width: 8, outChannels: 16, kernelSize: 3,
            stride: 2, padding: 1)
        let w = [Float](repeating: -1e-30, count: s.weightSize)
        let dy = [Float](repeating: 1e-30, count: s.batch * s.outputImageSize)
        var expected = [Float](repeating: .nan, count: s.batch * s.inputImageSize)
        conv2dBackwardDataUnfolded(s, gradOutput: dy, weight: w, gradInput: &expected)
        #expect(expected.allSatisfy { $0.bitPattern == Float(0).bitPattern })
        for tiles in InstructionSet.allCases {
            var dx = [Float](repeating: .nan, count: expected.count)
            InstructionSet.$tiles.withValue(tiles) {
                conv2dBackwardData(s, gradOutput: dy, weight: w, gradInput: &dx)
            }
            expectBitIdentical(dx, expected, "\(tiles) tiles")
        }
    }

    @Test(
        "the bits of GEMM and col2im, on every instruction set's tile and 1-3 threads",
        arguments: stridedDataCases)
    func bitsOfTheUnfoldedPath(c: ConvCase) {
        let s = c.shape
        let (_, w, _, dy) = c.data()
        var expected = [Float](repeating: .nan, count: c.inputCount)
        conv2dBackwardDataUnfolded(s, gradOutput: dy, weight: w, gradInput: &expected)
        #expect(expected.allSatisfy { !$0.isNaN })
        for tiles in InstructionSet.allCases {
            for threads in 1...3 {
                let fast = InstructionSet.$tiles.withValue(tiles) {
                    Parallel.withThreadCount(threads) { c.backwardData(naive: false) }
                }
                expectBitIdentical(fast, expected, "\(tiles) tiles, \(threads) threads")
            }
        }
    }
}

@Suite("im2col and col2im")
struct Im2colTests {
    @Test("col2im is the adjoint of im2col: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩", arguments: convCases)
    func adjoint(c: ConvCase) {
        let s = c.shape
        let x = randomArray(s.inputImageSize, seed: 21)
        let y = randomArray(s.columnRows * s.columnCount, seed: 22)
        var columns = [Float](repeating: .nan, count: y.count)
        im2col(s, image: x, columns: &columns)
        var image = [Float](repeating: 0, count: x.count)
        col2im(s, columns: y, image: &image)
        let left = zip(columns, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(x, image).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        // Both sides sum the same products (col2im adds at most rows·taps floats per pixel).
        let scale = zip(columns, y).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
        #expect(abs(left - right) <= 1e-5 * max(scale, 1), "\(left) vs \(right)")
    }

    @Test("im2col puts the tap under each output pixel and zeros in the padding")
    func knownValues() throws {
        // One 3×3 image 1…9, 3×3 kernel, padding 1, stride 2: output 2×2.
        let s = try Conv2dShape(
            batch: 1, inChannels: 1, height: 3, width: 3, outChannels: 1, kernelSize: 3,
            stride: 2, padding: 1)
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        var columns = [Float](repeating: .nan, count: 9 * 4)
        im2col(s, image: x, columns: &columns)
        // Tap (0, 0) sees input (−1,−1), (−1,1), (1,−1), (1,1).
        #expect(Array(columns[0..<4]) == [0, 0, 0, 5])
        // Tap (1, 1), the centre, sees (0,0), (0,2), (2,0), (2,2).
        #expect(Array(columns[16..<20]) == [1, 3, 7, 9])
        // Tap (2, 2) sees (1,1), (1,3), (3,1), (3,3).
        #expect(Array(columns[32..<36]) == [5, 0, 0, 0])
        var back = [Float](repeating: 1, count: 9)
        col2im(s, columns: columns, image: &back)
        // Every input pixel was copied (2 or 4 times: centre 4, others by position) and added to 1.
        #expect(back[4] == 1 + 5 * 4)
        #expect(back[0] == 1 + 1 * 1)
    }

    @Test("the cases reach Winograd's forward pass and both gradients")
    func casesReachWinograd() {
        #expect(convCases.filter { $0.shape.paths.forward == .winograd }.count >= 5)
        #expect(convCases.filter { $0.shape.paths.backwardData == .winograd }.count >= 3)
        #expect(convCases.filter { $0.shape.paths.backwardWeight == .winograd }.count >= 5)
    }

    @Test(
        "the tiles of every instruction set give the same bits, on 1 and 2 threads",
        arguments: convCases.filter { $0.shape.paths.forward != .unfolded })
    func instructionSetIndependence(c: ConvCase) {
        func all() -> [[Float]] {
            [c.forward(naive: false), c.backwardData(naive: false), c.backwardWeight(naive: false)]
        }
        let reference = InstructionSet.$tiles.withValue(.avx512) { all() }
        for tiles in InstructionSet.allCases {
            for threads in [1, 2] {
                let results = InstructionSet.$tiles.withValue(tiles) {
                    Parallel.withThreadCount(threads) { all() }
                }
                for (name, (result, expected)) in zip(
                    ["forward", "backward data", "backward weight"], zip(results, reference))
                {
                    expectBitIdentical(
                        result, expected, "\(name), \(tiles) tiles, \(threads) threads")
                }
            }
        }
    }
}

@Suite("Winograd's accuracy")
struct WinogradAccuracyTests {
    /// The rounding bound of `Conv2dTests` holds for any correct F(4×4, 3×3), but it is
    /// loose there (its coefficients reach 114 in two dimensions): loose enough to pass a
    /// weight transform whose sixths are off in the fifth digit. This pins the typical error
    /// instead: on the ablation's three layer shapes, inputs in [−1, 1) and weights in
    /// [−0.1, 0.1), the root-mean-square error against a double-precision direct sum is
    /// 0.98, 1.14 and 1.25 × 10⁻⁶ of the outputs' root mean square (F(2×2, 3×3), measured
    /// the same way before it was replaced: 0.15-0.26 × 10⁻⁶; a float's unit roundoff is
    /// 0.06 × 10⁻⁶). Sixths off by 1.7 × 10⁻⁵ (1/6.0001) give 55 × 10⁻⁶ and fail it.
    @Test(
        "F(4×4, 3×3)'s error is within 2 × 10⁻⁶ of the outputs' size (root mean square)",
        arguments: [(16, 28), (32, 14), (64, 7)])
    func rootMeanSquareError(channels: Int, size: Int) throws {
        let s = try Conv2dShape(
            batch: 2, inChannels: channels, height: size, width: size, outChannels: channels,
            kernelSize: 3, stride: 1, padding: 1)
        #expect(s.paths.forward == .winograd)
        let x = randomArray(s.batch * s.inputImageSize, seed: 31)
        let w = randomArray(s.weightSize, seed: 32).map { $0 / 10 }
        var y = [Float](repeating: 0, count: s.batch * s.outputImageSize)
        conv2dForward(s, input: x, weight: w, bias: nil, output: &y)
        var (squares, errorSquares) = (0.0, 0.0)
        for n in 0..<s.batch {
            for k in 0..<channels {
                for h in 0..<size {
                    for v in 0..<size {
                        var sum = 0.0
                        for c in 0..<channels {
                            for r in 0..<3 where (0..<size).contains(h + r - 1) {
                                for t in 0..<3 where (0..<size).contains(v + t - 1) {
                                    sum +=
                                        Double(
                                            x[
                                                ((n * channels + c) * size + h + r - 1) * size + v
                                                    + t - 1])
                                        * Double(w[((k * channels + c) * 3 + r) * 3 + t])
                                }
                            }
                        }
                        let got = Double(y[((n * channels + k) * size + h) * size + v])
                        squares += sum * sum
                        errorSquares += (got - sum) * (got - sum)
                    }
                }
            }
        }
        let relative = (errorSquares / squares).squareRoot()
        #expect(relative < 2e-6, "relative rms error \(relative)")
    }

    /// The weight gradient's rounding the same way, for F(4×4, 3×3) (what
    /// `conv2dBackwardWeight` runs since 2026-12-07, `conv2dBackwardWeightWinograd`) and F(2×2,
    /// 3×3) (`conv2dBackwardWeightWinograd2x2`, which it ran before, measured beside it): batch 8, inputs and output gradients in [−1, 1), against a double-precision
    /// direct sum over the batch and the map. Measured on the three shapes (16 channels at
    /// 28×28, 32 at 14×14, 64 at 7×7): F(2×2, 3×3) 0.43, 0.24 and 0.17 × 10⁻⁶ of the
    /// gradients' root mean square, F(4×4, 3×3) 1.64, 1.04 and 0.69 × 10⁻⁶, about four times
    /// as much (the forward pass by F(4×4, 3×3): 0.98-1.25 × 10⁻⁶). The bounds are about twice
    /// the worst measured.
    @Test(
        "the weight gradient's error: F(2×2, 3×3) within 0.8 × 10⁻⁶, F(4×4, 3×3) within 3 × 10⁻⁶",
        arguments: [(16, 28), (32, 14), (64, 7)])
    func weightGradientError(channels: Int, size: Int) throws {
        let s = try Conv2dShape(
            batch: 8, inChannels: channels, height: size, width: size, outChannels: channels,
            kernelSize: 3, stride: 1, padding: 1)
        #expect(s.paths.backwardWeight == .winograd)
        let x = randomArray(s.batch * s.inputImageSize, seed: 33)
        let dy = randomArray(s.batch * s.outputImageSize, seed: 34)
        var exact = [Double](repeating: 0, count: s.weightSize)
        for n in 0..<s.batch {
            for k in 0..<channels {
                for c in 0..<channels {
                    for r in 0..<3 {
                        for t in 0..<3 {
                            var sum = 0.0
                            for h in 0..<size where (0..<size).contains(h + r - 1) {
                                for v in 0..<size where (0..<size).contains(v + t - 1) {
                                    sum +=
                                        Double(dy[((n * channels + k) * size + h) * size + v])
                                        * Double(
                                            x[
                                                ((n * channels + c) * size + h + r - 1) * size + v
                                                    + t - 1])
                                }
                            }
                            exact[((k * channels + c) * 3 + r) * 3 + t] += sum
                        }
                    }
                }
            }
        }
        func relativeError(_ got: [Float]) -> Double {
            var (squares, errorSquares) = (0.0, 0.0)
            for (value, truth) in zip(got, exact) {
                squares += truth * truth
                errorSquares += (Double(value) - truth) * (Double(value) - truth)
            }
            return (errorSquares / squares).squareRoot()
        }
        var dw2 = [Float](repeating: 0, count: s.weightSize)
        conv2dBackwardWeightWinograd2x2(s, input: x, gradOutput: dy, gradWeight: &dw2)
        var dw4 = [Float](repeating: 0, count: s.weightSize)
        conv2dBackwardWeight(s, input: x, gradOutput: dy, gradWeight: &dw4, gradBias: nil)
        let (error2, error4) = (relativeError(dw2), relativeError(dw4))
        #expect(error2 < 0.8e-6, "F(2×2, 3×3): relative rms error \(error2)")
        #expect(error4 < 3e-6, "F(4×4, 3×3): relative rms error \(error4)")
    }
}

@Suite("Weights prepared once for the forward pass")
struct Conv2dForwardWeightsTests {
    /// `conv2dForward` at `stride` with weights prepared for the other stride (1 or 2).
    static func convolveWithOtherStridesWeights(stride: Int) {
        let s = try! Conv2dShape(
            batch: 1, inChannels: 16, height: 8, width: 8, outChannels: 16, kernelSize: 3,
            stride: stride, padding: 1)
        let w = [Float](repeating: 0.5, count: 16 * 16 * 9)
        let x = [Float](repeating: 1, count: s.batch * s.inputImageSize)
        var y = [Float](repeating: 0, count: s.batch * s.outputImageSize)
        let prepared = w.withUnsafeBufferPointer {
            Conv2dForwardWeights(
                $0.baseAddress!, outChannels: 16, inChannels: 16, kernelSize: 3,
                stride: 3 - stride, padding: 1)
        }
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { y in
                    conv2dForward(
                        s, input: x.baseAddress!, weight: w.baseAddress!, bias: nil,
                        output: y.baseAddress!, prepared: prepared)
                }
            }
        }
    }

    @Test("weights prepared for another stride stop the program on the direct tile's path")
    func otherLayersWeightsStopTheDirectTile() async {
        // Stride 2 takes the direct tile, which reads the weights as they are: the prepared
        // ones hold nothing for it, and only the check stands between them and the wrong
        // layer.
        await #expect(processExitsWith: .failure) {
            Conv2dForwardWeightsTests.convolveWithOtherStridesWeights(stride: 2)
        }
    }

    @Test("weights prepared for another stride stop the program on Winograd's path")
    func otherLayersWeightsStopWinograd() async {
        await #expect(processExitsWith: .failure) {
            Conv2dForwardWeightsTests.convolveWithOtherStridesWeights(stride: 1)
        }
    }

    @Test("they describe the layer they were made for")
    func description() {
        let w = [Float](repeating: 0, count: 32 * 16 * 9)
        let prepared = w.withUnsafeBufferPointer {
            Conv2dForwardWeights(
                $0.baseAddress!, outChannels: 32, inChannels: 16, kernelSize: 3, stride: 1,
                padding: 1)
        }
        #expect("\(prepared)" == "weights [32, 16, 3, 3], stride 1, padding 1")
    }
}
