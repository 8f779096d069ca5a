import Kernels
import TensorCore
import TestSupport
import Testing

@Suite("batchNorm2d")
struct BatchNormTests {
    /// Fresh buffers [C]: running mean 0, running variance 1 (PyTorch's initial values).
    static func buffers(_ channels: Int) -> (mean: Tensor, variance: Tensor) {
        (Tensor.zeros([channels]), Tensor.ones([channels]))
    }

    /// The per-channel values of an NCHW array, channel by channel.
    static func channelValues(_ t: Tensor) -> [[Double]] {
        let (batch, channels, pixels) = (t.shape[0], t.shape[1], t.shape[2] * t.shape[3])
        return (0..<channels).map { c in
            (0..<batch).flatMap { n in
                (0..<pixels).map { p in Double(t.data[(n * channels + c) * pixels + p]) }
            }
        }
    }

    // MARK: Gradients

    @Test(arguments: [[3, 2, 3, 2], [3, 2, 1, 1], [1, 2, 3, 3], [4, 1, 2, 3]])
    func trainingGradientsMatchFiniteDifferences(shape: [Int]) {
        let channels = shape[1]
        let inputs = [
            randomTensor(shape, seed: 1, low: -2, high: 2),
            awayFromZero([channels], seed: 2), randomTensor([channels], seed: 3),
        ]
        let (mean, variance) = Self.buffers(channels)
        expectGradientsMatch(inputs) { t in
            batchNorm2d(
                t[0], weight: t[1], bias: t[2], runningMean: mean, runningVar: variance,
                training: true)
        }
    }

    @Test func trainingGradientWithoutAffineParameters() {
        let (mean, variance) = Self.buffers(3)
        expectGradientsMatch([randomTensor([2, 3, 2, 3], seed: 4)]) { t in
            batchNorm2d(
                t[0], weight: nil, bias: nil, runningMean: mean, runningVar: variance,
                training: true)
        }
    }

    @Test func evalGradientsMatchFiniteDifferences() {
        let inputs = [
            randomTensor([2, 3, 2, 3], seed: 5), awayFromZero([3], seed: 6),
            randomTensor([3], seed: 7),
        ]
        let mean = randomTensor([3], seed: 8)
        let variance = randomTensor([3], seed: 9, low: 0.5, high: 2)
        expectGradientsMatch(inputs) { t in
            batchNorm2d(
                t[0], weight: t[1], bias: t[2], runningMean: mean, runningVar: variance,
                training: false)
        }
    }

    /// x feeds batch norm and also the sum: its gradient is the sum of both contributions.
    @Test func gradientsAccumulateOverUses() {
        let (mean, variance) = Self.buffers(2)
        expectGradientsMatch([randomTensor([3, 2, 2, 2], seed: 10)]) { t in
            let y = batchNorm2d(
                t[0], weight: nil, bias: nil, runningMean: mean, runningVar: variance,
                training: true)
            return y * y * 0.5 + t[0]
        }
    }

    // MARK: Training and eval semantics

    /// Training output, per channel: mean β and biased variance γ²·σ²/(σ² + eps) ≈ γ².
    @Test func trainingNormalisesEachChannel() {
        let x = randomTensor([4, 3, 5, 2], seed: 11, low: -3, high: 7)
        let (mean, variance) = Self.buffers(3)
        let plain = batchNorm2d(
            x, weight: nil, bias: nil, runningMean: mean, runningVar: variance, training: true)
        for values in Self.channelValues(plain) {
            let mu = values.reduce(0, +) / Double(values.count)
            let sigma2 = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(values.count)
            #expect(abs(mu) < 1e-6)
            #expect(abs(sigma2 - 1) < 1e-4)
        }
        let gamma: [Float] = [2, -0.5, 3]
        let beta: [Float] = [1, 0, -4]
        let affine = batchNorm2d(
            x, weight: Tensor(gamma), bias: Tensor(beta), runningMean: mean, runningVar: variance,
            training: true)
        for (c, values) in Self.channelValues(affine).enumerated() {
            let mu = values.reduce(0, +) / Double(values.count)
            let sigma2 = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(values.count)
            #expect(abs(mu - Double(beta[c])) < 1e-5)
            #expect(abs(sigma2 - Double(gamma[c] * gamma[c])) < 1e-3)
        }
    }

    /// eps is added to the variance under the square root: with a large eps the output
    /// variance is σ²/(σ² + eps), in both modes.
    @Test func epsIsAddedToTheVarianceUnderTheSquareRoot() {
        let x = Tensor(shape: [2, 1, 1, 2], data: [0.5, -0.5, 0.5, -0.5])  // σ² = 0.25
        let eps: Float = 0.5
        let (mean, variance) = Self.buffers(1)
        let train = batchNorm2d(
            x, weight: nil, bias: nil, runningMean: mean, runningVar: variance, training: true,
            eps: eps)
        let expected: Float = 0.5 / (0.25 + eps).squareRoot()
        expectClose(train.data, [expected, -expected, expected, -expected], relative: 1e-6)
        let eval = batchNorm2d(
            x, weight: nil, bias: nil, runningMean: Tensor([0]), runningVar: Tensor([0.25]),
            training: false, eps: eps)
        expectClose(eval.data, train.data, relative: 1e-6)
    }

