import Kernels
import TestSupport
import Testing

@testable import TensorCore

/// `relu(batchNorm2d(x))`: the ReLU's backward leaves its mask to batch norm's, which applies
/// it in its own pass. Every check compares against the same graph with that turned off
/// (`Tensor.defersReLUMasks`), where the ReLU masks by itself as it did before; the gradients
/// must agree to the bit, −0 and +0 told apart.
@Suite("batchNorm2d followed by relu")
struct BatchNormReLUTests {
    /// The bit patterns of `values`, so that −0 and +0 differ.
    static func bits(_ values: [Float]?) -> [UInt32] { (values ?? []).map(\.bitPattern) }

    /// x [N, C, H, W], in every channel values in ±pairs and, for an odd batch, a plane of
    /// zeros (so many batch norm outputs lie close to β, and to the ReLU's edge where β = 0);
    /// weight and bias [C], bias 0 in channel 0.
    static func inputs(_ shape: [Int], seed: UInt64) -> [Tensor] {
        let (batch, channels, pixels) = (shape[0], shape[1], shape[2] * shape[3])
        let x = randomTensor(shape, seed: seed, low: -2, high: 2)
        for c in 0..<channels {
            // Values symmetric about 0 around the one that is 0: the channel's mean is 0.
            for n in 0..<batch {
                for p in 0..<pixels where n >= batch / 2 {
                    let mirror = ((batch - 1 - n) * channels + c) * pixels + p
                    x.data[(n * channels + c) * pixels + p] = -x.data[mirror]
                }
            }
            if batch % 2 == 1 {
                for p in 0..<pixels { x.data[((batch / 2) * channels + c) * pixels + p] = 0 }
            }
        }
        let weight = randomTensor([channels], seed: seed + 1, low: 0.5, high: 1.5)
        let bias = randomTensor([channels], seed: seed + 2, low: -0.5, high: 0.5)
        bias.data[0] = 0
        return [x, weight, bias]
    }

    /// Runs `combine(relu(y), y)` for `y = batchNorm2d(x)` (the ReLU masking by itself when
    /// `separate`) and backward with a gradient that holds −0 at every third place; returns
    /// the bits of the gradients of x, γ and β, and of y's own when `retain`.
    static func gradients(
        _ shape: [Int], training: Bool, affine: Bool, separate: Bool, retain: Bool = false,
        combine: (Tensor, Tensor) -> Tensor = { relu, _ in relu }
    ) -> [[UInt32]] {
        guard !separate else {
            return Tensor.$defersReLUMasks.withValue(false) {
                gradients(
                    shape, training: training, affine: affine, separate: false, retain: retain,
                    combine: combine)
            }
        }
        let t = inputs(shape, seed: 40)
        for tensor in t { tensor.requiresGrad = true }
        let mean = randomTensor([shape[1]], seed: 50, low: -0.2, high: 0.2)
        let variance = randomTensor([shape[1]], seed: 51, low: 0.5, high: 2)
        let y = batchNorm2d(
            t[0], weight: affine ? t[1] : nil, bias: affine ? t[2] : nil, runningMean: mean,
            runningVar: variance, training: training)
        y.retainsGrad = retain
        let z = combine(y.relu(), y)
        let gradient = randomTensor(z.shape, seed: 52)
        for i in stride(from: 0, to: gradient.count, by: 3) { gradient.data[i] = -0.0 }
        z.backward(gradient: gradient)
        return [t[0].grad?.data, t[1].grad?.data, t[2].grad?.data, y.grad?.data].map(bits)
    }

    @Test(
        "the gradients of x, γ, β and the batch norm output are the ReLU's own, to the bit",
        arguments: [(true, true), (true, false), (false, true), (false, false)])
    func sameBitsAsASeparateReLU(training: Bool, affine: Bool) {
        for shape in [[4, 3, 5, 5], [3, 2, 1, 1], [5, 4, 3, 2]] {
            let fused = Self.gradients(shape, training: training, affine: affine, separate: false)
            let separate = Self.gradients(
                shape, training: training, affine: affine, separate: true)
            #expect(fused == separate, "shape \(shape)")
            #expect(fused[0].count == shape.reduce(1, *))
            #expect(fused[1].isEmpty != affine)
        }
    }

