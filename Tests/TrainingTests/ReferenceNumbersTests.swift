import Kernels
import NN
import Optim
import Randomness
import ResNetModels
import TensorCore
import Testing

/// Numbers pinned to the bit, so that a build for another instruction set, or a kernel
/// change that alters the order of an accumulation, cannot change a seeded run unseen: the
/// course promises that a student's run reproduces Docs/ to the last digit on any machine.
///
/// The values were printed by this test on an AVX-512 build (AMD Zen 5) and came out the
/// same on an AVX2 build (`RESIDUAL_TARGET_CPU=znver3`) and a baseline x86-64 build
/// (`RESIDUAL_TARGET_CPU=x86-64`, the portable tiles) of the same source. A deliberate change
/// of arithmetic (a new algorithm, a new summation order) changes them: then regenerate
/// Docs/ and pin the new values, saying why in the commit. (Winograd's F(2×2, 3×3) for the
/// 3×3 layers on maps of at most 14×14 changed the last loss by one unit in the last place
/// and the weights' sum in its eighth digit; its weight gradient, and its use on every map
/// size, changed the last loss by one unit again and the sum in its tenth digit;
/// F(4×4, 3×3) for the forward pass and the data gradient changed the last two losses by
/// one and two units in the last place and the sum in its ninth digit; F(4×4, 3×3) for the
/// weight gradient too (2026-12-07) changed them by one and six units and the sum in its
/// ninth digit.)
@Suite("Reference numbers, to the bit")
struct ReferenceNumbersTests {
    /// Three SGD steps of the depth-8 ablation ResNet on a seeded batch: the loss before
    /// each step and the sum of the final weights (in Double, in order), as bit patterns.
    static func run() throws -> (losses: [UInt32], weightSum: UInt64) {
        var generator = SeededGenerator(seed: 2026)
        let model = ResNet(.ablation(depth: 8), generator: &generator)
        let images = Tensor.uniform([6, 1, 12, 12], low: -1, high: 1, generator: &generator)
        let labels = [0, 3, 7, 9, 1, 3]
        let optimizer = try SGD(
            groups: ParameterGroup.decayingWeightsOnly(model.namedParameters(), weightDecay: 5e-4),
            learningRate: 0.1, momentum: 0.9)
        var losses: [UInt32] = []
        for _ in 0..<3 {
            optimizer.zeroGrad()
            let loss = crossEntropy(logits: model(images), targets: labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.scalar.bitPattern)
        }
        let sum = model.parameters.reduce(0.0) { total, p in
            p.data.reduce(total) { $0 + Double($1) }
        }
        return (losses, sum.bitPattern)
    }

    @Test("a seeded training run gives the pinned losses and weights, with every set's tiles")
    func pinnedTrainingRun() throws {
        for tiles in InstructionSet.allCases {
            for threads in [1, 2] {
                let result = try InstructionSet.$tiles.withValue(tiles) {
                    try Parallel.withThreadCount(threads) { try Self.run() }
                }
                let losses = result.losses.map { Float(bitPattern: $0) }
                // 2.3782542, 1.596253, 0.997074
                #expect(
                    result.losses == [0x4018_3551, 0x3fcc_5205, 0x3f7f_403e],
                    "\(tiles) tiles, \(threads) threads: losses \(losses)")
                #expect(
                    result.weightSum == 0x406e_9f30_e692_0c4e,
                    "\(tiles) tiles, \(threads) threads: sum \(Double(bitPattern: result.weightSum))"
                )
            }
        }
    }
}
