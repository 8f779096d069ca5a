import TensorCore
import TestSupport
import Testing

/// One pooling geometry: input shape, kernel, stride (nil: the kernel size) and padding.
struct PoolCase: Sendable, CustomTestStringConvertible {
    let x: [Int]
    let kernel: Int
    let stride: Int?
    let padding: Int

    var testDescription: String {
        "x \(x), kernel \(kernel), stride \(stride.map(String.init) ?? "default"), "
            + "padding \(padding)"
    }
}

@Suite("Pooling")
struct PoolingTests {
    static let cases: [PoolCase] = [
        PoolCase(x: [2, 2, 4, 4], kernel: 2, stride: nil, padding: 0),
        PoolCase(x: [1, 2, 7, 6], kernel: 3, stride: 2, padding: 1),
        PoolCase(x: [2, 1, 5, 7], kernel: 3, stride: 1, padding: 1),
        PoolCase(x: [1, 3, 8, 7], kernel: 3, stride: 3, padding: 0),
        PoolCase(x: [1, 2, 9, 8], kernel: 7, stride: 2, padding: 3),
        PoolCase(x: [2, 2, 3, 5], kernel: 1, stride: 2, padding: 0),
    ]

    // MARK: Max pooling

    @Test(arguments: cases)
    func maxPoolGradientsMatchFiniteDifferences(_ c: PoolCase) {
        // Distinct values 0.1 apart: no two elements of a window are within a finite-difference
        // step of each other, so every window has one clear maximum.
        expectGradientsMatch([distinctValues(c.x, seed: 3)]) {
            $0[0].maxPool2d(kernelSize: c.kernel, stride: c.stride, padding: c.padding)
        }
    }

