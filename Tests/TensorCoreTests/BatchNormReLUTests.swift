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
    /// zeros (so many batch norm outputs lie close to β, and at the ReLU's edge where β = 0);
    /// weight and bias [C], bias 0 in channel 0.
    static func inputs(_ shape: [Int], seed: UInt64) -> [Tensor] {
        let (batch, channels, pixels) = (shape[0], shape[1], shape[2] * shape[3])
        var values = randomTensor(shape, seed: seed, low: -2, high: 2).data
        // The second half of the batch mirrors the first with the sign flipped; the middle
        // image of an odd batch is zeros.
        let image = channels * pixels
        for n in batch / 2..<batch {
            for i in 0..<image {
                values[n * image + i] =
                    n == batch - 1 - n ? 0 : -values[(batch - 1 - n) * image + i]
            }
        }
        let x = Tensor(shape: shape, data: values)
        let weight = randomTensor([channels], seed: seed + 1, low: 0.5, high: 1.5)
        let bias = randomTensor([channels], seed: seed + 2, low: -0.5, high: 0.5)
        bias.data[0] = 0
        return [x, weight, bias]
    }

    /// Runs `combine(relu(y), y)` for `y = batchNorm2d(x)` and backward with a gradient that
    /// holds −0 at every third place; returns the bits of the gradients of x, γ and β, and of
    /// y's own when `retain`. `xGradient` false: x needs none (batch norm's sums without
    /// ∂L/∂x). `edit` may write to y's values before the ReLU reads them.
    static func gradients(
        _ shape: [Int], training: Bool, affine: Bool = true, retain: Bool = false,
        xGradient: Bool = true, edit: (Tensor) -> Void = { _ in },
        combine: (Tensor, Tensor) -> Tensor = { relu, _ in relu }
    ) -> [[UInt32]] {
        let t = inputs(shape, seed: 40)
        for tensor in t { tensor.requiresGrad = true }
        t[0].requiresGrad = xGradient
        let mean = randomTensor([shape[1]], seed: 50, low: -0.2, high: 0.2)
        let variance = randomTensor([shape[1]], seed: 51, low: 0.5, high: 2)
        let y = batchNorm2d(
            t[0], weight: affine ? t[1] : nil, bias: affine ? t[2] : nil, runningMean: mean,
            runningVar: variance, training: training)
        y.retainsGrad = retain
        edit(y)
        let z = combine(y.relu(), y)
        let gradient = randomTensor(z.shape, seed: 52)
        for i in stride(from: 0, to: gradient.count, by: 3) { gradient.data[i] = -0.0 }
        z.backward(gradient: gradient)
        return [t[0].grad?.data, t[1].grad?.data, t[2].grad?.data, y.grad?.data].map(bits)
    }

    /// `body` run with every ReLU masking by itself, as before batch norm could do it.
    static func separately<T>(_ body: () -> T) -> T {
        Tensor.$defersReLUMasks.withValue(false, operation: body)
    }

    /// `gradients` with the ReLU handing its mask on (`fused`) and masking by itself
    /// (`separate`).
    static func bothWays(
        _ shape: [Int], training: Bool, affine: Bool = true, retain: Bool = false,
        xGradient: Bool = true, edit: (Tensor) -> Void = { _ in },
        combine: (Tensor, Tensor) -> Tensor = { relu, _ in relu }
    ) -> (fused: [[UInt32]], separate: [[UInt32]]) {
        func run() -> [[UInt32]] {
            gradients(
                shape, training: training, affine: affine, retain: retain, xGradient: xGradient,
                edit: edit, combine: combine)
        }
        return (run(), separately(run))
    }

    @Test(
        "the gradients of x, γ, β and the batch norm output are the ReLU's own, to the bit",
        arguments: [(true, true), (true, false), (false, true), (false, false)])
    func sameBitsAsASeparateReLU(training: Bool, affine: Bool) {
        for shape in [[4, 3, 5, 5], [3, 2, 1, 1], [5, 4, 3, 2]] {
            let (fused, separate) = Self.bothWays(shape, training: training, affine: affine)
            #expect(fused == separate, "shape \(shape)")
            #expect(fused[0].count == shape.reduce(1, *))
            #expect(fused[1].isEmpty != affine)
        }
    }

    @Test("a batch norm output that keeps its gradient keeps the masked one")
    func retainedGradient() {
        for training in [true, false] {
            let (fused, separate) = Self.bothWays([4, 3, 5, 5], training: training, retain: true)
            #expect(fused == separate)
            #expect(fused[3].count == 300)
        }
    }

    /// With `relu + y * 0.5` the product's gradient reaches y first and the ReLU masks by
    /// itself; with `y * 0.5 + relu` the ReLU's comes first, is handed on, and is masked when
    /// the product's arrives.
    @Test("the output used again beside its ReLU: the mask is applied before the sum, either order")
    func outputUsedTwice() {
        let orders: [(Tensor, Tensor) -> Tensor] = [
            { relu, y in relu + y * 0.5 }, { relu, y in y * 0.5 + relu },
        ]
        for combine in orders {
            for training in [true, false] {
                let (fused, separate) = Self.bothWays(
                    [4, 3, 4, 4], training: training, combine: combine)
                #expect(fused == separate, "training \(training)")
            }
        }
    }

    @Test("the same bits on 1, 2 and 3 threads, with shapes that split over threads")
    func threads() {
        let shape = [8, 32, 16, 16]  // 65,536 values: masking them is split over threads too
        let orders: [(Tensor, Tensor) -> Tensor] = [
            { relu, _ in relu }, { relu, y in y * 0.5 + relu },
        ]
        for combine in orders {
            let separate = Self.separately {
                Self.gradients(shape, training: true, combine: combine)
            }
            for threads in 1...3 {
                let fused = Parallel.withThreadCount(threads) {
                    Self.gradients(shape, training: true, combine: combine)
                }
                #expect(fused == separate, "\(threads) threads")
            }
        }
    }

    @Test("the sums alone, when x needs no gradient and γ and β do")
    func parametersOnly() {
        for training in [true, false] {
            let (fused, separate) = Self.bothWays(
                [4, 3, 5, 5], training: training, xGradient: false)
            #expect(fused == separate)
            #expect(fused[0].isEmpty && fused[1].count == 3)
        }
    }

    @Test("values written into the batch norm output before its ReLU: the ReLU masks by itself")
    func editedOutput() {
        // Flips the sign of every fifth value: batch norm's recomputed output would disagree.
        let edit: (Tensor) -> Void = { y in
            for i in stride(from: 0, to: y.count, by: 5) { y.data[i] = -y.data[i] }
        }
        for training in [true, false] {
            let (fused, separate) = Self.bothWays([4, 3, 5, 5], training: training, edit: edit)
            #expect(fused == separate)
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
        let reluOutput = y.data.map { max($0, 0) }
        #expect(y.deferReLUMask(gradient, reluOutput: { reluOutput }))
        #expect(y.pendingGradAwaitsReLUMask)
        // A second gradient arriving masks the first before adding.
        y.accumulateGradient(gradient)
        #expect(!y.pendingGradAwaitsReLUMask)
        #expect(y.pendingGrad == y.data.map { $0 > 0 ? 2 : 1 })
        #expect(
            !y.deferReLUMask(gradient, reluOutput: { reluOutput }), "a gradient is already there")
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
