import TensorCore
import TestSupport
import Testing

/// A differentiable computation and the point to check it at.
struct GradientCase: Sendable, CustomTestStringConvertible {
    let name: String
    let inputs: [Tensor]
    let function: @Sendable ([Tensor]) -> Tensor

    init(
        _ name: String, _ inputs: [Tensor], _ function: @escaping @Sendable ([Tensor]) -> Tensor
    ) {
        self.name = name
        self.inputs = inputs
        self.function = function
    }

    var testDescription: String { name }
}

/// Finite-difference checks of every differentiable operation (the first test oracle).
@Suite("Gradients match finite differences")
struct GradientTests {
    static let arithmeticCases: [GradientCase] = [
        GradientCase(
            "add same shape", [randomTensor([2, 3], seed: 1), randomTensor([2, 3], seed: 2)]
        ) {
            $0[0] + $0[1]
        },
        GradientCase(
            "add [3,1] + [1,4]", [randomTensor([3, 1], seed: 3), randomTensor([1, 4], seed: 4)]
        ) {
            $0[0] + $0[1]
        },
        GradientCase(
            "add [2,3,4] + [4]", [randomTensor([2, 3, 4], seed: 5), randomTensor([4], seed: 6)]
        ) {
            $0[0] + $0[1]
        },
        GradientCase("add [] + [2,3]", [randomTensor([], seed: 7), randomTensor([2, 3], seed: 8)]) {
            $0[0] + $0[1]
        },
        GradientCase("add Float", [randomTensor([2, 3], seed: 9)]) { $0[0] + 2 },
        GradientCase(
            "sub [2,3] - [3]", [randomTensor([2, 3], seed: 10), randomTensor([3], seed: 11)]
        ) {
            $0[0] - $0[1]
        },
        GradientCase(
            "sub [3,1] - [1,4]", [randomTensor([3, 1], seed: 12), randomTensor([1, 4], seed: 13)]
        ) {
            $0[0] - $0[1]
        },
        GradientCase("Float - x", [randomTensor([4], seed: 14)]) { 2 - $0[0] },
        GradientCase(
            "mul [2,3,4] * [4]", [randomTensor([2, 3, 4], seed: 15), randomTensor([4], seed: 16)]
        ) {
            $0[0] * $0[1]
        },
        GradientCase(
            "mul [3,1] * [1,4]", [randomTensor([3, 1], seed: 17), randomTensor([1, 4], seed: 18)]
        ) {
            $0[0] * $0[1]
        },
        GradientCase(
            "mul [2,1,3] * [4,1]",
            [randomTensor([2, 1, 3], seed: 19), randomTensor([4, 1], seed: 20)]
        ) {
            $0[0] * $0[1]
        },
        GradientCase("mul x * x", [randomTensor([3, 2], seed: 21)]) { $0[0] * $0[0] },
        GradientCase("mul Float", [randomTensor([2, 2], seed: 22)]) { 3 * $0[0] },
        GradientCase(
            "div [2,3] / [3]",
            [randomTensor([2, 3], seed: 23), randomTensor([3], seed: 24, low: 0.5, high: 2)]
        ) {
            $0[0] / $0[1]
        },
        GradientCase(
            "div [3,1] / [1,2]",
            [randomTensor([3, 1], seed: 25), randomTensor([1, 2], seed: 26, low: 0.5, high: 2)]
        ) {
            $0[0] / $0[1]
        },
        GradientCase("Float / x", [randomTensor([5], seed: 27, low: 0.5, high: 2)]) { 1 / $0[0] },
        GradientCase("x / Float", [randomTensor([5], seed: 28)]) { $0[0] / 4 },
        GradientCase("neg", [randomTensor([2, 3], seed: 29)]) { -$0[0] },
    ]

