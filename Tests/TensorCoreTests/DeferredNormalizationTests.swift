import Kernels
import TestSupport
import Testing

@testable import TensorCore

/// A batch norm's result holds no elements until they are read: the ReLU or the addition that
/// takes it computes them in its own pass (`DeferredNormalization`). The checks run the same
/// graph twice, once with the result's `data` read first (so that the ReLU or the addition
/// finds the values stored and takes its ordinary path), and compare outputs, gradients and
/// the batch norm's own values to the bit, −0 and +0 told apart; the stored values are checked
/// against the formula written out here.
@Suite("batch norm's deferred output")
struct DeferredNormalizationTests {
    static func bits(_ values: [Float]?) -> [UInt32] { (values ?? []).map(\.bitPattern) }

    /// What takes batch norm's output y (and, for the sums, another tensor `other` of y's
    /// shape, itself a batch norm's output for `plusNormalized`): the ReLU, a sum, or a ReLU
    /// of a sum (a residual block's end).
    enum Consumer: CaseIterable {
        case relu, plus, added, plusNormalized, plusItself, reluOfSum, reluOfSumLeft
    }

    /// x, γ, β as `BatchNormReLUTests.inputs` makes them, with γ = 0 and β = −0 in channel 1
    /// (so that y = −0 wherever x̂ < 0 there, which a ReLU must pass on as −0); runs
    /// `consumer` on y = batchNorm2d(x) (without γ and β unless `affine`), reading y's values
    /// first when `readFirst`, then backward with a fixed gradient. Returns the bits of the
    /// result, of the gradients of x, γ, β and `other`, and of y's values read afterwards.
    static func run(
        _ consumer: Consumer, shape: [Int], training: Bool, affine: Bool = true,
        readFirst: Bool
    ) -> [[UInt32]] {
        let t = BatchNormReLUTests.inputs(shape, seed: 60)
        t[1].data[1] = 0
        t[2].data[1] = -0.0
        for tensor in t { tensor.requiresGrad = true }
        let other = randomTensor(shape, seed: 61, low: -1, high: 1)
        other.requiresGrad = true
        let mean = randomTensor([shape[1]], seed: 62, low: -0.2, high: 0.2)
        let variance = randomTensor([shape[1]], seed: 63, low: 0.5, high: 2)
        func normalize(_ x: Tensor) -> Tensor {
            batchNorm2d(
                x, weight: affine ? t[1] : nil, bias: affine ? t[2] : nil, runningMean: mean,
                runningVar: variance, training: training)
        }
        let y = normalize(t[0])
        let second = consumer == .plusNormalized ? normalize(other) : other
        #expect(y.deferredNormalization != nil)
        if readFirst {
            _ = y.data
            _ = second.data
        }
        let z: Tensor
        switch consumer {
        case .relu: z = y.relu()
        case .plus, .plusNormalized: z = y + second
        case .added: z = second + y
        case .plusItself: z = y + y
        case .reluOfSum, .reluOfSumLeft:
            let sum = consumer == .reluOfSum ? y + second : second + y
            // The sum is deferred in turn, unless y was read first.
            #expect((sum.deferredNormalization != nil) == !readFirst)
            z = sum.relu()
        }
        // The consumer computed y's values without storing them (but for y + y, whose right
        // operand is read as a stored tensor).
        #expect((y.deferredNormalization != nil) == !(readFirst || consumer == .plusItself))
        let gradient = randomTensor(z.shape, seed: 64)
        for i in stride(from: 0, to: gradient.count, by: 5) { gradient.data[i] = -0.0 }
        z.backward(gradient: gradient)
        return [
            z.data, t[0].grad?.data, t[1].grad?.data, t[2].grad?.data, other.grad?.data, y.data,
        ]
        .map(bits)
    }

