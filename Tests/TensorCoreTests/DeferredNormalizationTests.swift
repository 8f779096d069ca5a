import TestSupport
import Testing

@testable import TensorCore

/// A batch norm's result holds no elements until they are read: the ReLU or the addition that
/// takes it computes them in its own pass (`DeferredNormalization`). Every check runs the same
/// graph twice, once with the result's `data` read first (so that the ReLU or the addition
/// finds the values stored and takes its ordinary path), and compares outputs, gradients and
/// the batch norm's own values to the bit, −0 and +0 told apart.
@Suite("batch norm's deferred output")
struct DeferredNormalizationTests {
    static func bits(_ values: [Float]?) -> [UInt32] { (values ?? []).map(\.bitPattern) }

    /// What takes batch norm's output y (and, for the sums, another tensor `other` of y's
    /// shape, itself a batch norm's output when `otherNormalized`).
    enum Consumer: CaseIterable {
        case relu, plus, added, plusNormalized, reluOfSum
    }

    /// x, γ, β as `BatchNormReLUTests.inputs` makes them, with γ = 0 and β = −0 in channel 1
    /// (so that y = −0 wherever x̂ < 0 there, which a ReLU must pass on as −0); runs
    /// `consumer` on y = batchNorm2d(x), reading y's values first when `readFirst`, then
    /// backward with a fixed gradient. Returns the bits of the result, of the gradients of x,
    /// γ, β and `other`, and of y's values read afterwards.
    static func run(
        _ consumer: Consumer, shape: [Int], training: Bool, readFirst: Bool
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
                x, weight: t[1], bias: t[2], runningMean: mean,
                runningVar: variance, training: training)
        }
        let y = normalize(t[0])
        let second = consumer == .plusNormalized ? normalize(other) : other
        if readFirst {
            _ = y.data
            _ = second.data
        }
        let z: Tensor
        switch consumer {
        case .relu: z = y.relu()
        case .plus, .plusNormalized: z = y + second
        case .added: z = second + y
        case .reluOfSum: z = (y + second).relu()
        }
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
            let deferred = Self.run(consumer, shape: shape, training: training, readFirst: false)
            let stored = Self.run(consumer, shape: shape, training: training, readFirst: true)
            #expect(deferred == stored, "\(consumer), training \(training), shape \(shape)")
        }
    }

    @Test("a ReLU passes on the −0 that batch norm gives with γ = 0 and β = −0")
    func negativeZeroSurvives() {
        let result = Self.run(.relu, shape: [4, 3, 5, 5], training: true, readFirst: false)
        let negativeZero = (-0.0 as Float).bitPattern
        #expect(result[0].contains(negativeZero))
        #expect(result[5].contains(negativeZero))
    }

    @Test("a write to a result not read yet keeps the other values, and the ReLU sees it")
    func writeBeforeRead() {
        let t = BatchNormReLUTests.inputs([2, 3, 4, 4], seed: 70)
        let (mean, variance) = (Tensor.zeros([3]), Tensor.ones([3]))
        func normalize() -> Tensor {
            batchNorm2d(
                t[0], weight: t[1], bias: t[2], runningMean: mean, runningVar: variance,
                training: false)
        }
        let reference = normalize().data
        let y = normalize()
        y.data[5] = 7
        var expected = reference
        expected[5] = 7
        #expect(Self.bits(y.data) == Self.bits(expected))
        #expect(Self.bits(y.relu().data) == Self.bits(expected.map { $0 < 0 ? 0 : $0 }))
    }
}
