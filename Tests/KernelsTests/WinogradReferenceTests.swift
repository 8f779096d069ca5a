import Kernels
import Testing

/// A stride-1, padding-1 3×3 convolution in double precision, the direct sum: the exact
/// values the Winograd references must reproduce.
private func directConvolution(
    batch: Int, channels: Int, height: Int, width: Int, outChannels: Int, input: [Double],
    weight: [Double]
) -> [Double] {
    var output = [Double](repeating: 0, count: batch * outChannels * height * width)
    for n in 0..<batch {
        for k in 0..<outChannels {
            for h in 0..<height {
                for w in 0..<width {
                    var sum = 0.0
                    for c in 0..<channels {
                        for r in 0..<3 where (0..<height).contains(h + r - 1) {
                            for t in 0..<3 where (0..<width).contains(w + t - 1) {
                                sum +=
                                    input[
                                        ((n * channels + c) * height + h + r - 1) * width + w + t
                                            - 1]
                                    * weight[((k * channels + c) * 3 + r) * 3 + t]
                            }
                        }
                    }
                    output[((n * outChannels + k) * height + h) * width + w] = sum
                }
            }
        }
    }
    return output
}

/// The largest difference relative to the largest value.
private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let scale = b.reduce(0) { max($0, abs($1)) }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } / scale
}

/// One convolution's sizes and seeded data.
struct WinogradCase: CustomTestStringConvertible, Sendable {
    let batch, channels, height, width, outChannels: Int
    init(_ batch: Int, _ channels: Int, _ height: Int, _ width: Int, _ outChannels: Int) {
        (self.batch, self.channels, self.height, self.width, self.outChannels) = (
            batch, channels, height, width, outChannels
        )
    }
    var testDescription: String {
        "\(batch)×\(channels)×\(height)×\(width) → \(outChannels)"
    }
    var shape: Conv2dShape {
        try! Conv2dShape(
            batch: batch, inChannels: channels, height: height, width: width,
            outChannels: outChannels, kernelSize: 3, stride: 1, padding: 1)
    }
    var x: [Float] { randomArray(batch * channels * height * width, seed: 41) }
    var w: [Float] { randomArray(outChannels * channels * 9, seed: 42) }
    var dy: [Float] { randomArray(batch * outChannels * height * width, seed: 43) }
}

@Suite("Winograd as the papers write it")
struct WinogradReferenceTests {
    /// Sides that leave the last block cut off by every amount for m = 2 and m = 4.
    static let exactCases = [WinogradCase(2, 3, 7, 9, 2), WinogradCase(1, 2, 5, 6, 3)]

    @Test(
        "in double precision each transform gives the direct sum: forward, data and weight gradients",
        arguments: exactCases, [WinogradTransform.f2x2, .f4x4].map(\.m))
    func exactInDouble(c: WinogradCase, m: Int) {
        let transform = m == 2 ? WinogradTransform.f2x2 : .f4x4
        let (x, w, dy) = (c.x.map(Double.init), c.w.map(Double.init), c.dy.map(Double.init))
        let direct = directConvolution(
            batch: c.batch, channels: c.channels, height: c.height, width: c.width,
            outChannels: c.outChannels, input: x, weight: w)
        let forward = conv2dWinogradReference(
            transform, batch: c.batch, channels: c.channels, height: c.height, width: c.width,
            outChannels: c.outChannels, input: x, weight: w)
        #expect(relativeError(forward, direct) < 1e-13, "forward")

        // The data and weight gradients of L = Σ dy · y, by the direct sums.
        var gradInput = [Double](repeating: 0, count: x.count)
        var gradWeight = [Double](repeating: 0, count: w.count)
        for n in 0..<c.batch {
            for k in 0..<c.outChannels {
                for h in 0..<c.height {
                    for v in 0..<c.width {
                        let g = dy[((n * c.outChannels + k) * c.height + h) * c.width + v]
                        for ch in 0..<c.channels {
                            for r in 0..<3 where (0..<c.height).contains(h + r - 1) {
                                for t in 0..<3 where (0..<c.width).contains(v + t - 1) {
                                    let xi =
                                        ((n * c.channels + ch) * c.height + h + r - 1) * c.width
                                        + v + t - 1
                                    let wi = ((k * c.channels + ch) * 3 + r) * 3 + t
                                    gradInput[xi] += g * w[wi]
                                    gradWeight[wi] += g * x[xi]
                                }
                            }
                        }
                    }
                }
            }
        }
        let data = conv2dBackwardDataWinogradReference(
            transform, batch: c.batch, channels: c.channels, height: c.height, width: c.width,
            outChannels: c.outChannels, gradOutput: dy, weight: w)
        #expect(relativeError(data, gradInput) < 1e-13, "data gradient")
        let weight = conv2dBackwardWeightWinogradReference(
            transform, batch: c.batch, channels: c.channels, height: c.height, width: c.width,
            outChannels: c.outChannels, input: x, gradOutput: dy)
        #expect(relativeError(weight, gradWeight) < 1e-13, "weight gradient")
    }

