import Kernels
import TensorCore
import TestSupport
import Testing

/// `conv2dInference` must give exactly the numbers of the separate operations it fuses,
/// on every path a convolution can take and with every instruction set's tiles.
@Suite("conv2dInference")
struct ConvInferenceTests {
    /// (x shape, out channels, kernel, stride, padding): Winograd (a partial second panel of
    /// output channels and a 7×7 map, whose last pixel is not in a transpose's sixteen; two
    /// full panels on an 8×8 map, all in transposes), the direct tile (one image split
    /// between threads), a pointwise GEMM, and the unfolded path (a strided 1×1, and too few
    /// output channels for the tile).
    static let shapes: [([Int], Int, Int, Int, Int)] = [
        ([11, 16, 7, 7], 20, 3, 1, 1),
        ([3, 16, 8, 8], 32, 3, 1, 1),
        ([1, 9, 12, 10], 24, 3, 2, 1),
        ([3, 8, 6, 5], 16, 1, 1, 0),
        ([2, 8, 9, 9], 16, 1, 2, 0),
        ([2, 3, 8, 8], 4, 3, 1, 1),
    ]

    @Test(
        "relu(conv + residual), relu(conv) and conv + residual equal the separate operations, bit for bit",
        arguments: shapes.indices)
    func matchesSeparateOperations(index: Int) {
        let (x, w, b, stride, padding) = Self.layer(index)
        Tensor.withoutGrad {
            let plain = conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
            let r = randomTensor(plain.shape, seed: 4)
            Self.onEveryTileAndThreadCount { context in
                func fused(_ residual: Tensor?, _ relu: Bool) -> [Float] {
                    conv2dInference(
                        x, weight: w, bias: b, stride: stride, padding: padding,
                        adding: residual, relu: relu
                    ).data
                }
                #expect(fused(r, true) == (plain + r).relu().data, "\(context)")
                #expect(fused(nil, true) == plain.relu().data, "\(context)")
                #expect(fused(r, false) == (plain + r).data, "\(context)")
                #expect(fused(nil, false) == plain.data, "\(context)")
            }
        }
    }

    /// The input, weight, bias, stride and padding of case `index` of `shapes`.
    static func layer(_ index: Int) -> (
        x: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Int
    ) {
        let (xShape, k, kernel, stride, padding) = shapes[index]
        return (
            randomTensor(xShape, seed: 1), randomTensor([k, xShape[1], kernel, kernel], seed: 2),
            randomTensor([k], seed: 3), stride, padding
        )
    }

    /// `body(context)` with every instruction set's tiles on one and two threads; `context`
    /// names them, for a failure's message.
    static func onEveryTileAndThreadCount(_ body: (String) -> Void) {
        for tiles in InstructionSet.allCases {
            for threads in [1, 2] {
                InstructionSet.$tiles.withValue(tiles) {
                    Parallel.withThreadCount(threads) { body("\(tiles) tiles, \(threads) threads") }
                }
            }
        }
    }

    /// `Conv2dForwardWeights` for `w`, a square kernel's layer.
    static func prepare(_ w: Tensor, stride: Int, padding: Int) -> Conv2dForwardWeights {
        w.data.withUnsafeBufferPointer {
            Conv2dForwardWeights(
                $0.baseAddress!, outChannels: w.shape[0], inChannels: w.shape[1],
                kernelSize: w.shape[2], stride: stride, padding: padding)
        }
    }

    @Test(
        "weights prepared once give the bits of weights prepared in each call, for any batch",
        arguments: shapes.indices)
    func preparedWeightsGiveTheSameBits(index: Int) {
        let (x, w, b, stride, padding) = Self.layer(index)
        let prepared = Self.prepare(w, stride: stride, padding: padding)
        // The first image alone, then the batch: the same prepared weights serve both.
        let first = Tensor(
            shape: [1] + x.shape.dropFirst(), data: Array(x.data.prefix(x.count / x.shape[0])))
        Tensor.withoutGrad {
            Self.onEveryTileAndThreadCount { context in
                for input in [first, x] {
                    func fused(_ residual: Tensor?, _ relu: Bool, _ prepared: Conv2dForwardWeights?)
                        -> Tensor
                    {
                        conv2dInference(
                            input, weight: w, bias: b, stride: stride, padding: padding,
                            adding: residual, relu: relu, prepared: prepared)
                    }
                    let r = randomTensor(fused(nil, false, nil).shape, seed: 4)
                    for (residual, relu) in [(r, true), (nil, false)] {
                        #expect(
                            fused(residual, relu, prepared).data
                                == fused(residual, relu, nil).data,
                            "\(context), \(input.shape)")
                    }
                }
            }
        }
    }

    @Test("on Winograd's layers the prepared weights are the ones convolved")
    func preparedWeightsAreUsed() {
        // Were they ignored, the test above would pass all the same: here they differ from
        // the weight passed, and the output follows them.
        let x = randomTensor([2, 16, 7, 7], seed: 1)
        let w = randomTensor([20, 16, 3, 3], seed: 2)
        let other = randomTensor([20, 16, 3, 3], seed: 5)
        let prepared = Self.prepare(other, stride: 1, padding: 1)
        Tensor.withoutGrad {
            let got = conv2dInference(x, weight: w, padding: 1, prepared: prepared)
            #expect(got.data == conv2d(x, weight: other, padding: 1).data)
            #expect(got.data != conv2d(x, weight: w, padding: 1).data)
        }
    }

    @Test("it refuses weights prepared for another layer")
    func refusesOtherLayersWeights() async {
        await #expect(processExitsWith: .failure) {
            let x = randomTensor([1, 16, 6, 6], seed: 1)
            let w = randomTensor([16, 16, 3, 3], seed: 2)
            let prepared = ConvInferenceTests.prepare(
                randomTensor([32, 16, 3, 3], seed: 3), stride: 1, padding: 1)
            _ = Tensor.withoutGrad { conv2dInference(x, weight: w, padding: 1, prepared: prepared) }
        }
    }

    @Test("it refuses an input that requires a gradient while gradients are recorded")
    func refusesGradients() async {
        await #expect(processExitsWith: .failure) {
            let x = Tensor(shape: [1, 1, 3, 3], data: .init(repeating: 1, count: 9))
            let w = Tensor(shape: [1, 1, 1, 1], data: [2], requiresGrad: true)
            _ = conv2dInference(x, weight: w, relu: true)
        }
    }

    @Test("it refuses a residual of another shape")
    func refusesResidualShape() async {
        await #expect(processExitsWith: .failure) {
            let x = Tensor(shape: [1, 1, 3, 3], data: .init(repeating: 1, count: 9))
            let w = Tensor(shape: [2, 1, 1, 1], data: [2, 3])
            let r = Tensor(shape: [1, 1, 3, 3], data: .init(repeating: 1, count: 9))
            _ = Tensor.withoutGrad { conv2dInference(x, weight: w, adding: r) }
        }
    }
}
