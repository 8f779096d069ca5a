import Foundation
import NN
import Optim
import Randomness
import ResNetModels
import TensorCore

// The second exercises of lessons 07, 09 and 10: an SGD step, a new head, and the copy of a
// gray image into three channels with its backward.

extension Graders {
    /// Exercise 07.3: `sgdStep`.
    public static func sgdStep(
        _ step: (inout [Float], [Float], inout [Float]?, Float, Float, Float) throws -> Void,
        seed: UInt64 = gradingSeed(73)
    ) -> GradeReport {
        grade("07.3", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for (trial, (momentum, decay)) in [
                (0.0, 0.0), (0.9, 0.0), (0.0, 0.05), (0.9, 5e-4), (0.5, 0.1),
            ]
            .enumerated() {
                let count = 2 + Int(generator.next() % 6)
                let reference = randomTensor([count], -1...1, &generator, requiresGrad: true)
                let optimizer = try SGD(
                    parameters: [reference], learningRate: 0.1, momentum: momentum,
                    weightDecay: decay)
                var parameter = reference.data
                var velocity: [Float]? = nil
                for stepIndex in 0..<5 {
                    // A rate that changes every step, as a schedule changes it.
                    let rate = Float(uniform(0.01...0.5, &generator))
                    let gradient = (0..<count).map { _ in Float(uniform(-1...1, &generator)) }
                    optimizer.groups[0].learningRate = Double(rate)
                    reference.grad = Tensor(shape: [count], data: gradient)
                    optimizer.step()
                    try step(&parameter, gradient, &velocity, rate, Float(momentum), Float(decay))
                    try checks.requireClose(
                        parameter.map(Double.init), reference.data.map(Double.init),
                        tolerance: 1e-5,
                        "p ← p − lr·v with v = momentum·v + (gradient + decay·p), as SGD updates",
                        where: {
                            "case \(trial) (momentum \(momentum), weight decay \(decay)), after "
                                + "step \(stepIndex + 1) at learning rate \(rate), element \($0)"
                        })
                }
            }
            checks.held(
                "5 settings of momentum and decay, 5 steps each at changing rates: the "
                    + "library's SGD to 1e-5")
        }
    }

