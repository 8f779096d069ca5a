import Foundation
import NN
import Optim
import Randomness
import ResNetModels
import TensorCore

extension Graders {
    /// Exercise 08.1: `filterNormalized(_:like:)`.
    public static func filterNormalized(
        _ normalize: (Tensor, Tensor) throws -> Tensor, seed: UInt64 = gradingSeed(81)
    ) -> GradeReport {
        grade("08.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            let shapes = [
                [8, 4, 3, 3], [16, 16, 3, 3], [10, 64], [4, 1, 7, 7], [32], [5, 3, 1, 1],
            ]
            for (index, shape) in shapes.enumerated() {
                // Filters of very different sizes, as batch norm lets trained weights have.
                var weight = randomTensor(shape, -1...1, &generator)
                let filters = shape[0]
                let size = weight.count / filters
                weight = Tensor(
                    shape: shape,
                    data: weight.data.enumerated().map { $1 * Float(1 + 3 * ($0 / size % 3)) })
                var raw = randomTensor(shape, -1...1, &generator)
                if shape.count >= 2 {  // one filter of the direction all zeros
                    var data = raw.data
                    for i in 0..<size { data[i] = 0 }
                    raw = Tensor(shape: shape, data: data)
                }
                let got = try normalize(raw, weight)
                let name = "case \(index): a parameter of shape \(shape)"
                try checks.require(
                    got.shape == shape, "the direction keeps the parameter's shape",
                    "\(name): got \(got.shape)")
                guard shape.count >= 2 else {
                    try checks.require(
                        got.data.allSatisfy { $0 == 0 },
                        "one-dimensional parameters are not moved (a zero direction)",
                        "\(name): got \(got.data.prefix(4))…")
                    continue
                }
                for f in 0..<filters {
                    let range = (f * size)..<((f + 1) * size)
                    func norm(_ values: ArraySlice<Float>) -> Double {
                        values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                    }
                    let (dNorm, wNorm, rawNorm) = (
                        norm(got.data[range]), norm(weight.data[range]), norm(raw.data[range])
                    )
                    if rawNorm == 0 {
                        try checks.require(
                            dNorm == 0, "a zero filter of the direction stays zero",
                            "\(name), filter \(f): got norm \(dNorm)")
                        continue
                    }
                    try checks.require(
                        abs(dNorm - wNorm) <= 1e-5 * max(1, wNorm),
                        "‖d_f‖ = ‖w_f‖ for every filter f (one slice along the first axis)",
                        "\(name), filter \(f): expected norm \(wNorm), got \(dNorm)")
                    // Parallel and the same way round: d_f · raw_f = ‖d_f‖ ‖raw_f‖.
                    let dot = zip(got.data[range], raw.data[range]).reduce(0.0) {
                        $0 + Double($1.0) * Double($1.1)
                    }
                    try checks.require(
                        abs(dot - dNorm * rawNorm) <= 1e-4 * max(1, dNorm * rawNorm),
                        "each filter of the result is a positive multiple of the given one",
                        "\(name), filter \(f): the cosine with the given filter is "
                            + "\(dot / (dNorm * rawNorm)), not 1")
                }
            }
            checks.held("convolution and linear shapes, filters of three sizes, a zero filter")
            checks.held("a one-dimensional parameter gets a zero direction")
        }
    }

    /// Exercise 10.1: `grayscaleFilters`.
    public static func grayscaleFilters(
        _ port: (Tensor) throws -> Tensor, seed: UInt64 = gradingSeed(101)
    ) -> GradeReport {
        grade("10.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<8 {
                let k = 1 + Int(generator.next() % 6)
                let side = [1, 3, 5, 7][trial % 4]
                let stride = 1 + Int(generator.next() % 2)
                let padding = side / 2
                let rgb = randomTensor([k, 3, side, side], -1...1, &generator)
                let gray = randomTensor([2, 1, 9, 10], 0...1, &generator)
                let repeated = Tensor(
                    shape: [2, 3, 9, 10],
                    data: (0..<2).flatMap { n in
                        (0..<3).flatMap { _ in gray.data[(n * 90)..<((n + 1) * 90)] }
                    })
                let expected = conv2d(repeated, weight: rgb, stride: stride, padding: padding)
                let weights = try port(rgb)
                try checks.require(
                    weights.shape == [k, 1, side, side], "the gray stem's weights are [K, 1, R, S]",
                    "case \(trial): from \(rgb.shape) you gave \(weights.shape)")
                let got = conv2d(gray, weight: weights, stride: stride, padding: padding)
                try requireTensor(
                    got, expected, tolerance: 1e-5,
                    "conv2d(gray, your weights) = conv2d(gray repeated into 3 channels, RGB weights)",
                    "case \(trial): \(k) filters of \(side)×\(side), stride \(stride), padding "
                        + "\(padding)", &checks)
            }
            checks.held("8 random RGB stems: the gray port gives the repeated image's outputs")
        }
    }
}

