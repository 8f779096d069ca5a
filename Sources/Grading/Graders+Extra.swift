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
        grade("04.3", seed: seed) { checks in
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
                randomizeNorms([norm], &generator)
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
        grade("06.2", seed: seed) { checks in
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

extension Graders {
    /// Exercise 07.2: `paddedCrop`.
    public static func paddedCrop(
        _ crop: (Tensor, Int, Int, Int) throws -> Tensor, seed: UInt64 = gradingSeed(72)
    ) -> GradeReport {
        grade("07.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<10 {
                let channels = 1 + Int(generator.next() % 3)
                let (height, width) = (3 + Int(generator.next() % 6), 3 + Int(generator.next() % 6))
                let padding = Int(generator.next() % 4)
                let image = randomTensor([channels, height, width], 0.1...1, &generator)
                let centre = try crop(image, padding, padding, padding)
                try requireTensor(
                    centre, image, tolerance: 0,
                    "the crop at (padding, padding) is the image itself",
                    "case \(trial): image \(image.shape), padding \(padding)", &checks)
                let top = Int(generator.next() % UInt64(2 * padding + 1))
                let left = Int(generator.next() % UInt64(2 * padding + 1))
                let got = try crop(image, padding, top, left)
                let (dy, dx) = (top - padding, left - padding)
                let expected = Tensor(
                    shape: image.shape,
                    data: (0..<image.count).map { index in
                        let (c, i, j) = (
                            index / (height * width), index / width % height, index % width
                        )
                        let (row, column) = (i + dy, j + dx)
                        guard (0..<height).contains(row) && (0..<width).contains(column) else {
                            return 0
                        }
                        return image.data[(c * height + row) * width + column]
                    })
                try requireTensor(
                    got, expected, tolerance: 0,
                    "each crop is the image shifted by (top − padding, left − padding), zeros elsewhere",
                    "case \(trial): image \(image.shape), padding \(padding), top \(top), left \(left)",
                    &checks)
            }
            checks.held("10 random images, paddings 0-3 and offsets: centred and shifted crops")
        }
    }

    /// Exercise 11.2: `unnormalize`.
    public static func unnormalize(
        _ undo: (Tensor, [Float], [Float]) throws -> Tensor, seed: UInt64 = gradingSeed(112)
    ) -> GradeReport {
        grade("11.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<6 {
                let channels = [1, 3, 2, 1, 3, 4][trial]
                let mean = (0..<channels).map { _ in Float(uniform(0.1...0.6, &generator)) }
                let std = (0..<channels).map { _ in Float(uniform(0.2...0.45, &generator)) }
                let pixels = randomTensor([2, channels, 4, 5], 0...1, &generator)
                let plane = 20
                let normalized = Tensor(
                    shape: pixels.shape,
                    data: pixels.data.enumerated().map { index, value in
                        let c = index / plane % channels
                        return (value - mean[c]) / std[c]
                    })
                let got = try undo(normalized, mean, std)
                try requireTensor(
                    got, pixels, tolerance: 1e-5,
                    "unnormalize((x − mean) / std) = x: the pixels come back, channel by channel",
                    "case \(trial): \(channels) channels, mean \(mean), std \(std)", &checks)
            }
            checks.held("6 random images with their own per-channel statistics")
        }
    }
}
