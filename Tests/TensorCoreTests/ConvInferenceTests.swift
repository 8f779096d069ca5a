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
        let (xShape, k, kernel, stride, padding) = Self.shapes[index]
        let x = randomTensor(xShape, seed: 1)
        let w = randomTensor([k, xShape[1], kernel, kernel], seed: 2)
        let b = randomTensor([k], seed: 3)
        Tensor.withoutGrad {
            let plain = conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
            let r = randomTensor(plain.shape, seed: 4)
            for tiles in InstructionSet.allCases {
                for threads in [1, 2] {
                    InstructionSet.$tiles.withValue(tiles) {
                        Parallel.withThreadCount(threads) {
                            let context = "\(tiles) tiles, \(threads) threads"
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
            }
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