    @Test(
        "the ReLU and the sums compute batch norm's values as a stored result gives them",
        arguments: Consumer.allCases, [true, false])
    func sameBits(consumer: Consumer, training: Bool) {
        for shape in [[4, 3, 5, 5], [3, 2, 7, 7], [2, 16, 4, 4]] {
            for affine in [true, false] {
                let deferred = Self.run(
                    consumer, shape: shape, training: training, affine: affine, readFirst: false)
                let stored = Self.run(
                    consumer, shape: shape, training: training, affine: affine, readFirst: true)
                #expect(
                    deferred == stored,
                    "\(consumer), training \(training), affine \(affine), shape \(shape)")
            }
        }
    }

    @Test(
        "the same bits on 1, 2 and 3 threads, on a batch that splits over threads",
        arguments: [Consumer.relu, .plus, .added, .reluOfSum])
    func threads(consumer: Consumer) {
        let shape = [16, 16, 20, 20]  // 256 planes of 400: three chunks on three threads
        let reference = Parallel.withThreadCount(1) {
            Self.run(consumer, shape: shape, training: true, readFirst: true)
        }
        for threads in 1...3 {
            let deferred = Parallel.withThreadCount(threads) {
                Self.run(consumer, shape: shape, training: true, readFirst: false)
            }
            #expect(deferred == reference, "\(consumer) on \(threads) threads")
        }
    }

    @Test("the stored values are (x − μ)·(1/σ̂)·γ + β of every element, in training and eval")
    func formula() {
        for training in [true, false] {
            let t = BatchNormReLUTests.inputs([3, 4, 3, 5], seed: 80)
            let y = batchNorm2d(
                t[0], weight: t[1], bias: t[2], runningMean: randomTensor([4], seed: 81),
                runningVar: randomTensor([4], seed: 82, low: 0.5, high: 2), training: training)
            let d = y.deferredNormalization!
            var expected = [Float](repeating: 0, count: y.count)
            for i in expected.indices {
                let c = (i / 15) % 4
                let x = t[0].data[i]
                expected[i] = (x - d.mean[c]) * d.invStd[c] * t[1].data[c] + t[2].data[c]
            }
            #expect(d.mean.count == 4 && d.invStd.count == 4)
            #expect(Self.bits(y.data) == Self.bits(expected), "training \(training)")
        }
    }

    /// A function that runs batch norm on one x with one γ and β (`BatchNormReLUTests.inputs`),
    /// running mean 0 and variance 1: each call a new result, not read yet.
    static func normalizer(_ shape: [Int], seed: UInt64, training: Bool) -> () -> Tensor {
        let t = BatchNormReLUTests.inputs(shape, seed: seed)
        let (mean, variance) = (Tensor.zeros([shape[1]]), Tensor.ones([shape[1]]))
        return {
            batchNorm2d(
                t[0], weight: t[1], bias: t[2], runningMean: mean, runningVar: variance,
                training: training)
        }
    }

    @Test("a ReLU passes on the −0 that batch norm gives with γ = 0 and β = −0")
    func negativeZeroSurvives() {
        let result = Self.run(.relu, shape: [4, 3, 5, 5], training: true, readFirst: false)
        let negativeZero = (-0.0 as Float).bitPattern
        #expect(result[0].contains(negativeZero))
        #expect(result[5].contains(negativeZero))
    }

    @Test("writing to a result not read yet: one element keeps the rest, a whole array replaces")
    func writeBeforeRead() {
        let normalize = Self.normalizer([2, 3, 4, 4], seed: 70, training: false)
        let reference = normalize().data
        let y = normalize()
        y.data[5] = 7
        var expected = reference
        expected[5] = 7
        #expect(Self.bits(y.data) == Self.bits(expected))
        #expect(Self.bits(y.relu().data) == Self.bits(expected.map { $0 < 0 ? 0 : $0 }))

        let replaced = normalize()
        let fresh = [Float](repeating: -1.5, count: replaced.count)
        replaced.data = fresh
        #expect(replaced.deferredNormalization == nil)
        #expect(Self.bits(replaced.data) == Self.bits(fresh))
        #expect(replaced.relu().data.allSatisfy { $0 == 0 })
    }

    @Test("a broadcast sum and a result made without recording read the values as stored ones")
    func otherReaders() {
        let normalize = Self.normalizer([2, 3, 4, 4], seed: 90, training: true)
        let stored = normalize().data
        let row = randomTensor([4], seed: 91)
        let sum = normalize() + row  // broadcast: the ordinary path reads `data`
        #expect(
            Self.bits(sum.data) == Self.bits(stored.indices.map { stored[$0] + row.data[$0 % 4] }))
        let unrecorded = Tensor.withoutGrad { normalize() }
        #expect(unrecorded.deferredNormalization != nil)
        #expect(Self.bits(unrecorded.relu().data) == Self.bits(stored.map { $0 < 0 ? 0 : $0 }))
    }
}
