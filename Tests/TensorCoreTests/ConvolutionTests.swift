import Kernels
import TensorCore
import TestSupport
import Testing

/// One convolution geometry to test: x [batch, channels, height, width], weight
/// [outChannels, channels, kernelH, kernelW], optional bias.
struct ConvCase: Sendable, CustomTestStringConvertible {
    let x: [Int]
    let outChannels: Int
    let kernel: (height: Int, width: Int)
    let stride: (height: Int, width: Int)
    let padding: (height: Int, width: Int)
    let bias: Bool

    init(
        x: [Int], outChannels: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
        bias: Bool
    ) {
        self.x = x
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.bias = bias
    }

    var weightShape: [Int] { [outChannels, x[1], kernel.height, kernel.width] }

    var testDescription: String {
        "x \(x), \(kernel.height)x\(kernel.width) kernel, stride \(stride), padding \(padding)"
            + (bias ? ", bias" : "")
    }

    /// Random inputs: x, weight and (if `bias`) bias, in that order.
    func inputs(seed: UInt64) -> [Tensor] {
        let tensors = [randomTensor(x, seed: seed), randomTensor(weightShape, seed: seed + 1)]
        return bias ? tensors + [randomTensor([outChannels], seed: seed + 2)] : tensors
    }

    /// The kernels' description of this geometry.
    func shape() throws -> Conv2dShape {
        try Conv2dShape(
            batch: x[0], inChannels: x[1], height: x[2], width: x[3], outChannels: outChannels,
            kernelH: kernel.height, kernelW: kernel.width, strideH: stride.height,
            strideW: stride.width, padH: padding.height, padW: padding.width)
    }

    /// conv2d of `inputs` (as `inputs(seed:)` lays them out) with this geometry.
    func apply(_ inputs: [Tensor]) -> Tensor {
        conv2d(
            inputs[0], weight: inputs[1], bias: bias ? inputs[2] : nil, stride: stride,
            padding: padding)
    }
}

@Suite("conv2d")
struct ConvolutionTests {
    static let cases: [ConvCase] = [
        ConvCase(
            x: [2, 3, 5, 5], outChannels: 4, kernel: (3, 3), stride: (1, 1), padding: (1, 1),
            bias: true),
        ConvCase(
            x: [2, 2, 7, 6], outChannels: 3, kernel: (3, 3), stride: (2, 2), padding: (1, 1),
            bias: true),
        ConvCase(
            x: [1, 2, 8, 7], outChannels: 2, kernel: (3, 3), stride: (3, 3), padding: (0, 0),
            bias: false),
        ConvCase(
            x: [2, 5, 3, 4], outChannels: 3, kernel: (1, 1), stride: (1, 1), padding: (0, 0),
            bias: true),
        ConvCase(
            x: [2, 3, 5, 5], outChannels: 2, kernel: (1, 1), stride: (2, 2), padding: (0, 0),
            bias: false),
        ConvCase(
            x: [1, 2, 9, 8], outChannels: 2, kernel: (7, 7), stride: (2, 2), padding: (3, 3),
            bias: true),
        ConvCase(
            x: [1, 2, 4, 5], outChannels: 2, kernel: (5, 5), stride: (1, 1), padding: (3, 3),
            bias: false),
        ConvCase(
            x: [2, 2, 5, 6], outChannels: 3, kernel: (2, 3), stride: (2, 1), padding: (1, 0),
            bias: true),
        ConvCase(
            x: [3, 2, 4, 4], outChannels: 5, kernel: (4, 4), stride: (1, 1), padding: (0, 0),
            bias: true),
    ]

    @Test(arguments: cases)
    func gradientsMatchFiniteDifferences(_ c: ConvCase) {
        expectGradientsMatch(c.inputs(seed: 10)) { c.apply($0) }
    }

