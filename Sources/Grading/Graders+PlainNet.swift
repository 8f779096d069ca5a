import Foundation
import NN
import Randomness
import ResNetModels
import TensorCore

// Lesson 08's second and third exercises: the plain twin, and a block deleted.

extension Graders {
    /// Exercise 08.2: `plainTwin(of:)`.
    public static func plainTwin(
        _ twin: (ResNet) throws -> ResNet, seed: UInt64 = gradingSeed(82)
    ) -> GradeReport {
        grade("08.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for (trial, depth) in [8, 14].enumerated() {
                let net = ResNet(
                    .ablation(depth: depth, residual: true, classes: 4, inputChannels: 1),
                    generator: &generator)
                randomizeNorms(net, &generator)
                net.eval()
                let context = "case \(trial): ablation res-\(depth)"
                let plain = try twin(net)
                plain.eval()
                try checks.require(
                    plain !== net && net.blocks.allSatisfy { $0.shortcut != nil },
                    "the twin is a new network; the ResNet keeps its shortcuts",
                    "\(context): "
                        + (plain === net
                            ? "you returned the ResNet itself"
                            : "the "
                                + "ResNet lost its shortcuts"))
                let shared = Set(plain.stateDict().map { ObjectIdentifier($0.tensor) })
                    .intersection(net.stateDict().map { ObjectIdentifier($0.tensor) })
                try checks.require(
                    shared.isEmpty,
                    "the twin holds copies: no tensor is shared with the ResNet",
                    "\(context): \(shared.count) of the twin's tensors are the ResNet's own, so "
                        + "training one would move the other")
                try checks.require(
                    plain.parameterCount == net.parameterCount,
                    "the plain twin has as many parameters as its ResNet (option A has none)",
                    "\(context): expected \(net.parameterCount), got \(plain.parameterCount)")
                let mine = plain.stateDict()
                let theirs = net.stateDict()
                try checks.require(
                    mine.map(\.name) == theirs.map(\.name)
                        && zip(mine, theirs).allSatisfy { $0.tensor.data == $1.tensor.data },
                    "the twin holds the ResNet's weights and statistics, name for name",
                    "\(context): "
                        + (zip(mine, theirs).first {
                            $0.name != $1.name || $0.tensor.data != $1.tensor.data
                        }
                        .map { "\($0.0.name) differs" } ?? "the names differ"))
                let x = randomTensor([2, 1, 8, 8], -1...1, &generator)
                let leaf = x.detach()
                leaf.requiresGrad = true
                let residualAdds = operations(net(leaf)).filter { $0 == "add" }.count
                let plainAdds = operations(plain(leaf)).filter { $0 == "add" }.count
                try checks.require(
                    plainAdds == residualAdds - net.blocks.count,
                    "the twin's forward has no addition left in its blocks: one fewer per block",
                    "\(context): the ResNet's graph has \(residualAdds) additions over "
                        + "\(net.blocks.count) blocks, the twin's \(plainAdds), expected "
                        + "\(residualAdds - net.blocks.count)")
                var configuration = net.configuration
                configuration.residual = false
                var unused = SeededGenerator(seed: 0)
                let reference = ResNet(configuration, generator: &unused)
                try reference.loadStateDict(net.stateDict())
                reference.eval()
                try requireTensor(
                    Tensor.withoutGrad { plain(x) }, Tensor.withoutGrad { reference(x) },
                    tolerance: 1e-5, "the twin's logits are the library's plain twin's",
                    context, &checks)
                // Every branch zeroed: a plain net forgets the image, a ResNet does not.
                for block in plain.blocks + net.blocks {
                    let norm = block.lastNorm!
                    norm.weight.data = [Float](repeating: 0, count: norm.channels)
                    norm.bias.data = [Float](repeating: 0, count: norm.channels)
                }
                let other = randomTensor([2, 1, 8, 8], -1...1, &generator)
                let (first, second) = Tensor.withoutGrad { (plain(x), plain(other)) }
                let (residualFirst, residualSecond) = Tensor.withoutGrad { (net(x), net(other)) }
                let spread = zip(first.data, second.data).map { abs($0 - $1) }.max() ?? 0
                precondition(
                    residualFirst.data != residualSecond.data,
                    "grader 08.2: the zeroed ResNet should still depend on its input")
                try checks.require(
                    spread <= 1e-6,
                    "with every block's last batch norm zeroed, the twin's logits no longer "
                        + "depend on the image (no shortcut carries it)",
                    "\(context): two random images give logits up to \(spread) apart")
            }
            checks.held(
                "ablation res-8 and res-14: same parameters and weights, one addition "
                    + "fewer per block, the library's twin's logits, no path for the image")
        }
    }

    /// Exercise 08.3: `forwardDeleting(block:of:_:)`.
    public static func forwardDeleting(
        _ forward: (Int, ResNet, Tensor) throws -> Tensor, seed: UInt64 = gradingSeed(83)
    ) -> GradeReport {
        grade("08.3", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            // Option C first: every block has a projection, even where the shape stays, so a
            // block skipped instead of bypassed fails as wrong values before any change of
            // shape could stop the program.
            let nets: [(String, ResNet.Configuration)] = [
                (
                    "CIFAR res-8 (option C)",
                    .cifar(depth: 8, classes: 3, inputChannels: 1, shortcut: .c)
                ),
                ("ablation res-8 (option A)", .ablation(depth: 8, classes: 4, inputChannels: 1)),
                (
                    "CIFAR res-8 (option B)",
                    .cifar(depth: 8, classes: 3, inputChannels: 1, shortcut: .b)
                ),
                (
                    "ImageNet stem, 2 stages (option B)",
                    ResNet.Configuration(
                        block: .basic, blocksPerStage: [2, 1], stageWidths: [4, 8], stem: .imagenet,
                        inputChannels: 1, classes: 5)
                ),
            ]
            for (name, configuration) in nets {
                let net = ResNet(configuration, generator: &generator)
                randomizeNorms(net, &generator)
                net.eval()
                let x = randomTensor([2, 1, 16, 16], -1...1, &generator)
                let intact = Tensor.withoutGrad { net(x) }
                let folded = FoldedResNet(net)!
                for index in net.blocks.indices {
                    let blockName = net.namedModules().filter { $0.module is any ResidualBlock }[
                        index
                    ].name
                    var stems = 0
                    let hook = net.conv1.registerForwardHook { _, _, _ in stems += 1 }
                    defer { net.conv1.removeForwardHook(hook) }
                    let got = try Tensor.withoutGrad { try forward(index, net, x) }
                    try checks.require(
                        stems == 1, "the lesioned forward pass runs the net's own modules",
                        "\(name), deleting \(blockName): net.conv1 ran \(stems) times, "
                            + "expected once")
                    try requireTensor(
                        got, folded(x, deleting: index), tolerance: 1e-4,
                        "deleting block l leaves xₗ₊₁ = shortcut(xₗ): no branch, no ReLU",
                        "\(name), deleting \(blockName) (index \(index))", &checks)
                }
                try requireTensor(
                    Tensor.withoutGrad { net(x) }, intact, tolerance: 0,
                    "deleting a block at test time leaves the network itself unchanged",
                    "\(name), after your deletions", &checks)
                // A block whose branch is zero adds nothing: deleting it changes nothing.
                if let index = net.blocks.firstIndex(where: { $0.shortcutKind == .identity }) {
                    let norm = net.blocks[index].lastNorm!
                    norm.weight.data = [Float](repeating: 0, count: norm.channels)
                    norm.bias.data = [Float](repeating: 0, count: norm.channels)
                    try requireTensor(
                        try Tensor.withoutGrad { try forward(index, net, x) },
                        Tensor.withoutGrad { net(x) }, tolerance: 1e-5,
                        "deleting a block whose branch is zero leaves the logits as they were",
                        "\(name), block \(index) with its last batch norm zeroed", &checks)
                }
            }
            checks.held(
                "4 nets, every block deleted in turn: the library's lesion, and a zero "
                    + "branch deleted for free")
        }
    }
}
