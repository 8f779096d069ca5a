import NN
import Randomness
import ResNetModels
import TensorCore
import Testing
import TextFormat

@testable import ModelViews

@Suite("Model summary")
struct SummaryTests {
    @Test("ablation-18: totals equal the model's parameter counts")
    func ablationTotals() {
        let model = ablation18()
        let result = summary(of: model, inputShape: fashionInput)
        #expect(result.totals.parameters == model.parameterCount)
        #expect(result.totals.parameters == 195_450)
        #expect(result.totals.trainableParameters == model.trainableParameterCount)
        #expect(result.totals.nonTrainableParameters == 0)
        let lines = result.table.split(separator: "\n").map(String.init)
        #expect(lines.contains("Total params: 195,450"))
        #expect(lines.contains("Trainable params: 195,450"))
        #expect(lines.contains("Non-trainable params: 0"))
    }

    @Test(
        "rows account for every parameter and mult-add, whatever the depth",
        arguments: [0, 1, 2, 3, 9])
    func rowsSumToTotals(depth: Int) {
        let result = summary(of: ablation18(), inputShape: [2, 1, 28, 28], depth: depth)
        #expect(result.rows.reduce(0) { $0 + $1.parameterCount } == 195_450)
        #expect(result.rows.reduce(0) { $0 + $1.multAdds } == result.totals.multAdds)
        #expect(result.rows.allSatisfy { $0.depth <= depth })
        #expect(result.rows.contains { $0.depth == min(depth, 3) })
    }

