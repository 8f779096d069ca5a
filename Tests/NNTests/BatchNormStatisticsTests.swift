import NN
import Randomness
import TensorCore
import TestSupport
import Testing

@Suite("Precise batch-norm statistics: running estimates re-estimated from batches")
struct BatchNormStatisticsTests {
    @Test("one batch norm: the running mean and variance become the batches' averages")
    func averagesOverBatches() {
        let bn = BatchNorm2d(2)
        let model = Sequential([bn])
        model.eval()
        // Channel 0 of the first batch holds 1...4, channel 1 holds 10, 20, 30, 40; the
        // second batch doubles the first.
        let first = Tensor(shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 10, 20, 30, 40])
        let second = Tensor(shape: [1, 2, 2, 2], data: first.data.map { 2 * $0 })
        model.reestimateBatchNormStatistics([first, second])
        // Means 2.5 and 5 (channel 0), 25 and 50 (channel 1); unbiased variances 5/3 and
        // 20/3, 500/3 and 2000/3.
        expectClose(bn.runningMean.data, [3.75, 37.5], relative: 1e-6)
        expectClose(bn.runningVar.data, [12.5 / 3, 1250 / 3], relative: 1e-6)
        #expect(!bn.training, "the mode was not restored")
        #expect(bn.numBatchesTracked.scalar == 0, "the count of batches changed")
        #expect(bn.forwardHookCount == 0, "a hook was left behind")
    }

    @Test("a later batch norm sees its input as a training step makes it")
    func laterLayersSeeTrainingModeInputs() {
        var generator = SeededGenerator(seed: 3)
        let conv1 = Conv2d(
            inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1,
            generator: &generator)
        let bn1 = BatchNorm2d(3)
        let conv2 = Conv2d(
            inputChannels: 3, outputChannels: 2, kernelSize: 3, padding: 1,
            generator: &generator)
        let bn2 = BatchNorm2d(2)
        let model = Sequential([conv1, bn1, ReLU(), conv2, bn2])
        // Running estimates far from the data's, so an eval-mode pass would differ.
        bn1.runningMean.data = [5, -5, 5]
        bn1.runningVar.data = [100, 100, 100]
        let batches = [randomTensor([4, 2, 5, 5], seed: 7), randomTensor([4, 2, 5, 5], seed: 8)]
        // The input of bn2 in a training step, computed without the modules' state.
        var means = [Double](repeating: 0, count: 2)
        var variances = [Double](repeating: 0, count: 2)
        for x in batches {
            let h = conv1(x)
            let normalised = batchNorm2d(
                h, weight: bn1.weight, bias: bn1.bias, runningMean: Tensor.zeros([3]),
                runningVar: Tensor.ones([3]), training: true)
            let z = conv2(normalised.relu())
            let plane = z.shape[2] * z.shape[3]
            for c in 0..<2 {
                var values: [Double] = []
                for n in 0..<z.shape[0] {
                    let start = (n * 2 + c) * plane
                    values += z.data[start..<(start + plane)].map(Double.init)
                }
                let mean = values.reduce(0, +) / Double(values.count)
                means[c] += mean / 2
                variances[c] +=
                    values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
                    / Double(values.count - 1) / 2
            }
        }
        model.eval()
        model.reestimateBatchNormStatistics(batches)
        expectClose(bn2.runningMean.data, means.map(Float.init), relative: 1e-4)
        expectClose(bn2.runningVar.data, variances.map(Float.init), relative: 1e-4)
        #expect(!model.training && !bn1.training && !bn2.training)
    }

    @Test("the statistics of a module's output, the model left as it was")
    func outputStatistics() {
        let bn = BatchNorm2d(2)
        let relu = ReLU()
        let model = Sequential([bn, relu])
        model.eval()
        bn.runningMean.data = [0.5, -0.5]
        // Two batches of one image: in training mode bn makes each channel mean 0, variance
        // 1 (biased), and the ReLU keeps the upper half: channel 0 of 1...4 normalises to
        // ±0.447, ±1.342, so its output is 0, 0, 0.447, 1.342 in both batches.
        let first = Tensor(shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 40, 30, 20, 10])
        let second = Tensor(shape: [1, 2, 2, 2], data: first.data.map { 2 * $0 })
        let buffers = model.namedBuffers().map(\.tensor.data)
        let statistics = model.averageBatchStatistics(
            of: [relu, bn], input: false, over: [first, second])
        let s = (1 / 1.25 as Double).squareRoot()  // 1 / the biased standard deviation
        let outputs = [0, 0, 0.5 * s, 1.5 * s]
        let mean = outputs.reduce(0, +) / 4
        let variance = outputs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3
        #expect(statistics.count == 2)
        // eps (1e-5) moves these by under 1e-5 of their size.
        expectClose(statistics[0].mean.map(Float.init), [Float(mean), Float(mean)], relative: 1e-4)
        expectClose(
            statistics[0].variance.map(Float.init), [Float(variance), Float(variance)],
            relative: 1e-4)
        // bn's own output is normalised: mean 0, unbiased variance 4/3.
        #expect(statistics[1].mean.allSatisfy { abs($0) < 1e-6 }, "\(statistics[1].mean)")
        expectClose(statistics[1].variance.map(Float.init), [4 / 3, 4 / 3], relative: 1e-4)
        #expect(model.namedBuffers().map(\.tensor.data) == buffers, "a buffer changed")
        #expect(!bn.training && !relu.training)
        #expect(bn.forwardHookCount == 0 && relu.forwardHookCount == 0)
    }

    @Test("no batches: nothing changes")
    func noBatches() {
        let bn = BatchNorm2d(2)
        bn.runningMean.data = [1, 2]
        Sequential([bn]).reestimateBatchNormStatistics([])
        #expect(bn.runningMean.data == [1, 2])
        #expect(bn.runningVar.data == [1, 1])
    }
}
