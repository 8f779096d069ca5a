import Foundation
import NN
import Randomness
import ResNetModels
import TensorCore

extension Graders {
    /// Gives every batch norm of `module` (a block, a stage, a net), in module order, random
    /// scales, shifts and running statistics, so that no part of it is the identity by accident.
    static func randomizeNorms(_ module: Module, _ generator: inout SeededGenerator) {
        randomizeNorms(
            module.namedModules().compactMap { $0.module as? BatchNorm2d }, &generator)
    }

    /// Gives each of `norms` random scales, shifts and running statistics.
    static func randomizeNorms(_ norms: [BatchNorm2d], _ generator: inout SeededGenerator) {
        for norm in norms {
            let count = norm.channels
            norm.weight.data = (0..<count).map { _ in Float(uniform(0.5...1.5, &generator)) }
            norm.bias.data = (0..<count).map { _ in Float(uniform(-0.5...0.5, &generator)) }
            norm.runningMean.data = (0..<count).map { _ in Float(uniform(-0.3...0.3, &generator)) }
            norm.runningVar.data = (0..<count).map { _ in Float(uniform(0.5...2, &generator)) }
        }
    }

    /// Exercise 04.1: `basicBlockForward`.
    public static func basicBlockForward(
        _ forward: (BasicBlock, Tensor) throws -> Tensor, seed: UInt64 = gradingSeed(41)
    ) -> GradeReport {
        grade("04.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            let cases:
                [(input: Int, channels: Int, stride: Int, option: ShortcutOption, residual: Bool)] =
                    [
                        (4, 4, 1, .b, true), (4, 8, 2, .b, true), (4, 8, 2, .a, true),
                        (3, 6, 2, .c, true),
                        (4, 4, 1, .b, false), (4, 8, 2, .b, false),
                    ]
            for (index, item) in cases.enumerated() {
                let block = BasicBlock(
                    inputChannels: item.input, channels: item.channels, stride: item.stride,
                    shortcut: item.option, residual: item.residual, generator: &generator)
                randomizeNorms(block, &generator)
                let x = randomTensor([2, item.input, 6, 6], -1...1, &generator)
                let name =
                    "case \(index): \(item.input) → \(item.channels) channels, stride \(item.stride), "
                    + (item.residual
                        ? "shortcut option \(item.option.rawValue)" : "plain (no shortcut)")
                for training in [true, false] {
                    if training { block.train() } else { block.eval() }
                    let expected = Tensor.withoutGrad { block(x) }
                    let got = try Tensor.withoutGrad { try forward(block, x) }
                    try requireTensor(
                        got, expected, tolerance: 1e-5,
                        "basicBlockForward(block, x) = ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + "
                            + "shortcut(x))",
                        "\(name), \(training ? "training" : "evaluation") mode", &checks)
                }
            }
            checks.held("6 blocks (identity, option A/B/C projections, plain) in both modes")
        }
    }

    /// Exercise 04.2: `makeIdentityAtStart`.
    public static func makeIdentityAtStart(
        _ zeroInit: (BasicBlock) throws -> Void, seed: UInt64 = gradingSeed(42)
    ) -> GradeReport {
        grade("04.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<4 {
                let channels = [2, 4, 8, 3][trial]
                let block = BasicBlock(
                    inputChannels: channels, channels: channels, generator: &generator)
                randomizeNorms(block, &generator)
                try zeroInit(block)
                let x = randomTensor([2, channels, 5, 5], -2...2, &generator)
                for training in [true, false] {
                    if training { block.train() } else { block.eval() }
                    let got = Tensor.withoutGrad { block(x) }
                    try requireTensor(
                        got, x.relu(), tolerance: 1e-6,
                        "after your change the block computes ReLU(x + F(x)) = ReLU(x)",
                        "case \(trial): \(channels) channels, random batch-norm shifts and "
                            + "statistics, \(training ? "training" : "evaluation") mode", &checks)
                }
            }
            checks.held("4 blocks with random shifts and statistics, both modes: ReLU(x)")
        }
    }
}