    /// Cases wide enough (8 or more channels, 32 or more weight taps) for the direct tile:
    /// stride 1 and 2, with and without padding, odd and uneven sizes, a 1×1 kernel with
    /// stride 2 and a non-square kernel. `expectedPaths` says which path each computation
    /// takes, checked first, so that a change in the dispatch cannot leave one unchecked.
    static let directCases: [(ConvCase, [Conv2dPath])] = [
        (
            ConvCase(
                x: [2, 8, 5, 7], outChannels: 8, kernel: (3, 3), stride: (1, 1), padding: (1, 1),
                bias: true), [.direct, .direct, .direct]
        ),
        (
            ConvCase(
                x: [1, 9, 7, 5], outChannels: 10, kernel: (3, 3), stride: (2, 2), padding: (1, 1),
                bias: false), [.direct, .direct, .direct]
        ),
        (
            ConvCase(
                x: [2, 8, 6, 5], outChannels: 17, kernel: (3, 3), stride: (1, 1), padding: (0, 0),
                bias: true), [.direct, .direct, .direct]
        ),
        (
            ConvCase(
                x: [1, 12, 7, 7], outChannels: 8, kernel: (3, 2), stride: (2, 1), padding: (0, 1),
                bias: false), [.direct, .direct, .direct]
        ),
        (
            ConvCase(
                x: [2, 32, 5, 5], outChannels: 8, kernel: (1, 1), stride: (2, 2), padding: (0, 0),
                bias: true), [.direct, .direct, .direct]
        ),
        (
            ConvCase(
                x: [1, 8, 9, 9], outChannels: 16, kernel: (5, 5), stride: (1, 1), padding: (2, 2),
                bias: false), [.direct, .direct, .direct]
        ),
    ]