    @Test("one residual-add row per block, with the block's shortcut kind")
    func residualAddRows() throws {
        let model = ablation18()
        let result = summary(of: model, inputShape: fashionInput)
        let adds = result.residualAddRows
        #expect(adds.count == model.blocks.count)
        #expect(adds.map(\.name) == model.namedModules().map(\.name).filter(isBlockName))
        #expect(
            adds.filter { $0.shortcutKind == .zeroPadding }.map(\.name) == ["layer2.0", "layer3.0"])
        #expect(adds.filter { $0.shortcutKind == .identity }.count == 6)
        #expect(result.totals.residualAdds == 8)
        #expect(result.totals.residualAddsByKind == [.identity: 6, .zeroPadding: 2])
        // The addition comes after bn2 and before the block's final ReLU, shaped like the block.
        let index = try #require(
            result.rows.firstIndex { $0.isResidualAdd && $0.name == "layer2.0" })
        #expect(result.rows[index - 1].name == "layer2.0.bn2")
        #expect(result.rows[index + 1].name == "layer2.0.relu")
        #expect(result.rows[index].outputShape == [1, 32, 14, 14])
        #expect(result.rows[index].depth == 3)
        #expect(result.table.contains("+ shortcut (zero-padding)"))
        #expect(result.table.contains("Residual additions: 8 (6 identity, 2 zero-padding)"))
    }

    @Test("the plain twin has the same parameters and no residual-add rows")
    func plainTwin() {
        let plain = summary(of: ablation18(residual: false), inputShape: fashionInput)
        #expect(plain.residualAddRows.isEmpty)
        #expect(plain.totals.residualAdds == 0)
        #expect(plain.totals.parameters == 195_450)
        #expect(plain.table.contains("Total params: 195,450"))
        #expect(plain.table.contains("Residual additions: 0\n"))
        #expect(!plain.table.contains("+ shortcut"))
    }

    @Test("projection shortcuts of ResNet-18 get their own add rows after downsample")
    func projectionRows() throws {
        let result = summary(of: resnet18(), inputShape: [1, 3, 64, 64])
        let adds = result.residualAddRows
        #expect(adds.count == 8)
        #expect(
            adds.filter { $0.shortcutKind == .projection }.map(\.name) == [
                "layer2.0", "layer3.0", "layer4.0",
            ])
        let index = try #require(
            result.rows.firstIndex { $0.isResidualAdd && $0.name == "layer3.0" })
        #expect(result.rows[index - 1].name == "layer3.0.downsample")
        #expect(result.rows[index - 1].parameterCount == 128 * 256 + 2 * 256)
    }

    @Test("pre-activation blocks end with their addition")
    func preActivationRows() throws {
        var generator = SeededGenerator(seed: 3)
        let model = ResNet.preActivation(depth: 8, generator: &generator)
        let result = summary(of: model, inputShape: [1, 3, 16, 16])
        #expect(result.residualAddRows.count == 3)
        let index = try #require(
            result.rows.firstIndex { $0.isResidualAdd && $0.name == "layer2.0" })
        #expect(result.rows[index - 1].name == "layer2.0.conv2")
        #expect(result.rows[index + 1].name == "layer3")
    }

    @Test("output shapes of a few rows")
    func outputShapes() throws {
        let result = summary(of: ablation18(), inputShape: [2, 1, 28, 28])
        func shape(_ name: String) throws -> [Int] {
            try #require(result.rows.first { $0.name == name && !$0.isResidualAdd }).outputShape
        }
        #expect(result.outputShape == [2, 10])
        #expect(try shape("") == [2, 10])
        #expect(try shape("conv1") == [2, 16, 28, 28])
        #expect(try shape("layer1.2") == [2, 16, 28, 28])
        #expect(try shape("layer2.0.conv1") == [2, 32, 14, 14])
        #expect(try shape("layer3") == [2, 64, 7, 7])
        #expect(try shape("avgpool") == [2, 64, 1, 1])
        #expect(try shape("fc") == [2, 10])
    }

    @Test("mult-adds: conv K·C·R·S·Ho·Wo per image, × batch; linear and BN as torchinfo")
    func multAddsByHand() throws {
        let result = summary(of: ablation18(), inputShape: [2, 1, 28, 28])
        func row(_ name: String) throws -> SummaryRow {
            try #require(result.rows.first { $0.name == name && !$0.isResidualAdd })
        }
        // layer2.0.conv1: 16 → 32 channels, 3x3, stride 2, 28x28 → 14x14, batch 2, no bias.
        #expect(try row("layer2.0.conv1").multAdds == 32 * 16 * 3 * 3 * 14 * 14 * 2)
        #expect(try row("layer2.0.conv1").parameterCount == 32 * 16 * 3 * 3)
        // fc: 64 → 10 with bias, batch 2.
        #expect(try row("fc").multAdds == (64 * 10 + 10) * 2)
        // Batch norm: a scale and a shift per channel, per image.
        #expect(try row("layer2.0.bn1").multAdds == 2 * 32 * 2)
        #expect(try row("layer2.0.relu").multAdds == 0)
        #expect(result.residualAddRows.allSatisfy { $0.multAdds == 0 && $0.parameterCount == 0 })
    }

    @Test("ResNet-18 matches torchinfo's totals on [1, 3, 224, 224]")
    func resnet18Totals() {
        let result = summary(of: resnet18(), inputShape: [1, 3, 224, 224])
        let lines = result.table.split(separator: "\n").map(String.init)
        #expect(lines.contains("Total params: 11,689,512"))
        #expect(lines.contains("Total mult-adds (G): 1.81"))
        #expect(lines.contains("Input size (MB): 0.60"))
        #expect(lines.contains("Forward/backward pass size (MB): 39.75"))
        #expect(lines.contains("Params size (MB): 46.76"))
        #expect(lines.contains("Estimated Total Size (MB): 87.11"))
        #expect(result.rows.first { $0.name == "layer1.0.conv1" }?.multAdds == 115_605_504)
    }

    @Test("the summary leaves training flags, hooks and batch-norm statistics as they were")
    func leavesModelAsItWas() throws {
        let model = ablation18()
        model.train()
        model.layers[1].eval()  // a mixed tree: layer2 in eval mode, the rest training
        let flags = trainingFlags(model)
        let statistics = model.namedBuffers().map { $0.tensor.data }

        var userHookRuns = 0
        let id = model.conv1.registerForwardHook { _, _, _ in userHookRuns += 1 }
        let first = summary(of: model, inputShape: fashionInput)
        #expect(userHookRuns == 1)
        #expect(trainingFlags(model) == flags)
        #expect(model.namedBuffers().map { $0.tensor.data } == statistics)

        // No hook of the summary stays behind: a second summary sees the same calls.
        let second = summary(of: model, inputShape: fashionInput)
        #expect(second.rows == first.rows)
        #expect(userHookRuns == 2)
        model.conv1.removeForwardHook(id)
        _ = Tensor.withoutGrad { model(Tensor.zeros(fashionInput)) }
        #expect(userHookRuns == 2)
    }

    @Test("frozen parameters are counted as non-trainable and shown in parentheses")
    func frozenParameters() throws {
        let model = ablation18()
        model.conv1.freeze()
        let result = summary(of: model, inputShape: fashionInput)
        #expect(result.totals.nonTrainableParameters == 144)
        #expect(result.totals.trainableParameters == 195_450 - 144)
        let conv1 = try #require(result.rows.first { $0.name == "conv1" })
        #expect(conv1.trainability == .frozen)
        #expect(result.rows[0].trainability == .partial)
        #expect(result.table.contains("Non-trainable params: 144"))
        #expect(result.table.contains("(144)"))
    }

    @Test("depth 0 folds the whole model into one row")
    func depthZero() throws {
        let result = summary(of: ablation18(), inputShape: fashionInput, depth: 0)
        let row = try #require(result.rows.first)
        #expect(result.rows.count == 1)
        #expect(row.parameterCount == 195_450)
        #expect(row.multAdds == result.totals.multAdds)
        #expect(!row.isExpanded)
    }

    @Test("tree glyphs close each level")
    func treeGlyphs() {
        let lines = summary(of: ablation18(), inputShape: fashionInput).table
            .split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("├─Conv2d: conv1 ") })
        #expect(lines.contains { $0.hasPrefix("└─Linear: fc ") })
        #expect(lines.contains { $0.hasPrefix("│  │  ├─+ shortcut (identity) ") })
        #expect(lines.contains { $0.hasPrefix("   └─ReLU: layer3.1.relu") } == false)
        #expect(lines.contains { $0.hasPrefix("│     └─ReLU: layer3.1.relu") })
    }

    @Test("a model that is not a ResNet")
    func sequentialModel() {
        var generator = SeededGenerator(seed: 4)
        let model = Sequential(
            Conv2d(
                inputChannels: 1, outputChannels: 4, kernelSize: 3, padding: 1,
                generator: &generator),
            ReLU(), Flatten(),
            Linear(inputFeatures: 4 * 5 * 5, outputFeatures: 3, generator: &generator))
        let result = summary(of: model, inputShape: [3, 1, 5, 5])
        #expect(
            result.rows.map(\.typeName) == ["Sequential", "Conv2d", "ReLU", "Flatten", "Linear"])
        #expect(result.rows.map(\.name) == ["", "0", "1", "2", "3"])
        #expect(result.totals.parameters == model.parameterCount)
        #expect(result.rows[1].multAdds == (4 * 9 + 4) * 3 * 25)
        #expect(result.rows[4].outputShape == [3, 3])
        #expect(result.residualAddRows.isEmpty)
    }

    @Test(
        "number text",
        arguments: [
            (0, "0"), (12, "12"), (999, "999"), (1_000, "1,000"), (195_450, "195,450"),
            (11_689_512, "11,689,512"), (-1_234, "-1,234"),
        ])
    func groupedNumbers(value: Int, text: String) {
        #expect(Format.grouped(value) == text)
    }

    @Test("fixed decimals and torchinfo units")
    func scaledText() {
        #expect(Format.fixed(0.602112, 2) == "0.60")
        #expect(Format.fixed(39.747392, 2) == "39.75")
        #expect(Format.fixed(2.005, 1) == "2.0")
        let giga = scaledCount(1_814_073_344)
        #expect(giga.unit == "G" && giga.text == "1.81")
        let mega = scaledCount(54_420_000)
        #expect(mega.unit == "M" && mega.text == "54.42")
        let small = scaledCount(950)
        #expect(small.unit == "" && small.text == "950")
    }

    private func isBlockName(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        return parts.count == 2 && parts[0].hasPrefix("layer")
    }
}