    /// One training step moves the buffers by momentum toward the batch mean and the
    /// UNBIASED batch variance, computed here independently in Double.
    @Test(arguments: [Float(0.1), 0.3, 1])
    func trainingUpdatesRunningStatistics(momentum: Float) {
        let x = randomTensor([3, 2, 2, 3], seed: 12, low: -1, high: 4)
        let startMean: [Float] = [0.5, -1]
        let startVar: [Float] = [2, 0.7]
        let runningMean = Tensor(startMean)
        let runningVar = Tensor(startVar)
        _ = batchNorm2d(
            x, weight: nil, bias: nil, runningMean: runningMean, runningVar: runningVar,
            training: true, momentum: momentum)
        for (c, values) in Self.channelValues(x).enumerated() {
            let n = Double(values.count)
            let mu = values.reduce(0, +) / n
            let unbiased = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / (n - 1)
            let m = Double(momentum)
            let expectedMean = (1 - m) * Double(startMean[c]) + m * mu
            let expectedVar = (1 - m) * Double(startVar[c]) + m * unbiased
            #expect(abs(Double(runningMean.data[c]) - expectedMean) < 1e-6)
            #expect(abs(Double(runningVar.data[c]) - expectedVar) < 1e-6)
        }
    }

    /// Eval mode normalises with the buffers, y = γ·(x − mean)/√(var + eps) + β, and leaves
    /// them unchanged.
    @Test func evalUsesRunningStatistics() {
        let x = randomTensor([2, 2, 2, 2], seed: 13)
        let runningMean = Tensor([0.25, -0.5])
        let runningVar = Tensor([4, 0.5])
        let gamma: [Float] = [1.5, -2]
        let beta: [Float] = [0.1, 0.2]
        let eps: Float = 1e-3
        let y = batchNorm2d(
            x, weight: Tensor(gamma), bias: Tensor(beta), runningMean: runningMean,
            runningVar: runningVar, training: false, eps: eps)
        var expected = [Float]()
        for n in 0..<2 {
            for c in 0..<2 {
                for p in 0..<4 {
                    let value = x.data[(n * 2 + c) * 4 + p]
                    let scale = 1 / (runningVar.data[c] + eps).squareRoot()
                    expected.append((value - runningMean.data[c]) * scale * gamma[c] + beta[c])
                }
            }
        }
        expectClose(y.data, expected, relative: 1e-6)
        #expect(runningMean.data == [0.25, -0.5])
        #expect(runningVar.data == [4, 0.5])
    }

    /// Statistics come from the batch, not the buffers, in training; inside `withoutGrad` too.
    @Test func trainingIgnoresBuffersAndStillUpdatesWithoutGrad() {
        let x = randomTensor([2, 2, 3, 3], seed: 14)
        let a = batchNorm2d(
            x, weight: nil, bias: nil, runningMean: Tensor([5, 5]), runningVar: Tensor([9, 9]),
            training: true)
        let (mean, variance) = Self.buffers(2)
        let b = Tensor.withoutGrad {
            batchNorm2d(
                x, weight: nil, bias: nil, runningMean: mean, runningVar: variance,
                training: true)
        }
        #expect(a.data == b.data)
        #expect(mean.data != [0, 0])
        #expect(!b.requiresGrad)
    }

    // MARK: Threads and arguments

    /// Forward, buffers and all gradients give the same bits on 1, 2 and 3 threads (the
    /// shapes are large enough that channels and planes split over threads).
    @Test func resultsDoNotDependOnThreadCount() {
        func run(threads: Int) -> [[Float]] {
            Parallel.withThreadCount(threads) {
                let x = randomTensor([8, 32, 16, 16], seed: 15, low: -2, high: 3)
                let weight = randomTensor([32], seed: 16)
                let bias = randomTensor([32], seed: 17)
                for t in [x, weight, bias] { t.requiresGrad = true }
                let (mean, variance) = Self.buffers(32)
                let y = batchNorm2d(
                    x, weight: weight, bias: bias, runningMean: mean, runningVar: variance,
                    training: true)
                y.backward(gradient: randomTensor(y.shape, seed: 18))
                return [
                    y.data, mean.data, variance.data, x.grad?.data ?? [],
                    weight.grad?.data ?? [], bias.grad?.data ?? [],
                ]
            }
        }
        let serial = run(threads: 1)
        #expect(serial.allSatisfy { !$0.isEmpty })
        #expect(run(threads: 2) == serial)
        #expect(run(threads: 3) == serial)
    }

    @Test func badArgumentsAreExplained() throws {
        func message(
            _ input: [Int], weight: [Int]? = nil, runningMean: [Int] = [3],
            training: Bool = true
        ) -> String {
            let error = #expect(throws: ShapeError.self) {
                try Tensor.checkBatchNorm2dArguments(
                    input: input, weight: weight, bias: nil, runningMean: runningMean,
                    runningVar: [3], training: training)
            }
            return error?.message ?? ""
        }
        #expect(
            message([2, 3, 4, 4], weight: [4])
                == "batchNorm2d: weight must be [3] for input [2, 3, 4, 4] with 3 channels, got "
                + "shape [4]")
        #expect(message([2, 3, 4, 4], runningMean: [1, 3]).contains("runningMean must be [3]"))
        #expect(
            message([1, 3, 1, 1])
                == "batchNorm2d: expected more than 1 value per channel when training, got "
                + "input [1, 3, 1, 1]")
        #expect(message([2, 3, 4]).contains("input must be [N, C, H, W]"))
        // One value per channel is fine in eval mode.
        try Tensor.checkBatchNorm2dArguments(
            input: [1, 3, 1, 1], weight: [3], bias: [3], runningMean: [3], runningVar: [3],
            training: false)
    }
}
