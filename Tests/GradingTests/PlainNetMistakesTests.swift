import ExerciseSolutions
import Grading
import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

// Planted mistakes for exercises 08.2 and 08.3: each must fail, naming its identity.

@Suite("Graders 08.2, 08.3: planted mistakes fail")
struct PlainNetMistakesTests {
    @Test(
        "08.2 plain twin: the ResNet itself, fresh weights, the shortcuts kept, a shared classifier"
    )
    func plainTwinMistakes() {
        expectFails(
            Graders.plainTwin { $0 },
            naming: "the twin is a new network; the ResNet keeps its shortcuts",
            "the ResNet returned as it is")
        expectFails(
            Graders.plainTwin { net in
                var configuration = net.configuration
                configuration.residual = false
                var generator = SeededGenerator(seed: 1)
                return ResNet(configuration, generator: &generator)
            }, naming: "the twin holds the ResNet's weights and statistics, name for name",
            "a plain net with fresh weights")
        expectFails(
            Graders.plainTwin { net in
                var generator = SeededGenerator(seed: 1)
                let copy = ResNet(net.configuration, generator: &generator)
                try copy.loadStateDict(net.stateDict())
                return copy
            },
            naming: "the twin's forward has no addition left in its blocks: one fewer per block",
            "a copy of the ResNet, shortcuts and all")
        expectFails(
            Graders.plainTwin { net in
                let twin = try ExerciseSolutions.plainTwin(of: net)
                twin.fc = net.fc
                return twin
            }, naming: "the twin holds copies: no tensor is shared with the ResNet",
            "the classifier shared with the ResNet")
    }

    @Test(
        "08.3 deleting a block: a ReLU after the shortcut, the next block, nothing, the block skipped, FoldedResNet"
    )
    func forwardDeletingMistakes() {
        let identity = "deleting block l leaves xₗ₊₁ = shortcut(xₗ): no branch, no ReLU"
        expectFails(
            Graders.forwardDeleting { index, net, x in
                var out = net.relu(net.bn1!(net.conv1(x)))
                if let maxpool = net.maxpool { out = maxpool(out) }
                for (position, block) in net.blocks.enumerated() {
                    out = position == index ? net.relu(block.shortcut!(out)) : block(out)
                }
                return net.fc(net.avgpool(out).flattened(startDim: 1))
            }, naming: identity, "a ReLU after the shortcut")
        expectFails(
            Graders.forwardDeleting { index, net, x in
                try ExerciseSolutions.forwardDeleting(block: index + 1, of: net, x)
            }, naming: identity, "off by one: the next block deleted")
        expectFails(
            Graders.forwardDeleting { _, net, x in net(x) },
            naming: identity, "nothing deleted")
        expectFails(
            Graders.forwardDeleting { index, net, x in
                var out = net.relu(net.bn1!(net.conv1(x)))
                if let maxpool = net.maxpool { out = maxpool(out) }
                for (position, block) in net.blocks.enumerated() where position != index {
                    out = block(out)
                }
                return net.fc(net.avgpool(out).flattened(startDim: 1))
            }, naming: identity, "the block skipped, its shortcut forgotten")
        expectFails(
            Graders.forwardDeleting { index, net, x in FoldedResNet(net)!(x, deleting: index) },
            naming: "the lesioned forward pass runs the net's own modules",
            "the library's FoldedResNet called")
    }
}