    static let unaryCases: [GradientCase] = [
        GradientCase("relu", [awayFromZero([3, 4], seed: 30)]) { $0[0].relu() },
        GradientCase("exp", [randomTensor([3, 4], seed: 31, low: -2, high: 2)]) { $0[0].exp() },
        GradientCase("log", [randomTensor([3, 4], seed: 32, low: 0.5, high: 3)]) { $0[0].log() },
        GradientCase("sqrt", [randomTensor([3, 4], seed: 33, low: 0.5, high: 3)]) { $0[0].sqrt() },
        GradientCase("pow 3", [randomTensor([3, 4], seed: 34)]) { $0[0].pow(3) },
        GradientCase("pow 2 on negatives", [randomTensor([5], seed: 35, low: -2, high: -0.5)]) {
            $0[0].pow(2)
        },
        GradientCase("pow -1.5", [randomTensor([5], seed: 36, low: 0.5, high: 2)]) {
            $0[0].pow(-1.5)
        },
        GradientCase("tanh", [randomTensor([3, 4], seed: 37, low: -2, high: 2)]) { $0[0].tanh() },
        GradientCase("sigmoid", [randomTensor([3, 4], seed: 38, low: -3, high: 3)]) {
            $0[0].sigmoid()
        },
    ]

    static let reductionsCases: [GradientCase] = [
        GradientCase("sum all", [randomTensor([2, 3, 4], seed: 40)]) { $0[0].sum() },
        GradientCase("sum axis 0", [randomTensor([2, 3, 4], seed: 41)]) { $0[0].sum(axes: [0]) },
        GradientCase("sum axis 1 keepDims", [randomTensor([2, 3, 4], seed: 42)]) {
            $0[0].sum(axes: [1], keepDims: true)
        },
        GradientCase("sum axes 0,2", [randomTensor([2, 3, 4], seed: 43)]) {
            $0[0].sum(axes: [0, 2])
        },
        GradientCase("sum axis -1 keepDims", [randomTensor([2, 3, 4], seed: 44)]) {
            $0[0].sum(axes: [-1], keepDims: true)
        },
        GradientCase("mean all", [randomTensor([3, 5], seed: 45)]) { $0[0].mean() },
        GradientCase("mean axis 1", [randomTensor([3, 5], seed: 46)]) { $0[0].mean(axes: [1]) },
        GradientCase("mean axes 0,2 keepDims", [randomTensor([2, 3, 4], seed: 47)]) {
            $0[0].mean(axes: [0, 2], keepDims: true)
        },
        GradientCase("max axis 1", [distinctValues([3, 4], seed: 48)]) { $0[0].max(axis: 1) },
        GradientCase("max axis 0 keepDims", [distinctValues([3, 4], seed: 49)]) {
            $0[0].max(axis: 0, keepDims: true)
        },
        GradientCase("max all", [distinctValues([2, 3], seed: 50)]) { $0[0].max() },
        GradientCase("variance unbiased", [randomTensor([3, 5], seed: 51)]) {
            $0[0].variance(axes: [1])
        },
        GradientCase("variance biased keepDims", [randomTensor([2, 3, 4], seed: 52)]) {
            $0[0].variance(axes: [0, 2], keepDims: true, unbiased: false)
        },
    ]

    static let shapesCases: [GradientCase] = [
        GradientCase("reshape -1", [randomTensor([2, 3, 4], seed: 60)]) {
            $0[0].reshaped([4, -1])
        },
        GradientCase("flatten from 1", [randomTensor([2, 3, 2, 2], seed: 61)]) {
            $0[0].flattened(startDim: 1)
        },
        GradientCase("permute [2,0,1]", [randomTensor([2, 3, 4], seed: 62)]) {
            $0[0].permuted([2, 0, 1])
        },
        GradientCase("permute NCHW to NHWC", [randomTensor([2, 3, 2, 4], seed: 63)]) {
            $0[0].permuted([0, 2, 3, 1])
        },
        GradientCase("transpose", [randomTensor([3, 5], seed: 64)]) { $0[0].transposed() },
        GradientCase("squeeze, unsqueeze", [randomTensor([3, 1, 2], seed: 65)]) {
            $0[0].squeezed(axis: 1).unsqueezed(axis: 0)
        },
    ]