    /// Exercise 09.2: `replaceHead(of:classes:generator:)`.
    public static func replaceHead(
        _ replace: (ResNet, Int, inout SeededGenerator) throws -> Void,
        seed: UInt64 = gradingSeed(92)
    ) -> GradeReport {
        grade("09.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            let configurations: [(ResNet.Configuration, Int)] = [
                (.ablation(depth: 8, residual: true, classes: 10, inputChannels: 1), 3),
                (.cifar(depth: 8, classes: 5, inputChannels: 3), 7),
                (
                    ResNet.Configuration(
                        block: .bottleneck, blocksPerStage: [1, 1], stageWidths: [4, 8],
                        stem: .imagenet, classes: 6), 2
                ),
            ]
            for (trial, (configuration, classes)) in configurations.enumerated() {
                let net = ResNet(configuration, generator: &generator)
                net.eval()
                let x = randomTensor(
                    [3, configuration.inputChannels, 16, 16], -1...1, &generator)
                let context =
                    "case \(trial): \(configuration.featureCount) features, "
                    + "\(configuration.classes) → \(classes) classes"
                var features: [Tensor] = []
                let hook = net.avgpool.registerForwardHook { _, _, output in
                    features.append(output)
                }
                defer { net.avgpool.removeForwardHook(hook) }
                let backbone = net.stateDict().filter { !$0.name.hasPrefix("fc.") }
                    .map { (name: $0.name, data: $0.tensor.data, flag: $0.tensor.requiresGrad) }
                _ = Tensor.withoutGrad { net(x) }
                try replace(net, classes, &generator)
                let after = net.stateDict().filter { !$0.name.hasPrefix("fc.") }
                try checks.require(
                    after.map(\.name) == backbone.map(\.name)
                        && zip(after, backbone).allSatisfy {
                            $0.tensor.data == $1.data && $0.tensor.requiresGrad == $1.flag
                        },
                    "only the head changes: every backbone weight and statistic is bit-identical",
                    "\(context): "
                        + (zip(after, backbone).first {
                            $0.tensor.data != $1.data || $0.tensor.requiresGrad != $1.flag
                        }.map { "\($0.0.name) changed" } ?? "the backbone's tensors changed"))
                guard let head = net.fc as? Linear, let bias = head.bias else {
                    throw IdentityBroken(
                        description: "identity broken: the new head is a Linear layer with a bias"
                            + "\n  \(context): fc is \(type(of: net.fc))"
                            + (net.fc is Linear ? " without a bias" : "")
                            + "\n  (seed \(seed): `RESIDUAL_GRADE_SEED=\(seed)` reproduces it)")
                }
                let features0 = configuration.featureCount
                try checks.require(
                    head.weight.shape == [classes, features0] && bias.shape == [classes],
                    "the new head maps the pooled features to the classes: weight [classes, "
                        + "features], bias [classes]",
                    "\(context): expected [\(classes), \(features0)] and [\(classes)], got "
                        + "\(head.weight.shape) and \(bias.shape)")
                try checks.require(
                    head.weight.requiresGrad && bias.requiresGrad,
                    "the new head is trainable",
                    "\(context): fc's parameters do not require gradients")
                let logits = Tensor.withoutGrad { net(x) }
                try checks.require(
                    logits.shape == [3, classes], "the logits have one column per new class",
                    "\(context): expected logits [3, \(classes)], got \(logits.shape)")
                try checks.require(
                    features.count >= 2 && features.first!.data == features.last!.data,
                    "only the head changes: the pooled features are bit-identical",
                    "\(context): the features before fc differ after your change")
                let bound = 1 / Float(features0).squareRoot()
                // The weight has hundreds of draws: both signs, the largest near the bound.
                // The bias has a few: within the bound, and not all zero.
                let weights = head.weight.data
                let largest = weights.map { abs($0) }.max() ?? 0
                try checks.require(
                    largest <= bound * 1.0001 && largest >= bound * 0.5
                        && weights.contains { $0 < 0 } && weights.contains { $0 > 0 },
                    "the head starts as PyTorch's Linear: uniform in ±1/√features",
                    "\(context): fc.weight runs from \(weights.min() ?? 0) to "
                        + "\(weights.max() ?? 0); ±1/√\(features0) is ±\(bound), and "
                        + "\(weights.count) uniform draws cover most of that range")
                let biasLargest = bias.data.map { abs($0) }.max() ?? 0
                try checks.require(
                    biasLargest <= bound * 1.0001 && biasLargest > 0,
                    "the head starts as PyTorch's Linear: uniform in ±1/√features",
                    "\(context): fc.bias's largest |value| is \(biasLargest); it is drawn "
                        + "uniformly in ±\(bound) too, not set to zero")
            }
            checks.held(
                "3 nets (option A, CIFAR, bottleneck ImageNet stem): new head, backbone "
                    + "and features bit-identical, PyTorch's initial range")
        }
    }

    /// Exercise 10.2: `repeatToRGB` and `repeatToRGBBackward`.
    public static func repeatToRGB(
        _ forward: (Tensor) throws -> Tensor, backward: (Tensor) throws -> Tensor,
        seed: UInt64 = gradingSeed(102)
    ) -> GradeReport {
        grade("10.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<6 {
                // The first case is fixed: a batch of 2 with H ≠ W catches mixed-up layouts.
                let (n, h, w) =
                    trial == 0
                    ? (2, 3, 4)
                    : (
                        1 + Int(generator.next() % 3), 1 + Int(generator.next() % 5),
                        1 + Int(generator.next() % 5)
                    )
                let context = "case \(trial): gray [\(n), 1, \(h), \(w)]"
                let gray = randomTensor([n, 1, h, w], -1...1, &generator)
                let grayValues = gray.data
                let rgb = try forward(gray)
                try checks.require(
                    gray.data == grayValues, "repeatToRGB leaves its input unchanged",
                    "\(context): your code changed the gray image")
                let copies = Tensor(
                    shape: [n, 3, h, w],
                    data: (0..<n * 3 * h * w).map { index in
                        let (image, rest) = index.quotientAndRemainder(dividingBy: 3 * h * w)
                        return gray.data[image * h * w + rest % (h * w)]
                    })
                try requireTensor(
                    rgb, copies, tolerance: 0,
                    "repeatToRGB(x)[n, c, i, j] = x[n, 0, i, j] for c = 0, 1, 2", context, &checks)
                let g = randomTensor([n, 3, h, w], -1...1, &generator)
                let upstreamValues = g.data
                let pulled = try backward(g)
                try checks.require(
                    g.data == upstreamValues, "the backward leaves the upstream gradient unchanged",
                    "\(context): your code changed the gradient it was given")
                try checks.require(
                    pulled.shape == [n, 1, h, w],
                    "the backward maps a gradient [N, 3, H, W] to the gray image's [N, 1, H, W]",
                    "\(context): got \(pulled.shape)")
                let left = zip(copies.data, g.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let right = zip(gray.data, pulled.data).reduce(0.0) {
                    $0 + Double($1.0) * Double($1.1)
                }
                try checks.require(
                    abs(left - right) <= 1e-5 * max(1, abs(left)),
                    "the adjoint identity ⟨repeat(x), g⟩ = ⟨x, repeatᵀ(g)⟩",
                    "\(context): ⟨repeat(x), g⟩ = \(left), ⟨x, backward(g)⟩ = \(right)")
                // The library's autograd of the same copy: a broadcasting addition to zeros.
                let leaf = gray.detach()
                leaf.requiresGrad = true
                (leaf + Tensor.zeros([n, 3, h, w])).backward(gradient: g)
                try requireTensor(
                    pulled, leaf.grad!, tolerance: 1e-6,
                    "the backward agrees with autograd of the copy (a broadcast over channels)",
                    context, &checks)
            }
            checks.held("6 random gray batches: copies exact, adjoint identity, autograd")
        }
    }
}