    @Test(
        "finite differences through the direct tile: forward, data and weight gradients",
        arguments: directCases.indices)
    func directTileGradientsMatchFiniteDifferences(_ index: Int) throws {
        let (c, expected) = Self.directCases[index]
        let s = try c.shape()
        let paths = s.paths
        #expect(
            [paths.forward, paths.backwardData, paths.backwardWeight] == expected,
            "\(c.testDescription): the paths changed, \(paths)")
        expectGradientsMatch(c.inputs(seed: 40)) { c.apply($0) }
    }

    /// The Tensor op against Kernels' direct-loop references, values and all gradients.
    @Test(arguments: cases)
    func matchesNaiveReference(_ c: ConvCase) throws {
        let inputs = c.inputs(seed: 20)
        for input in inputs { input.requiresGrad = true }
        let y = c.apply(inputs)
        let dy = randomTensor(y.shape, seed: 30)
        y.backward(gradient: dy)

        let s = try c.shape()
        #expect(y.shape == [s.batch, s.outChannels, s.outHeight, s.outWidth])
        let biasValues = c.bias ? inputs[2].data : [Float](repeating: 0, count: c.outChannels)
        var expectedY = [Float](repeating: 0, count: y.count)
        var expectedDx = [Float](repeating: 0, count: inputs[0].count)
        var expectedDw = [Float](repeating: 0, count: inputs[1].count)
        var expectedDb = [Float](repeating: 0, count: c.outChannels)
        conv2dForwardNaive(
            s, input: inputs[0].data, weight: inputs[1].data, bias: biasValues,
            output: &expectedY)
        conv2dBackwardDataNaive(
            s, gradOutput: dy.data, weight: inputs[1].data, gradInput: &expectedDx)
        conv2dBackwardWeightNaive(
            s, input: inputs[0].data, gradOutput: dy.data, gradWeight: &expectedDw,
            gradBias: &expectedDb)

        expectClose(y.data, expectedY, relative: 1e-4)
        expectClose(inputs[0].grad?.data ?? [], expectedDx, relative: 1e-4)
        expectClose(inputs[1].grad?.data ?? [], expectedDw, relative: 1e-4)
        if c.bias { expectClose(inputs[2].grad?.data ?? [], expectedDb, relative: 1e-4) }
    }

    @Test func squareArgumentsMatchTupleArguments() {
        let x = randomTensor([2, 3, 7, 7], seed: 1)
        let w = randomTensor([4, 3, 3, 3], seed: 2)
        let b = randomTensor([4], seed: 3)
        let square = conv2d(x, weight: w, bias: b, stride: 2, padding: 1)
        let tuple = conv2d(x, weight: w, bias: b, stride: (2, 2), padding: (1, 1))
        #expect(square.shape == [2, 4, 4, 4])
        #expect(square.data == tuple.data)
        #expect(conv2d(x, weight: w).shape == [2, 4, 5, 5])
    }

    /// A tensor used by two convolutions receives the sum of both gradients.
    @Test func gradientsAccumulateOverUses() {
        let inputs = [
            randomTensor([2, 2, 5, 5], seed: 40), randomTensor([3, 2, 3, 3], seed: 41),
            randomTensor([3, 2, 1, 1], seed: 42),
        ]
        expectGradientsMatch(inputs) { t in
            conv2d(t[0], weight: t[1], padding: 1) + conv2d(t[0], weight: t[2]) + t[0].sum()
        }
    }

    /// Only the bias learns (weight and input are constants): the bias gradient alone.
    @Test func biasOnlyGradient() {
        let x = randomTensor([2, 2, 4, 5], seed: 50)
        let w = randomTensor([3, 2, 3, 3], seed: 51)
        expectGradientsMatch([randomTensor([3], seed: 52)]) { t in
            conv2d(x, weight: w, bias: t[0], stride: 2, padding: 1)
        }
        let bias = randomTensor([3], seed: 52)
        bias.requiresGrad = true
        let y = conv2d(x, weight: w, bias: bias, stride: 2, padding: 1)
        y.sum().backward()
        // ∂(Σ y)/∂b[k] = number of output pixels per channel, times the batch.
        let perChannel = Float(y.shape[0] * y.shape[2] * y.shape[3])
        #expect(bias.grad?.data == [perChannel, perChannel, perChannel])
    }

    /// Forward and backward give the same bits on 1, 2 and 3 threads, with a batch that splits
    /// over threads (4) and one that does not (1, so the GEMMs split instead).
    @Test(arguments: [1, 4])
    func resultsDoNotDependOnThreadCount(batch: Int) {
        func run(threads: Int) -> [[Float]] {
            Parallel.withThreadCount(threads) {
                let x = randomTensor([batch, 8, 13, 11], seed: 60)
                let w = randomTensor([16, 8, 3, 3], seed: 61)
                let b = randomTensor([16], seed: 62)
                for t in [x, w, b] { t.requiresGrad = true }
                let y = conv2d(x, weight: w, bias: b, padding: 1)
                y.backward(gradient: randomTensor(y.shape, seed: 63))
                return [y.data, x.grad?.data ?? [], w.grad?.data ?? [], b.grad?.data ?? []]
            }
        }
        let serial = run(threads: 1)
        #expect(serial.allSatisfy { !$0.isEmpty })
        #expect(run(threads: 2) == serial)
        #expect(run(threads: 3) == serial)
    }

    @Test func badArgumentsAreExplained() throws {
        func message(
            _ input: [Int], _ weight: [Int], bias: [Int]? = nil, stride: Int = 1,
            padding: Int = 0
        ) -> String {
            let error = #expect(throws: ShapeError.self) {
                try Tensor.conv2dGeometry(
                    input: input, weight: weight, bias: bias, stride: (stride, stride),
                    padding: (padding, padding))
            }
            return error?.message ?? ""
        }
        #expect(
            message([2, 3, 5, 5], [4, 2, 3, 3])
                == "conv2d: input [2, 3, 5, 5] has 3 channels but weight [4, 2, 3, 3] = "
                + "[K, C, R, S] expects C = 2")
        #expect(message([3, 5, 5], [4, 3, 3, 3]).contains("input must be [N, C, H, W]"))
        #expect(message([2, 3, 5, 5], [4, 3, 3]).contains("weight must be [K, C, R, S]"))
        #expect(
            message([2, 3, 5, 5], [4, 3, 3, 3], bias: [3])
                == "conv2d: bias must be [4] to match weight [4, 3, 3, 3], got [3]")
        let tooSmall = message([1, 1, 2, 2], [1, 1, 5, 5], padding: 1)
        #expect(tooSmall.hasPrefix("conv2d: input [1, 1, 2, 2], weight [1, 1, 5, 5]"))
        #expect(tooSmall.contains("height + 2·padH ≥ kernelH (5)"))
        #expect(message([1, 1, 4, 4], [1, 1, 3, 3], stride: 0).contains("strideH = 0"))
        #expect(message([1, 1, 4, 4], [1, 1, 3, 3], padding: -1).contains("padH = -1"))

        let geometry = try Tensor.conv2dGeometry(
            input: [2, 3, 9, 8], weight: [4, 3, 7, 7], bias: [4], stride: (2, 2),
            padding: (3, 3))
        #expect([geometry.outHeight, geometry.outWidth] == [5, 4])
    }

    /// The operation itself stops the program with the same message (checked in a child
    /// process, as Swift Testing's exit tests run).
    @Test func mismatchedChannelsStopTheProgram() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = conv2d(Tensor.zeros([1, 3, 4, 4]), weight: Tensor.zeros([2, 2, 3, 3]))
        }
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains("conv2d: input [1, 3, 4, 4] has 3 channels but weight"))
    }
}