    static let productsCases: [GradientCase] = [
        GradientCase(
            "matmul [3,5]·[5,2]",
            [randomTensor([3, 5], seed: 70), randomTensor([5, 2], seed: 71)]
        ) {
            $0[0].matmul($0[1])
        },
        GradientCase(
            "matmul [7,3]·[3,5]",
            [randomTensor([7, 3], seed: 72), randomTensor([3, 5], seed: 73)]
        ) {
            $0[0].matmul($0[1])
        },
        GradientCase(
            "matmul [1,1]·[1,1]",
            [randomTensor([1, 1], seed: 74), randomTensor([1, 1], seed: 75)]
        ) {
            $0[0].matmul($0[1])
        },
        GradientCase(
            "linear with bias",
            [
                randomTensor([4, 3], seed: 76), randomTensor([5, 3], seed: 77),
                randomTensor([5], seed: 78),
            ]
        ) { linear($0[0], weight: $0[1], bias: $0[2]) },
        GradientCase(
            "linear without bias",
            [randomTensor([2, 3], seed: 79), randomTensor([4, 3], seed: 80)]
        ) {
            linear($0[0], weight: $0[1])
        },
        GradientCase(
            "linear on [2,3,4] input",
            [
                randomTensor([2, 3, 4], seed: 81), randomTensor([2, 4], seed: 82),
                randomTensor([2], seed: 83),
            ]
        ) { linear($0[0], weight: $0[1], bias: $0[2]) },
    ]

    static let lossesCases: [GradientCase] = [
        GradientCase("logSoftmax dim 1", [randomTensor([4, 5], seed: 90, low: -2, high: 2)]) {
            $0[0].logSoftmax(dim: 1)
        },
        GradientCase("logSoftmax dim 0", [randomTensor([4, 5], seed: 91, low: -2, high: 2)]) {
            $0[0].logSoftmax(dim: 0)
        },
        GradientCase(
            "logSoftmax [2,3,4] dim 1", [randomTensor([2, 3, 4], seed: 92, low: -2, high: 2)]
        ) {
            $0[0].logSoftmax(dim: 1)
        },
        GradientCase("softmax dim 1", [randomTensor([3, 4], seed: 93, low: -2, high: 2)]) {
            $0[0].softmax(dim: 1)
        },
        GradientCase(
            "softmax dim -1 on [2,2,3]", [randomTensor([2, 2, 3], seed: 94, low: -2, high: 2)]
        ) {
            $0[0].softmax(dim: -1)
        },
        GradientCase("crossEntropy", [randomTensor([4, 5], seed: 95, low: -2, high: 2)]) {
            crossEntropy(logits: $0[0], targets: [1, 0, 4, 1])
        },
        GradientCase(
            "two-layer net into crossEntropy",
            [
                randomTensor([3, 4], seed: 96), randomTensor([5, 4], seed: 97),
                randomTensor([5], seed: 98), randomTensor([3, 5], seed: 99),
            ]
        ) { p in
            let hidden = linear(p[0], weight: p[1], bias: p[2]).tanh()
            return crossEntropy(logits: linear(hidden, weight: p[3]), targets: [2, 0, 1])
        },
    ]

    @Test(arguments: arithmeticCases)
    func arithmetic(_ c: GradientCase) {
        expectGradientsMatch(c.inputs, c.function)
    }

    @Test(arguments: unaryCases)
    func unary(_ c: GradientCase) {
        expectGradientsMatch(c.inputs, c.function)
    }

    @Test(arguments: reductionsCases)
    func reductions(_ c: GradientCase) {
        expectGradientsMatch(c.inputs, c.function)
    }

    @Test(arguments: shapesCases)
    func shapes(_ c: GradientCase) {
        expectGradientsMatch(c.inputs, c.function)
    }

    @Test(arguments: productsCases)
    func products(_ c: GradientCase) {
        expectGradientsMatch(c.inputs, c.function)
    }

    @Test(arguments: lossesCases)
    func losses(_ c: GradientCase) {
        expectGradientsMatch(c.inputs, c.function)
    }
}
