import Kernels
import Randomness
import TensorCore
import TestSupport
import Testing

/// Forward values computed by hand or by a plain loop.
@Suite("Operation values")
struct OperationValueTests {
    @Test func broadcastingArithmetic() {
        let column = Tensor(shape: [3, 1], data: [1, 2, 3])
        let row = Tensor(shape: [1, 4], data: [10, 20, 30, 40])
        let sum = column + row
        #expect(sum.shape == [3, 4])
        #expect(sum.data == [11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43])
        #expect((row - column).data[4...7] == [8, 18, 28, 38])
        let cube = Tensor(shape: [2, 1, 2], data: [1, 2, 3, 4])
        #expect((cube * Tensor([10, 100])).data == [10, 200, 30, 400])
        #expect((Tensor([1, 4]) / Tensor([[2], [4]])).data == [0.5, 2, 0.25, 1])
        #expect((2 - Tensor([1, 5])).data == [1, -3])
        #expect((-Tensor([1, -5])).data == [-1, 5])
    }

    @Test func unaryFunctions() {
        let x = Tensor([-1, 0, 2])
        #expect(x.relu().data == [0, 0, 2])
        expectClose(x.exp().data, [0.36787944, 1, 7.389056], relative: 1e-5)
        expectClose(Tensor([1, 4]).sqrt().data, [1, 2], relative: 1e-5)
        expectClose(Tensor([1, 2.718281828]).log().data, [0, 1], relative: 1e-5)
        expectClose(x.pow(2).data, [1, 0, 4], relative: 1e-5)
        expectClose(x.tanh().data, [-0.7615942, 0, 0.9640276], relative: 1e-5)
        expectClose(x.sigmoid().data, [0.26894142, 0.5, 0.8807971], relative: 1e-5)
        // Extreme inputs stay finite and saturate.
        let saturated = Tensor([-100, 100]).sigmoid().data
        #expect(saturated[0] >= 0 && saturated[0] < 1e-30)
        #expect(saturated[1] == 1)
        #expect(Tensor([Float.nan]).relu().data[0].isNaN)
    }

    @Test func reductions() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(x.sum().shape == [])
        #expect(x.sum().scalar == 21)
        #expect(x.sum(axes: [0]).data == [5, 7, 9])
        #expect(x.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(x.sum(axes: [1], keepDims: true).data == [6, 15])
        #expect(x.sum(axes: [-1]).shape == [2])
        #expect(x.sum(axes: []).data == x.data)
        #expect(x.mean().scalar == 3.5)
        #expect(x.mean(axes: [0]).data == [2.5, 3.5, 4.5])
        #expect(x.max(axis: 1).data == [3, 6])
        #expect(x.max(axis: 0, keepDims: true).shape == [1, 3])
        #expect(x.max().scalar == 6)
        expectClose(x.variance(axes: [1]).data, [1, 1], relative: 1e-5)
        expectClose(x.variance(axes: [0, 1], unbiased: false).data, [35.0 / 12], relative: 1e-5)
    }

    @Test func argmaxPicksTheFirstLargest() {
        let logits = Tensor([[0.1, 2, 2], [5, -1, 0], [0, 0, 0.5]])
        #expect(logits.argmax(axis: 1) == [1, 0, 2])
        #expect(logits.argmax(axis: 0) == [1, 0, 0])
    }

    @Test func shapeOperations() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(x.reshaped([3, -1]).shape == [3, 2])
        #expect(x.reshaped([6]).data == x.data)
        #expect(x.transposed().data == [1, 4, 2, 5, 3, 6])
        #expect(x.unsqueezed(axis: 0).shape == [1, 2, 3])
        #expect(x.unsqueezed(axis: -1).shape == [2, 3, 1])
        #expect(x.reshaped([2, 1, 3]).squeezed(axis: 1).shape == [2, 3])
        #expect(x.squeezed(axis: 0).shape == [2, 3])  // size 2: unchanged, as PyTorch
        #expect(Tensor.zeros([1, 2, 1]).squeezed().shape == [2])
        let images = Tensor.zeros([2, 3, 4, 5])
        #expect(images.flattened(startDim: 1).shape == [2, 60])
        #expect(images.flattened().shape == [120])
        #expect(images.flattened(startDim: 1, endDim: 2).shape == [2, 12, 5])
        let cube = Tensor.arange(24).reshaped([2, 3, 4])
        let permuted = cube.permuted([2, 0, 1])
        #expect(permuted.shape == [4, 2, 3])
        for i in 0..<2 {
            for j in 0..<3 {
                for k in 0..<4 { #expect(permuted[k, i, j] == cube[i, j, k]) }
            }
        }
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 2), (7, 3, 5), (4, 0, 3), (17, 9, 13)])
    func matmulMatchesTheObviousLoop(m: Int, k: Int, n: Int) {
        let a = randomTensor([m, k], seed: UInt64(m * 100 + k))
        let b = randomTensor([k, n], seed: UInt64(k * 100 + n))
        let c = a.matmul(b)
        #expect(c.shape == [m, n])
        var expected = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k { expected[i * n + j] += a[i, p] * b[p, j] }
            }
        }
        expectClose(c.data, expected, relative: 1e-5)
    }

    @Test func linearIsMatmulWithTransposedWeightPlusBias() {
        let x = randomTensor([4, 3], seed: 1)
        let w = randomTensor([5, 3], seed: 2)
        let b = randomTensor([5], seed: 3)
        let y = linear(x, weight: w, bias: b)
        #expect(y.shape == [4, 5])
        expectClose(y.data, (x.matmul(w.transposed()) + b).data, relative: 1e-5)
        expectClose(linear(x, weight: w).data, x.matmul(w.transposed()).data, relative: 1e-5)
    }

    @Test func logSoftmaxAndSoftmaxByHand() {
        let x = Tensor([[1, 2, 3]])
        expectClose(
            x.logSoftmax(dim: 1).data, [-2.4076059, -1.4076059, -0.4076059], relative: 1e-5)
        expectClose(x.softmax(dim: 1).data, [0.09003057, 0.24472847, 0.66524096], relative: 1e-5)
        // Shifting the logits changes nothing; huge logits do not overflow.
        // (Float spacing near 1000 is 6e-5, which bounds the accuracy of x + 1000 itself.)
        expectClose(
            (x + 1000).logSoftmax(dim: 1).data, [-2.4076059, -1.4076059, -0.4076059],
            relative: 1e-4)
        let columns = Tensor([[1, 5], [1, 5]]).softmax(dim: 0)
        #expect(columns.data == [0.5, 0.5, 0.5, 0.5])
    }

    @Test func crossEntropyByHand() {
        // Row 0: logsumexp(1, 2, 3) - 3 = 0.40760596; row 1: uniform over 3 classes, ln 3.
        let logits = Tensor([[1, 2, 3], [1, 1, 1]], requiresGrad: true)
        let loss = crossEntropy(logits: logits, targets: [2, 0])
        #expect(loss.shape == [])
        expectClose([loss.scalar], [(0.40760596 + 1.0986123) / 2], relative: 1e-5)
        loss.backward()
        // (softmax - onehot) / N
        let third: Float = 1.0 / 3
        expectClose(
            logits.grad?.data ?? [],
            [
                0.09003057 / 2, 0.24472847 / 2, (0.66524096 - 1) / 2, (third - 1) / 2, third / 2,
                third / 2,
            ], relative: 1e-5)
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        let logits = Tensor([[1000, 0], [-1000, 1000]], requiresGrad: true)
        let loss = crossEntropy(logits: logits, targets: [1, 0])
        // Row 0: logsumexp = 1000, minus logit 0; row 1: 1000 - (-1000). Mean 1500.
        expectClose([loss.scalar], [1500], relative: 1e-5)
        loss.backward()
        #expect(logits.grad!.data.allSatisfy { $0.isFinite })
    }
}