    @Test("a batch norm output that keeps its gradient keeps the masked one")
    func retainedGradient() {
        for training in [true, false] {
            let fused = Self.gradients(
                [4, 3, 5, 5], training: training, affine: true, separate: false, retain: true)
            let separate = Self.gradients(
                [4, 3, 5, 5], training: training, affine: true, separate: true, retain: true)
            #expect(fused == separate)
            #expect(fused[3].count == 300)
        }
    }

    @Test("the output used again beside its ReLU: the mask is applied before the sum, either order")
    func outputUsedTwice() {
        let shape = [4, 3, 4, 4]
        let orders: [(Tensor, Tensor) -> Tensor] = [
            { relu, y in relu + y * 0.5 }, { relu, y in y * 0.5 + relu },
        ]
        for combine in orders {
            for training in [true, false] {
                let fused = Self.gradients(
                    shape, training: training, affine: true, separate: false, combine: combine)
                let separate = Self.gradients(
                    shape, training: training, affine: true, separate: true, combine: combine)
                #expect(fused == separate, "training \(training)")
            }
        }
    }

    @Test("the same bits on 1, 2 and 3 threads, with shapes that split over threads")
    func threads() {
        let shape = [8, 32, 16, 16]
        let separate = Self.gradients(shape, training: true, affine: true, separate: true)
        for threads in 1...3 {
            let fused = Parallel.withThreadCount(threads) {
                Self.gradients(shape, training: true, affine: true, separate: false)
            }
            #expect(fused == separate, "\(threads) threads")
        }
    }

    @Test(
        "the ReLU hands its gradient on unmasked only to a batch norm output with no other gradient"
    )
    func handsOnOnlyWhenItCan() {
        let x = randomTensor([2, 2, 3, 3], seed: 60)
        x.requiresGrad = true
        let (mean, variance) = (Tensor.zeros([2]), Tensor.ones([2]))
        let y = batchNorm2d(
            x, weight: nil, bias: nil, runningMean: mean, runningVar: variance, training: true)
        #expect(y.backwardNode?.takesReLUMask == true)
        #expect((x * 2).backwardNode?.takesReLUMask == false)
        let gradient = [Float](repeating: 1, count: y.count)
        #expect(y.deferReLUMask(gradient))
        #expect(y.pendingGradAwaitsReLUMask)
        // A second gradient arriving masks the first before adding.
        y.accumulateGradient(gradient)
        #expect(!y.pendingGradAwaitsReLUMask)
        #expect(y.pendingGrad == y.data.map { $0 > 0 ? 2 : 1 })
        #expect(!y.deferReLUMask(gradient), "a gradient is already there")
        y.pendingGrad = nil
    }

    @Test("relu(batchNorm2d(x)) matches finite differences, training and eval")
    func finiteDifferences() throws {
        for training in [true, false] {
            let weight = awayFromZero([2], seed: 71)
            let bias = randomTensor([2], seed: 72, low: -0.3, high: 0.3)
            let (mean, variance) = (Tensor.zeros([2]), Tensor.ones([2]))
            // Finite differences of 1e-2 need every output away from the ReLU's kink: the
            // first seed whose outputs all are.
            let x = try #require(
                (70..<1000).lazy.map { randomTensor([3, 2, 2, 2], seed: $0, low: -2, high: 2) }
                    .first { x in
                        batchNorm2d(
                            x, weight: weight, bias: bias, runningMean: mean.detach(),
                            runningVar: variance.detach(), training: training
                        ).data.allSatisfy { abs($0) > 0.05 }
                    })
            expectGradientsMatch([x, weight, bias]) { t in
                batchNorm2d(
                    t[0], weight: t[1], bias: t[2], runningMean: mean.detach(),
                    runningVar: variance.detach(), training: training
                ).relu()
            }
        }
    }
}
