import Kernels
import Randomness
import TensorCore
import TestSupport
import Testing

/// The option-A shortcut of He et al. 2015: strided subsampling and zero channel padding.
@Suite("Shortcut operations")
struct ShortcutTests {
    @Test func subsampleKeepsEveryStrideThPixel() {
        let x = Tensor(shape: [1, 1, 3, 5], data: (0..<15).map(Float.init))
        let y = x.subsample(stride: 2)
        #expect(y.shape == [1, 1, 2, 3])
        #expect(y.data == [0, 2, 4, 10, 12, 14])
        let three = x.subsample(stride: 3)
        #expect(three.shape == [1, 1, 1, 2])
        #expect(three.data == [0, 3])
        #expect(x.subsample(stride: 1).data == x.data)
    }

    /// x[:, :, ::s, ::s] keeps ⌈H/s⌉ × ⌈W/s⌉ pixels of every plane.
    @Test(arguments: [
        ([2, 3, 7, 7], 2, [2, 3, 4, 4]), ([1, 2, 8, 5], 2, [1, 2, 4, 3]),
        ([2, 1, 4, 6], 3, [2, 1, 2, 2]),
    ])
    func subsampleShapes(input: [Int], stride: Int, expected: [Int]) {
        #expect(Tensor.zeros(input).subsample(stride: stride).shape == expected)
    }

    @Test(arguments: [1, 2, 3])
    func subsampleGradientsMatchFiniteDifferences(stride: Int) {
        expectGradientsMatch([randomTensor([2, 3, 5, 7], seed: UInt64(stride))]) {
            $0[0].subsample(stride: stride)
        }
    }

    @Test func subsampleGradientLandsOnTheKeptPixels() {
        let x = Tensor.zeros([1, 1, 3, 3], requiresGrad: true)
        x.subsample(stride: 2).backward(gradient: Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4]))
        #expect(x.grad?.data == [1, 0, 2, 0, 0, 0, 3, 0, 4])
    }

    @Test func padChannelsAddsZeroChannels() {
        let x = Tensor(shape: [2, 1, 1, 2], data: [1, 2, 3, 4])
        let y = x.padChannels(before: 1, after: 2)
        #expect(y.shape == [2, 4, 1, 2])
        #expect(y.data == [0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0])
        #expect(x.padChannels(before: 0, after: 0).data == x.data)
    }

    @Test(arguments: [(0, 2), (3, 0), (1, 2)])
    func padChannelsGradientsMatchFiniteDifferences(before: Int, after: Int) {
        expectGradientsMatch([randomTensor([2, 3, 2, 3], seed: 4)]) {
            $0[0].padChannels(before: before, after: after)
        }
    }

    @Test func padChannelsGradientDropsThePadding() {
        let x = Tensor.zeros([1, 2, 1, 1], requiresGrad: true)
        let y = x.padChannels(before: 1, after: 1)
        y.backward(gradient: Tensor(shape: [1, 4, 1, 1], data: [9, 1, 2, 9]))
        #expect(x.grad?.data == [1, 2])
    }

    /// The option-A shortcut at a size that runs in parallel planes (each output plane
    /// copied or zeroed by one task, each input gradient plane zeroed and filled by one):
    /// every value the definition's, on any thread count.
    @Test(arguments: [1, 2, 3])
    func optionAShortcutInParallelIsTheDefinition(threads: Int) {
        var generator = SeededGenerator(seed: 21)
        let (batch, channels, height, width) = (6, 8, 81, 77)
        let (before, after) = (2, 6)
        let x = Tensor.randn(
            [batch, channels, height, width], generator: &generator, requiresGrad: true)
        let (outHeight, outWidth) = (41, 39)
        let outChannels = before + channels + after
        let dy = Tensor.randn([batch, outChannels, outHeight, outWidth], generator: &generator)
        // Blocks of the sizes the operations will ask for, filled with NaN and freed first: an
        // element an operation failed to write would then likely read NaN, not a fresh page's 0.
        let sizes = [x.count, batch * channels * outHeight * outWidth, dy.count]
        let garbage = sizes.map { [Float](repeating: .nan, count: $0) }
        #expect(garbage.allSatisfy { $0.last!.isNaN })
        let (y, dx) = Parallel.withThreadCount(threads) {
            let y = x.subsample(stride: 2).padChannels(before: before, after: after)
            y.backward(gradient: dy)
            return (y.data, x.grad!.data)
        }
        // Each array written (the subsampled input and its gradient the smallest) holds more
        // than two chunks' worth of values (2 × 32 768), so it is split into at least two.
        #expect(batch * channels * outHeight * outWidth > 2 * 32_768)
        var expectedY = [Float](repeating: 0, count: y.count)
        var expectedDx = [Float](repeating: 0, count: x.count)
        for n in 0..<batch {
            for c in 0..<channels {
                for i in 0..<outHeight {
                    for j in 0..<outWidth {
                        let source = ((n * channels + c) * height + 2 * i) * width + 2 * j
                        let target = ((n * outChannels + before + c) * outHeight + i) * outWidth + j
                        expectedY[target] = x.data[source]
                        expectedDx[source] = dy.data[target]
                    }
                }
            }
        }
        #expect(y == expectedY)
        #expect(dx == expectedDx)
    }

    /// The whole option-A shortcut of a stage transition (16 → 32 channels, stride 2), added
    /// to a residual branch, as in a BasicBlock.
    @Test func optionAShortcutInAResidualSum() {
        let inputs = [randomTensor([2, 4, 5, 5], seed: 5), randomTensor([8, 4, 3, 3], seed: 6)]
        expectGradientsMatch(inputs) { t in
            let branch = conv2d(t[0], weight: t[1], stride: 2, padding: 1)
            let shortcut = t[0].subsample(stride: 2).padChannels(before: 2, after: 2)
            return branch + shortcut
        }
    }

    @Test func badArgumentsAreExplained() throws {
        let stride = #expect(throws: ShapeError.self) {
            try Tensor.subsampleShape([1, 2, 3, 3], stride: 0)
        }
        #expect(stride?.message == "subsample: stride must be ≥ 1, got 0 for shape [1, 2, 3, 3]")
        let rank = #expect(throws: ShapeError.self) {
            try Tensor.subsampleShape([2, 3], stride: 2)
        }
        #expect(rank?.message == "subsample: input must be [N, C, H, W], got shape [2, 3]")
        let negative = #expect(throws: ShapeError.self) {
            try Tensor.padChannelsShape([1, 2, 3, 3], before: -1, after: 1)
        }
        #expect(
            negative?.message
                == "padChannels: before and after must be ≥ 0, got before -1, after 1 for shape "
                + "[1, 2, 3, 3]")
        #expect(try Tensor.padChannelsShape([2, 16, 8, 8], before: 8, after: 8) == [2, 32, 8, 8])
    }
}