    @Test(
        "non-square windows: finite differences through max and average pooling",
        arguments: [((3, 2), (2, 1), (1, 0)), ((2, 3), (1, 2), (1, 1)), ((1, 4), (1, 3), (0, 2))])
    func rectangularGradientsMatchFiniteDifferences(
        _ geometry: (kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int))
    ) {
        let x = distinctValues([2, 2, 6, 7], seed: 5)
        expectGradientsMatch([x]) {
            $0[0].maxPool2d(
                kernelSize: geometry.kernel, stride: geometry.stride, padding: geometry.padding)
        }
        expectGradientsMatch([x]) {
            $0[0].avgPool2d(
                kernelSize: geometry.kernel, stride: geometry.stride, padding: geometry.padding)
        }
        // Each axis by its own numbers: Ho = (H + 2·padH − kernelH) / strideH + 1.
        let (k, s, p) = geometry
        let expected = [2, 2, (6 + 2 * p.0 - k.0) / s.0 + 1, (7 + 2 * p.1 - k.1) / s.1 + 1]
        #expect(x.maxPool2d(kernelSize: k, stride: s, padding: p).shape == expected)
        #expect(x.avgPool2d(kernelSize: k, stride: s, padding: p).shape == expected)
    }

    @Test func maxPoolValues() {
        let x = Tensor(
            shape: [1, 1, 4, 4],
            data: [
                1, 5, 2, 0,
                3, 4, 8, 6,
                7, 0, 1, 2,
                9, 3, 4, 5,
            ])
        #expect(x.maxPool2d(kernelSize: 2).data == [5, 8, 9, 5])
        #expect(x.maxPool2d(kernelSize: 3, stride: 1).data == [8, 8, 9, 8])
        // 3×3, stride 2, padding 1 (the ResNet stem): windows clipped at the border.
        #expect(x.maxPool2d(kernelSize: 3, stride: 2, padding: 1).data == [5, 8, 9, 8])
    }

    /// Padding is −∞ in PyTorch: an all-negative image keeps its negative maxima at the border.
    @Test func paddingNeverWinsTheMaximum() {
        let x = Tensor(shape: [1, 1, 2, 3], data: [-6, -5, -4, -3, -2, -1])
        let y = x.maxPool2d(kernelSize: 3, stride: 1, padding: 1)
        #expect(y.data == [-2, -1, -1, -2, -1, -1])
        let corner = Tensor(shape: [1, 1, 1, 1], data: [-7]).maxPool2d(
            kernelSize: 3, stride: 1, padding: 1)
        #expect(corner.data == [-7])
    }

    /// With ties the first maximum in row-major scan order wins, and receives the gradient.
    @Test func tiesSendTheGradientToTheFirstMaximum() {
        let x = Tensor(
            shape: [1, 1, 2, 4], data: [2, 2, 1, 3, 2, 0, 3, 3], requiresGrad: true)
        let y = x.maxPool2d(kernelSize: 2)
        #expect(y.data == [2, 3])
        y.backward(gradient: Tensor(shape: [1, 1, 1, 2], data: [10, 20]))
        #expect(x.grad?.data == [10, 0, 0, 20, 0, 0, 0, 0])
    }

    /// Overlapping windows that pick the same element add their gradients there.
    @Test func overlappingWindowsAddTheirGradients() {
        let x = Tensor(shape: [1, 1, 1, 4], data: [0, 9, 1, 2], requiresGrad: true)
        let y = x.maxPool2d(kernelSize: 3, stride: 1, padding: 1)
        #expect(y.data == [9, 9, 9, 2])
        y.backward(gradient: Tensor(shape: [1, 1, 1, 4], data: [1, 2, 4, 8]))
        #expect(x.grad?.data == [0, 7, 0, 8])
    }

    // MARK: Average pooling

    @Test(arguments: cases, [true, false])
    func avgPoolGradientsMatchFiniteDifferences(_ c: PoolCase, countIncludePad: Bool) {
        expectGradientsMatch([randomTensor(c.x, seed: 5)]) {
            $0[0].avgPool2d(
                kernelSize: c.kernel, stride: c.stride, padding: c.padding,
                countIncludePad: countIncludePad)
        }
    }

    @Test func avgPoolValuesAndDivisors() {
        let ones = Tensor.ones([1, 1, 3, 3])
        // count_include_pad=True (the default): the corner window holds 4 ones and 5 zeros.
        let included = ones.avgPool2d(kernelSize: 3, stride: 1, padding: 1)
        expectClose(included.data, [4, 6, 4, 6, 9, 6, 4, 6, 4].map { $0 / 9 }, relative: 1e-5)
        let excluded = ones.avgPool2d(
            kernelSize: 3, stride: 1, padding: 1, countIncludePad: false)
        expectClose(excluded.data, [Float](repeating: 1, count: 9), relative: 1e-5)

        let x = Tensor(shape: [1, 1, 2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(x.avgPool2d(kernelSize: 2).data == [3.5, 5.5])
    }

    // MARK: Adaptive and global average pooling

    @Test(arguments: [(1, 1), (2, 3), (3, 2), (5, 7)])
    func adaptiveAvgPoolGradientsMatchFiniteDifferences(height: Int, width: Int) {
        expectGradientsMatch([randomTensor([2, 2, 5, 7], seed: 7)]) {
            $0[0].adaptiveAvgPool2d(height: height, width: width)
        }
    }

    @Test func adaptiveBinsFollowPyTorch() {
        // Width 5 into 3 bins: columns 0..<2, 1..<4, 3..<5 (⌊i·5/3⌋ ..< ⌈(i+1)·5/3⌉).
        let x = Tensor(shape: [1, 1, 1, 5], data: [1, 2, 3, 4, 5])
        expectClose(x.adaptiveAvgPool2d(height: 1, width: 3).data, [1.5, 3, 4.5], relative: 1e-5)
        // Identity when the output size equals the input size.
        let image = randomTensor([2, 3, 4, 5], seed: 9)
        #expect(image.adaptiveAvgPool2d(height: 4, width: 5).data == image.data)
    }

    @Test func globalAveragePoolIsThePlaneMean() {
        let x = randomTensor([3, 4, 5, 6], seed: 11)
        let y = x.globalAveragePool()
        #expect(y.shape == [3, 4, 1, 1])
        let expected = x.mean(axes: [2, 3])
        expectClose(y.data, expected.data, relative: 1e-6)
        #expect(x.adaptiveAvgPool2d(1).data == y.data)
    }

    // MARK: Arguments

    @Test func outputShapes() throws {
        #expect(
            try Tensor.pool2dShape(
                op: "maxPool2d", input: [2, 64, 112, 112], kernelSize: 3, stride: 2, padding: 1)
                == [2, 64, 56, 56])
        #expect(
            try Tensor.pool2dShape(
                op: "avgPool2d", input: [1, 3, 7, 5], kernelSize: 2, stride: 2, padding: 0) == [
                    1, 3, 3, 2,
                ])
        #expect(Tensor.zeros([1, 2, 5, 5]).maxPool2d(kernelSize: 2).shape == [1, 2, 2, 2])
    }

    @Test func badArgumentsAreExplained() {
        func message(_ input: [Int], kernel: Int, stride: Int, padding: Int) -> String {
            let error = #expect(throws: ShapeError.self) {
                try Tensor.pool2dShape(
                    op: "maxPool2d", input: input, kernelSize: kernel, stride: stride,
                    padding: padding)
            }
            return error?.message ?? ""
        }
        #expect(
            message([1, 1, 8, 8], kernel: 3, stride: 1, padding: 2)
                == "maxPool2d: padding must be between 0 and half the kernel size (1), got "
                + "padding 2 for kernelSize 3")
        #expect(
            message([1, 1, 2, 2], kernel: 5, stride: 1, padding: 0).contains(
                "input [1, 1, 2, 2] padded by 0 is smaller than the 5×5 kernel"))
        #expect(
            message([1, 8, 8], kernel: 2, stride: 2, padding: 0)
                == "maxPool2d: input must be [N, C, H, W], got shape [1, 8, 8]")
        #expect(message([1, 1, 8, 8], kernel: 2, stride: 0, padding: 0).contains("stride 0"))
        #expect(
            message([1, 1, 0, 2], kernel: 2, stride: 2, padding: 1)
                == "maxPool2d: input [1, 1, 0, 2] has an empty image; expected H, W > 0")
    }
}