    @Test("a transform with one coefficient off is caught by the exactness check")
    func wrongCoefficientFails() {
        let right = WinogradTransform.f4x4
        var g = right.g
        g[1][1] = -1.0 / 6.0001
        let wrong = WinogradTransform(name: "wrong", m: 4, bt: right.bt, g: g, at: right.at)
        let c = WinogradCase(1, 2, 8, 8, 2)
        let (x, w) = (c.x.map(Double.init), c.w.map(Double.init))
        let direct = directConvolution(
            batch: 1, channels: 2, height: 8, width: 8, outChannels: 2, input: x, weight: w)
        let result = conv2dWinogradReference(
            wrong, batch: 1, channels: 2, height: 8, width: 8, outChannels: 2, input: x, weight: w)
        #expect(relativeError(result, direct) > 1e-6)
    }

    @Test("multiplications per block: 16 for 36 (2.25×) and 36 for 144 (4×)")
    func multiplicationCounts() {
        #expect(WinogradTransform.f2x2.multiplications == 16)
        #expect(WinogradTransform.f2x2.directMultiplications == 36)
        #expect(WinogradTransform.f4x4.multiplications == 36)
        #expect(WinogradTransform.f4x4.directMultiplications == 144)
    }

    /// The fast kernels against the references in float: the same transforms with other
    /// groupings and fused multiply-adds, so they agree within the rounding bound of
    /// `Conv2dTests` (`winogradMagnitude`), not bit for bit.
    static let fastCases = [
        WinogradCase(2, 16, 9, 7, 32), WinogradCase(3, 32, 6, 6, 16),
        WinogradCase(1, 16, 14, 14, 32),
    ]

    @Test(
        "the fast forward and data gradient (F(4×4, 3×3)) match the reference in float",
        arguments: fastCases, InstructionSet.allCases)
    func fastForwardAndData(c: WinogradCase, tiles: InstructionSet) {
        let s = c.shape
        #expect(s.paths.forward == .winograd && s.paths.backwardData == .winograd)
        let (x, w, dy) = (c.x, c.w, c.dy)
        var y = [Float](repeating: 0, count: s.batch * s.outputImageSize)
        var dx = [Float](repeating: 0, count: x.count)
        InstructionSet.$tiles.withValue(tiles) {
            conv2dForward(s, input: x, weight: w, bias: nil, output: &y)
            conv2dBackwardData(s, gradOutput: dy, weight: w, gradInput: &dx)
        }
        let reference = conv2dWinogradReference(
            .f4x4, batch: c.batch, channels: c.channels, height: c.height, width: c.width,
            outChannels: c.outChannels, input: x, weight: w)
        expectWithinRoundoff(
            y, reference,
            magnitude: winogradMagnitude(
                batch: c.batch, channels: c.channels, height: c.height, width: c.width,
                outChannels: c.outChannels, x: x, w: w),
            length: c.channels + 16, "forward")
        let dataReference = conv2dBackwardDataWinogradReference(
            .f4x4, batch: c.batch, channels: c.channels, height: c.height, width: c.width,
            outChannels: c.outChannels, gradOutput: dy, weight: w)
        var flipped = [Float](repeating: 0, count: w.count)
        for k in 0..<c.outChannels {
            for ch in 0..<c.channels {
                for tap in 0..<9 {
                    flipped[(ch * c.outChannels + k) * 9 + tap] =
                        w[(k * c.channels + ch) * 9 + 8 - tap]
                }
            }
        }
        expectWithinRoundoff(
            dx, dataReference,
            magnitude: winogradMagnitude(
                batch: c.batch, channels: c.outChannels, height: c.height, width: c.width,
                outChannels: c.channels, x: dy, w: flipped),
            length: c.outChannels + 16, "data gradient")
    }

