// Lesson 05: the bottleneck block. 1×1 → 3×3 → 1×1 with expansion 4; parameters and
// mult-adds against a basic block of the same width, counted by our code; why ResNet-50
// and deeper use it.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-05-bottleneck",
    title: "Lesson 05 · The bottleneck block: 1×1 → 3×3 → 1×1")

notebook.introduction(
    """
    A basic block's two 3×3 convolutions cost 2·9·C² multiply-adds per pixel: fine at 64 \
    channels, heavy at 256 and more. The bottleneck block of ResNet-50, -101 and -152 keeps \
    the wide representation between blocks but does its 3×3 work in a narrow one: a 1×1 \
    convolution squeezes the channels by 4, the 3×3 runs on the narrow tensor, and a second \
    1×1 expands back (the *expansion* of 4). This lesson measures what that buys.
    """)

func millions(_ n: Int) -> String { String(format: "%.1f M", Double(n) / 1e6) }

// MARK: - 1. Shapes through a bottleneck

notebook.cell("Shapes through a bottleneck") { cell in
    cell.prose(
        """
        `Bottleneck(inputChannels: 256, channels: 64)`: the input has 256 channels, the inner \
        width is 64, the output has 64 × 4 = 256 channels, so the shortcut is the identity. \
        Following torchvision (the "v1.5" ResNet), a stride-2 bottleneck strides in its 3×3 \
        convolution, not in the first 1×1 as the original paper did: a 1×1 convolution with \
        stride 2 would simply skip three quarters of the pixels.
        """)
    var generator = SeededGenerator(seed: 1)
    let block = Bottleneck(inputChannels: 256, channels: 64, generator: &generator)
    block.eval()
    let x = Tensor.randn([1, 256, 14, 14], generator: &generator)
    var rows: [[String]] = [["x", Format.shape(x.shape), "-"]]
    var out = x
    let steps: [(String, Module, String)] = [
        ("conv1", block.conv1, "1×1 conv 256→64"), ("bn1", block.bn1, "batch norm"),
        ("relu", block.relu, "ReLU"),
        ("conv2", block.conv2, "3×3 conv 64→64"), ("bn2", block.bn2, "batch norm"),
        ("relu", block.relu, "ReLU"),
        ("conv3", block.conv3, "1×1 conv 64→256"), ("bn3", block.bn3, "batch norm"),
    ]
    for (name, module, what) in steps {
        out = module(out)
        rows.append([
            name + " (" + what + ")", Format.shape(out.shape),
            Format.grouped(module.parameterCount),
        ])
    }
    out = (out + x).relu()
    rows.append(["+ x, ReLU", Format.shape(out.shape), "0"])
    cell.table(["step", "output shape", "parameters"], rows)
    cell.check("the steps reproduce the block's own forward pass", block(x).data == out.data)
}

// MARK: - 2. Counting

notebook.cell("Parameters and mult-adds, counted") { cell in
    cell.prose(
        """
        Both blocks below map a [1, 256, 56, 56] tensor to the same shape. `summary(of:)` \
        runs one forward pass with hooks on every layer and counts, for each convolution, \
        K·C·R·S multiply-adds per output pixel (and, as torchinfo does, one per parameter \
        per image for batch norm, a rounding error here).
        """)
    var generator = SeededGenerator(seed: 2)
    let basic = BasicBlock(inputChannels: 256, channels: 256, generator: &generator)
    let bottleneck = Bottleneck(inputChannels: 256, channels: 64, generator: &generator)
    let shape = [1, 256, 56, 56]
    let basicSummary = summary(of: basic, inputShape: shape)
    let bottleneckSummary = summary(of: bottleneck, inputShape: shape)
    cell.output(bottleneckSummary.description)
    let b = basicSummary.totals
    let n = bottleneckSummary.totals
    cell.table(
        ["block", "parameters", "mult-adds (56×56)", "weighted layers"],
        [
            [
                "BasicBlock 256 → 256", Format.grouped(b.parameters), millions(b.multAdds),
                "\(basic.weightedLayerCount)",
            ],
            [
                "Bottleneck 256 → 64 → 256", Format.grouped(n.parameters), millions(n.multAdds),
                "\(bottleneck.weightedLayerCount)",
            ],
            [
                "ratio", String(format: "%.1f×", Double(b.parameters) / Double(n.parameters)),
                String(format: "%.1f×", Double(b.multAdds) / Double(n.multAdds)), "",
            ],
        ])
    // By hand: 2 × (256·256·9) weights + 2 BNs × 2 × 256; 256·64 + 64·64·9 + 64·256 + BNs.
    let basicByHand = 2 * 256 * 256 * 9 + 2 * 2 * 256
    let bottleneckByHand = 256 * 64 + 64 * 64 * 9 + 64 * 256 + 2 * (64 + 64 + 256)
    cell.check(
        "the parameter counts match the hand formulas (\(Format.grouped(basicByHand)) and \(Format.grouped(bottleneckByHand)))",
        b.parameters == basicByHand && n.parameters == bottleneckByHand)
    func convolutionMultAdds(_ s: ModelSummary) -> Int {
        s.rows.filter { $0.typeName == "Conv2d" }.reduce(0) { $0 + $1.multAdds }
    }
    cell.check(
        "the convolutions' mult-adds per pixel match too: 2·9·256² vs 256·64 + 9·64² + 64·256",
        convolutionMultAdds(basicSummary) == 56 * 56 * 2 * 9 * 256 * 256
            && convolutionMultAdds(bottleneckSummary) == 56 * 56
                * (256 * 64 + 9 * 64 * 64 + 64 * 256)
    )
    cell.check(
        "the bottleneck is over 10× cheaper in both",
        b.parameters > 10 * n.parameters && b.multAdds > 10 * n.multAdds)
}

// MARK: - 3. Why ResNet-50 uses it

notebook.cell("Why ResNet-50 and deeper use it") { cell in
    cell.prose(
        """
        ResNet-34 and ResNet-50 have the same stage layout — 3, 4, 6 and 3 blocks — and differ \
        only in the block: ResNet-50 swaps each two-layer basic block for a three-layer \
        bottleneck whose output is 4 times wider. The network gets 16 layers deeper and its \
        final features four times wider (2048 instead of 512) for a modest increase in cost, \
        and torchvision's published ImageNet top-1 accuracy rises from 73.3% to 76.1% (cited \
        from torchvision's documentation, not measured here).
        """)
    var generator = SeededGenerator(seed: 3)
    let size = notebook.quick(64, full: 224)
    var rows: [[String]] = []
    var totals: [Int: SummaryTotals] = [:]
    for depth in [34, 50] {
        let model = ResNet.resnet(depth: depth, generator: &generator)
        let s = summary(of: model, inputShape: [1, 3, size, size], depth: 1)
        totals[depth] = s.totals
        rows.append([
            "ResNet-\(depth)", "\(model.weightedLayerCount)", Format.grouped(s.totals.parameters),
            String(format: "%.2f G", Double(s.totals.multAdds) / 1e9), "\(model.featureCount)",
        ])
    }
    cell.table(
        [
            "model", "weighted layers", "parameters", "mult-adds (\(size)×\(size))",
            "features into fc",
        ], rows)
    cell.check(
        "ResNet-50 has 16 more weighted layers but under 20% more parameters than ResNet-34",
        Double(totals[50]!.parameters) < 1.2 * Double(totals[34]!.parameters))
    cell.check(
        "and under 20% more mult-adds",
        Double(totals[50]!.multAdds) < 1.2 * Double(totals[34]!.multAdds))
}

notebook.finish()