extension Graders {
    /// Exercise 06.1: `makeBasicStage`.
    public static func makeBasicStage(
        _ make: (Int, Int, Int, Int, inout SeededGenerator) throws -> Sequential,
        seed: UInt64 = gradingSeed(61)
    ) -> GradeReport {
        grade("06.1", seed: seed) { checks in
            var draws = SeededGenerator(seed: seed)
            let stages = [(8, 8, 2, 1), (8, 16, 2, 2), (16, 32, 3, 2), (4, 12, 1, 2), (6, 6, 3, 1)]
            for (index, (input, channels, blocks, stride)) in stages.enumerated() {
                let stageSeed = draws.next()
                var mine = SeededGenerator(seed: stageSeed)
                var theirs = SeededGenerator(seed: stageSeed)
                let got = try make(input, channels, blocks, stride, &mine)
                let expected = ResNet.makeLayer(
                    .basic, inputChannels: input, channels: channels, blocks: blocks,
                    stride: stride, shortcut: .b, residual: true, generator: &theirs)
                let name =
                    "case \(index): \(blocks) blocks, \(input) → \(channels) channels, stride \(stride)"
                let gotState = got.stateDict()
                let expectedState = expected.stateDict()
                try checks.require(
                    gotState.map(\.name) == expectedState.map(\.name),
                    "the stage's parameters and buffers are torchvision's, name for name",
                    "\(name): expected \(expectedState.map(\.name).prefix(12))…, got "
                        + "\(gotState.map(\.name).prefix(12))…")
                for (mineEntry, theirEntry) in zip(gotState, expectedState) {
                    try checks.require(
                        mineEntry.tensor.shape == theirEntry.tensor.shape
                            && mineEntry.tensor.data == theirEntry.tensor.data,
                        "each block's weights are drawn from the generator in order, as "
                            + "makeLayer draws them",
                        "\(name): \(mineEntry.name) has shape \(mineEntry.tensor.shape), "
                            + "expected \(theirEntry.tensor.shape) with the same values")
                }
                let x = randomTensor([2, input, 7, 7], -1...1, &draws)
                let out = Tensor.withoutGrad { got(x) }
                try requireTensor(
                    out, Tensor.withoutGrad { expected(x) }, tolerance: 1e-5,
                    "the stage computes what makeLayer's computes",
                    "\(name), input [2, \(input), 7, 7]",
                    &checks)
            }
            checks.held("5 stages against ResNet.makeLayer: names, weights, outputs")
            // ResNet-18's four stages, with its stem (conv1 + bn1) and classifier (fc).
            var generator = SeededGenerator(seed: seed)
            var total = 64 * 3 * 7 * 7 + 2 * 64 + 512 * 1000 + 1000
            for (input, channels, stride) in [
                (64, 64, 1), (64, 128, 2), (128, 256, 2), (256, 512, 2),
            ] {
                total += try make(input, channels, 2, stride, &generator).parameterCount
            }
            try checks.require(
                total == 11_689_512,
                "ResNet-18 = stem + your four stages + fc has 11,689,512 parameters",
                "stem 9,536 + fc 513,000 + your stages gives \(total)")
            checks.held("ResNet-18 from your stages: 11,689,512 parameters, torchvision's count")
        }
    }

