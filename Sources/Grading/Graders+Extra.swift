import Foundation
import NN
import Randomness
import ResNetModels
import TensorCore

extension Graders {
    /// Exercise 04.3: `projectionShortcut`.
    public static func projectionShortcut(
        _ make: (Int, Int, Int, inout SeededGenerator) throws -> Sequential,
        seed: UInt64 = gradingSeed(43)
    ) -> GradeReport {
        grade(seed: seed, firstHint: Catalogue.exercise("04.3")!.hints[0]) { checks in
            var generator = SeededGenerator(seed: seed)
            for (index, (input, output, stride)) in [(4, 8, 2), (3, 6, 1), (8, 16, 2), (5, 5, 2)]
                .enumerated()
            {
                let name = "case \(index): \(input) → \(output) channels, stride \(stride)"
                let shortcut = try make(input, output, stride, &generator)
                let block = BasicBlock(
                    inputChannels: input, channels: output, stride: stride, shortcut: .c,
                    generator: &generator)
                let expected = block.downsample!.stateDict()
                let got = shortcut.stateDict()
                try checks.require(
                    got.map(\.name) == expected.map(\.name)
                        && got.map(\.tensor.shape) == expected.map(\.tensor.shape),
                    "the projection is torchvision's downsample: a 1×1 convolution without bias, "
                        + "then a batch norm",
                    "\(name): expected \(zip(expected.map(\.name), expected.map(\.tensor.shape)).map { "\($0) \($1)" }), "
                        + "got \(zip(got.map(\.name), got.map(\.tensor.shape)).map { "\($0) \($1)" })"
                )
                // Its batch norm with random statistics, then the output in evaluation mode.
                let norm = shortcut.modules[1] as! BatchNorm2d
                norm.weight.data = (0..<output).map { _ in Float(uniform(0.5...1.5, &generator)) }
                norm.bias.data = (0..<output).map { _ in Float(uniform(-0.5...0.5, &generator)) }
                norm.runningMean.data = (0..<output).map { _ in
                    Float(uniform(-0.3...0.3, &generator))
                }
                norm.runningVar.data = (0..<output).map { _ in Float(uniform(0.5...2, &generator)) }
                shortcut.eval()
                let x = randomTensor([2, input, 7, 6], -1...1, &generator)
                let weight = (shortcut.modules[0] as! Conv2d).weight
                let convolved = conv2d(x, weight: weight, stride: stride)
                let plane = convolved.shape[2] * convolved.shape[3]
                let expectedOutput = Tensor(
                    shape: convolved.shape,
                    data: convolved.data.enumerated().map { index, value in
                        let c = index / plane % output
                        let scale =
                            norm.weight.data[c] / (norm.runningVar.data[c] + norm.eps).squareRoot()
                        return (value - norm.runningMean.data[c]) * scale + norm.bias.data[c]
                    })
                try requireTensor(
                    Tensor.withoutGrad { shortcut(x) }, expectedOutput, tolerance: 1e-5,
                    "in evaluation mode the projection computes BN(conv1x1(x, stride))",
                    "\(name), input [2, \(input), 7, 6]", &checks)
            }
            checks.held("4 projections: torchvision's names and shapes, BN(conv1x1 with stride)")
        }
    }

    /// Exercise 06.2: `imagenetSides`.
    public static func imagenetSides(
        _ sides: (Int) throws -> [Int], seed: UInt64 = gradingSeed(62)
    ) -> GradeReport {
        grade(seed: seed, firstHint: Catalogue.exercise("06.2")!.hints[0]) { checks in
            var generator = SeededGenerator(seed: seed)
            let model = ResNet.resnet18(classes: 10, generator: &generator)
            model.eval()
            var cases = [224, 1, 7, 33]
            for _ in 0..<4 { cases.append(8 + Int(generator.next() % 90)) }
            for side in cases {
                var expected: [Int] = []
                var out = Tensor.zeros([1, 3, side, side])
                Tensor.withoutGrad {
                    for (name, child) in model.children
                    where ["conv1", "maxpool", "layer1", "layer2", "layer3", "layer4"].contains(
                        name)
                        || name == "bn1" || name == "relu"
                    {
                        out = child(out)
                        if !["bn1", "relu"].contains(name) { expected.append(out.shape[2]) }
                    }
                }
                let got = try sides(side)
                try checks.require(
                    got == expected,
                    "the sides after conv1, maxpool and layer1-4 are those ResNet-18 produces",
                    "input side \(side): ResNet-18 gives \(expected), you said \(got)")
            }
            checks.held(
                "ResNet-18 run child by child at \(cases.count) input sides, 224 and odd ones")
        }
    }
}