    @Test(
        "the fast weight gradient (F(4×4, 3×3), as conv2dBackwardWeight runs it) matches the reference in float",
        arguments: fastCases, InstructionSet.allCases)
    func fastWeight(c: WinogradCase, tiles: InstructionSet) {
        let s = c.shape
        #expect(s.paths.backwardWeight == .winograd)
        var dw = [Float](repeating: 0, count: s.weightSize)
        InstructionSet.$tiles.withValue(tiles) {
            conv2dBackwardWeight(s, input: c.x, gradOutput: c.dy, gradWeight: &dw, gradBias: nil)
        }
        Self.expectWeightGradient(dw, of: c, by: .f4x4, "weight gradient")
    }

    @Test(
        "the F(2×2, 3×3) weight gradient (measured beside it) matches the reference in float, on every tile",
        arguments: fastCases, InstructionSet.allCases)
    func fastWeight2x2(c: WinogradCase, tiles: InstructionSet) {
        let s = c.shape
        var dw = [Float](repeating: 0, count: s.weightSize)
        InstructionSet.$tiles.withValue(tiles) {
            conv2dBackwardWeightWinograd2x2(s, input: c.x, gradOutput: c.dy, gradWeight: &dw)
        }
        Self.expectWeightGradient(dw, of: c, by: .f2x2, "weight gradient by F(2×2, 3×3)")
    }

    /// A fast weight gradient `dw` of case `c` against the float reference by `transform`,
    /// within the rounding bound of its blocks' sums (`winogradWeightMagnitude`) and 16 more
    /// roundings in the transforms.
    static func expectWeightGradient(
        _ dw: [Float], of c: WinogradCase, by transform: WinogradTransform, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let reference = conv2dBackwardWeightWinogradReference(
            transform, batch: c.batch, channels: c.channels, height: c.height, width: c.width,
            outChannels: c.outChannels, input: c.x, gradOutput: c.dy)
        let m = transform.m
        let blocks = c.batch * ((c.height + m - 1) / m) * ((c.width + m - 1) / m)
        expectWithinRoundoff(
            dw, reference,
            magnitude: winogradWeightMagnitude(
                batch: c.batch, channels: c.channels, height: c.height, width: c.width,
                outChannels: c.outChannels, x: c.x, dy: c.dy, block: m),
            length: blocks + 16, what, sourceLocation: sourceLocation)
    }

    @Test(
        "the F(4×4, 3×3) weight gradient has the same bits on every tile and thread count",
        arguments: [WinogradCase(20, 16, 17, 15, 24), WinogradCase(3, 32, 6, 6, 40)])
    func weight4x4Bits(c: WinogradCase) {
        let s = c.shape
        func gradient(_ tiles: InstructionSet, threads: Int) -> [Float] {
            var dw = [Float](repeating: 0, count: s.weightSize)
            InstructionSet.$tiles.withValue(tiles) {
                Parallel.withThreadCount(threads) {
                    conv2dBackwardWeightWinograd(
                        s, input: c.x, gradOutput: c.dy, gradWeight: &dw)
                }
            }
            return dw
        }
        let first = gradient(.portable, threads: 1)
        for tiles in InstructionSet.allCases {
            for threads in [1, 2, 3] {
                expectBitIdentical(
                    gradient(tiles, threads: threads), first, "\(tiles), \(threads) threads")
            }
        }
    }
}

@Suite("The data gradient's weights")
struct DataGradientWeightsTests {
    /// weight[k][c][tap] = 100k + 10c + tap.
    static func value(k: Int, c: Int, tap: Int) -> Float { Float(100 * k + 10 * c + tap) }

    @Test("each filter turned by 180° and the channel axes swapped")
    func flipped() {
        // 2 output and 3 input channels, 3×3 taps.
        var weight: [Float] = []
        for k in 0..<2 {
            for c in 0..<3 {
                for tap in 0..<9 { weight.append(Self.value(k: k, c: c, tap: tap)) }
            }
        }
        let flipped = dataGradientWeights(outChannels: 2, inChannels: 3, taps: 9) { weight[$0] }
        #expect(flipped.count == weight.count)
        for c in 0..<3 {
            for k in 0..<2 {
                for tap in 0..<9 {
                    let expected = Self.value(k: k, c: c, tap: 8 - tap)
                    #expect(flipped[(c * 2 + k) * 9 + tap] == expected)
                }
            }
        }
    }
}