    /// Exercise 09.1: `freezeAllBut`.
    public static func freezeAllBut(
        _ freeze: (Module, [String]) throws -> Void, seed: UInt64 = gradingSeed(91)
    ) -> GradeReport {
        grade("09.1", seed: seed) { checks in
            var draws = SeededGenerator(seed: seed)
            // Depth 68 has 11 blocks a stage: `layer1.1` must not take in `layer1.10`.
            let cases: [(depth: Int, trainable: [String])] = [
                (8, ["fc"]), (8, ["layer3", "fc"]), (8, ["layer1.0"]),
                (14, ["bn1", "layer2.1.bn2"]),
                (68, ["layer1.1", "fc"]),
            ]
            for (index, (depth, trainable)) in cases.enumerated() {
                var generator = SeededGenerator(seed: draws.next())
                let model = ResNet(
                    .ablation(depth: depth, residual: true, classes: 4, inputChannels: 1),
                    generator: &generator)
                try freeze(model, trainable)
                try checks.require(
                    !model.trainableParameters.isEmpty,
                    "after an SGD step only the parameters under the trainable paths move",
                    "case \(index), trainable \(trainable): every parameter is frozen, so nothing "
                        + "under those paths can train")
                let before = model.namedParameters().map { ($0.name, $0.tensor.data) }
                let optimizer = try SGD(
                    parameters: model.trainableParameters, learningRate: 0.1, momentum: 0.9,
                    weightDecay: 0.01)
                let x = randomTensor([4, 1, 8, 8], -1...1, &draws)
                model.train()
                crossEntropy(logits: model(x), targets: [0, 1, 2, 3]).backward()
                optimizer.step()
                for ((name, old), (_, parameter)) in zip(before, model.namedParameters()) {
                    let inside = trainable.contains { name.hasPrefix($0 + ".") }
                    let moved = parameter.data != old
                    try checks.require(
                        inside == moved,
                        "after an SGD step only the parameters under the trainable paths move",
                        "case \(index), trainable \(trainable): \(name) "
                            + (inside
                                ? "should have trained but did not move" : "moved though frozen"))
                }
            }
            checks.held(
                "5 choices of trainable paths, one SGD step each: frozen tensors bit-identical")
        }
    }

    /// Exercise 11.1: `stageOutputShapes`.
    public static func stageOutputShapes(
        _ shapes: (ResNet, Tensor) throws -> [[Int]], seed: UInt64 = gradingSeed(111)
    ) -> GradeReport {
        grade("11.1", seed: seed) { checks in
            var draws = SeededGenerator(seed: seed)
            let cases: [(String, [Int])] = [
                ("ablation-res-8", [2, 1, 12, 12]), ("cifar-resnet20", [1, 3, 16, 16]),
                ("resnet18", [1, 3, 32, 32]), ("resnet18", [1, 3, 40, 24]),
            ]
            for (index, (name, shape)) in cases.enumerated() {
                var generator = SeededGenerator(seed: draws.next())
                let model = try ResNet.named(name, classes: 10, generator: &generator)
                model.eval()
                let x = randomTensor(shape, -1...1, &draws)
                // The stages by hand: every child up to the last stage, in order.
                var expected: [[Int]] = []
                var out = x
                Tensor.withoutGrad {
                    for (childName, child) in model.children
                    where expected.count < model.layers.count {
                        out = child(out)
                        if childName.hasPrefix("layer") { expected.append(out.shape) }
                    }
                }
                let got = try shapes(model, x)
                let label = "case \(index): \(name) on \(shape)"
                try checks.require(
                    got == expected, "your hooks see each stage's output, stage after stage",
                    "\(label): expected \(expected), got \(got)")
                try checks.require(
                    model.layers.allSatisfy { $0.forwardHookCount == 0 },
                    "the hooks are removed afterwards: the model is as it was",
                    "\(label): hooks left on "
                        + model.layers.enumerated().filter { $0.element.forwardHookCount > 0 }
                        .map { "layer\($0.offset + 1)" }.joined(separator: ", "))
                try checks.require(
                    try shapes(model, x) == expected, "a second call gives the same shapes",
                    "\(label): the second call differs")
            }
            checks.held("4 ResNets (ablation, CIFAR, ImageNet stems) and input sizes")
        }
    }
}