/// Results must not depend on how many threads the kernels use.
@Suite("Determinism across thread counts")
struct DeterminismTests {
    @Test func largeOperationsGiveIdenticalBitsOnOneOrFourThreads() {
        func run() -> [[Float]] {
            var generator = SeededGenerator(seed: 11)
            let x = Tensor.randn([97, 1103], generator: &generator, requiresGrad: true)
            let bias = Tensor.randn([1103], generator: &generator, requiresGrad: true)
            let y = ((x * bias).relu() + x.tanh()).sum(axes: [0])
            let loss = y.mean()
            loss.backward()
            return [y.data, [loss.scalar], x.grad!.data, bias.grad!.data]
        }
        let serial = Parallel.withThreadCount(1) { run() }
        let parallel = Parallel.withThreadCount(4) { run() }
        #expect(serial == parallel)
    }

    /// A residual block's sum, large enough to be split over threads: `a + b` of one shape,
    /// and gradients meeting at one input (the first kept, the next added to it in place).
    /// Both run in chunks; every element must be the one addition the definition asks for,
    /// on any thread count.
    @Test(arguments: [1, 2, 3])
    func sameShapeSumAndGradientSumAreElementwise(threads: Int) {
        var generator = SeededGenerator(seed: 12)
        let a = Tensor.randn([3, 5, 61, 67], generator: &generator, requiresGrad: true)
        let b = Tensor.randn([3, 5, 61, 67], generator: &generator)
        let weights = Tensor.randn([3, 5, 61, 67], generator: &generator)
        let (sum, gradient) = Parallel.withThreadCount(threads) {
            let sum = a + b
            // a's gradient arrives three times, as w through `sum` and twice through `a + a`.
            ((sum + (a + a)) * weights).sum().backward()
            return (sum.data, a.grad!.data)
        }
        #expect(sum.count > 32_768, "the sum must be large enough to run in parallel")
        #expect(sum == zip(a.data, b.data).map { $0 + $1 })
        // w + w is exact, so the three contributions give (w + w) + w in any order.
        #expect(gradient == weights.data.map { ($0 + $0) + $0 })
    }
}
