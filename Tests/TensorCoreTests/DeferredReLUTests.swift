import Kernels
import TestSupport
import Testing

@testable import TensorCore

/// `conv2d(relu(batchNorm2d(x)))`: the ReLU's output is not stored when the convolution can
/// compute it (`Conv2dInputNormalization`, Winograd's shapes); the convolution reads x and
/// normalises and rectifies each value in its copy of the image, forward and in the weight
/// gradient. Every check compares against the same graph with the ReLU storing its output
/// (`Tensor.defersReLUOutputs` false), to the bit.
@Suite("a ReLU's output left to the convolution that reads it")
struct DeferredReLUTests {
    static func bits(_ values: [Float]?) -> [UInt32] { (values ?? []).map(\.bitPattern) }

    /// Runs `conv2d(relu(batchNorm2d(x)), w)` (γ = 0 and β = −0 in channel 1, so that a ReLU
    /// passes on −0 there) and backward; returns whether the ReLU's output was still not
    /// stored after the convolution, and the bits of the output, of the gradients of x, γ, β
    /// and w, and of the ReLU's output read at the end.
    static func run(
        _ shape: [Int], outChannels: Int, stride: Int = 1, training: Bool, defers: Bool
    ) -> (deferred: Bool, bits: [[UInt32]]) {
        Tensor.$defersReLUOutputs.withValue(defers) {
            let t = BatchNormReLUTests.inputs(shape, seed: 70)
            t[1].data[1] = 0
            t[2].data[1] = -0.0
            for tensor in t { tensor.requiresGrad = true }
            let w = randomTensor([outChannels, shape[1], 3, 3], seed: 71, low: -0.3, high: 0.3)
            w.requiresGrad = true
            let mean = randomTensor([shape[1]], seed: 72, low: -0.2, high: 0.2)
            let variance = randomTensor([shape[1]], seed: 73, low: 0.5, high: 2)
            let y = batchNorm2d(
                t[0], weight: t[1], bias: t[2], runningMean: mean, runningVar: variance,
                training: training)
            let r = y.relu()
            let z = conv2d(r, weight: w, stride: stride, padding: 1)
            let deferred = r.deferredNormalization != nil
            let gradient = randomTensor(z.shape, seed: 74)
            z.backward(gradient: gradient)
            return (
                deferred,
                [z.data, t[0].grad?.data, t[1].grad?.data, t[2].grad?.data, w.grad?.data, r.data]
                    .map(bits)
            )
        }
    }

    @Test(
        "a 3×3 convolution computes the ReLU's values as stored ones give them, forward and backward",
        arguments: [true, false])
    func sameBits(training: Bool) {
        for (shape, out) in [([3, 16, 9, 7], 16), ([2, 32, 6, 6], 24), ([5, 16, 12, 12], 8)] {
            let deferred = Self.run(shape, outChannels: out, training: training, defers: true)
            let stored = Self.run(shape, outChannels: out, training: training, defers: false)
            #expect(deferred.deferred, "the ReLU's output was stored: \(shape)")
            #expect(!stored.deferred)
            #expect(deferred.bits == stored.bits, "shape \(shape), training \(training)")
        }
    }

    @Test("a convolution that cannot compute it (stride 2, 8 channels) reads the stored values")
    func otherConvolutions() {
        for (shape, stride) in [([3, 16, 9, 7], 2), ([3, 8, 9, 7], 1)] {
            let deferred = Self.run(
                shape, outChannels: 16, stride: stride, training: true, defers: true)
            let stored = Self.run(
                shape, outChannels: 16, stride: stride, training: true, defers: false)
            #expect(!deferred.deferred, "\(shape), stride \(stride)")
            #expect(deferred.bits == stored.bits, "\(shape), stride \(stride)")
        }
    }

    @Test("the same bits on 1, 2 and 3 threads")
    func threads() {
        let shape = [7, 16, 10, 10]
        let reference = Parallel.withThreadCount(1) {
            Self.run(shape, outChannels: 32, training: true, defers: false)
        }
        for threads in 1...3 {
            let deferred = Parallel.withThreadCount(threads) {
                Self.run(shape, outChannels: 32, training: true, defers: true)
            }
            #expect(deferred.bits == reference.bits, "\(threads) threads")
        }
    }
}
