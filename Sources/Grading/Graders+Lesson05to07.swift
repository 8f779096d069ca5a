import Foundation
import ModelViews
import Optim
import Randomness
import ResNetModels
import TensorCore

extension Graders {
    /// Exercise 05.1: `bottleneckCost`.
    public static func bottleneckCost(
        _ cost: (Int, Int, Int, Int, Int) throws -> (parameters: Int, multAdds: Int),
        seed: UInt64 = gradingSeed(51)
    ) -> GradeReport {
        grade("05.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            func draw(_ values: [Int]) -> Int {
                values[Int(generator.next() % UInt64(values.count))]
            }
            // The paper's own block first (256 → 64 → 256 at 56×56), then random ones.
            var cases = [(256, 64, 1, 56, 56), (64, 64, 1, 56, 56), (256, 128, 2, 56, 56)]
            for _ in 0..<9 {
                let width = draw([2, 4, 8])
                let input = draw([4 * width, width, 8, 12])
                cases.append((input, width, draw([1, 2]), draw([5, 6, 7, 8]), draw([4, 7, 9])))
            }
            for (index, (input, width, stride, height, imageWidth)) in cases.enumerated() {
                var generator = SeededGenerator(seed: seed &+ UInt64(index))
                let block = Bottleneck(
                    inputChannels: input, channels: width, stride: stride, generator: &generator)
                let counted = summary(of: block, inputShape: [1, input, height, imageWidth]).totals
                let got = try cost(input, width, stride, height, imageWidth)
                let name =
                    "case \(index): \(input) → \(width) → \(4 * width) channels, stride \(stride), "
                    + "\(height)×\(imageWidth) input"
                try checks.require(
                    got.parameters == counted.parameters,
                    "parameters = the convolutions' weights + 2 per batch-norm channel",
                    "\(name): the built Bottleneck has \(counted.parameters), you said "
                        + "\(got.parameters)")
                try checks.require(
                    got.multAdds == counted.multAdds,
                    "mult-adds = Σ over convolutions of output elements × inputs summed, + the batch "
                        + "norms' parameters",
                    "\(name): summary(of:) counts \(counted.multAdds), you said \(got.multAdds)")
            }
            checks.held("Figure 5's block and 11 others, with and without projections")
        }
    }

    /// Exercise 07.1: `warmupCosineRate`.
    public static func warmupCosineRate(
        _ rate: (Int, Double, Int, Int) throws -> Double, seed: UInt64 = gradingSeed(71)
    ) -> GradeReport {
        grade("07.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            var runs = [(0.1, 0, 20), (0.1, 5, 20), (0.05, 1, 3)]
            for _ in 0..<5 {
                let total = 2 + Int(generator.next() % 60)
                runs.append(
                    (uniform(0.001...1, &generator), Int(generator.next() % UInt64(total)), total))
            }
            for (peak, warmup, total) in runs {
                let parameter = Tensor(shape: [1], data: [0], requiresGrad: true)
                let optimizer = try SGD(parameters: [parameter], learningRate: peak)
                let cosine: LRScheduler
                if warmup > 0 {
                    let first = try LinearLR(
                        optimizer: optimizer, startFactor: 0.1, endFactor: 1, totalIters: warmup)
                    let second = try CosineAnnealingLR(optimizer: optimizer, tMax: total - warmup)
                    cosine = try SequentialLR(
                        optimizer: optimizer, schedulers: [first, second], milestones: [warmup])
                } else {
                    cosine = try CosineAnnealingLR(optimizer: optimizer, tMax: total)
                }
                for step in 0..<total {
                    let expected = optimizer.learningRates[0]
                    let got = try rate(step, peak, warmup, total)
                    try checks.require(
                        abs(got - expected) <= 1e-9 * max(peak, 1e-12),
                        "the rate is the linear warm-up from peak/10, then the cosine to 0",
                        "step \(step) of \(total), warm-up \(warmup) steps, peak \(peak): the "
                            + "library's schedulers give \(expected), you said \(got)")
                    cosine.step()
                }
            }
            checks.held("every step of 8 runs, with and without warm-up, against the schedulers")
        }
    }
}
