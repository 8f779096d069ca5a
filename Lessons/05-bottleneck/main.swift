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
        stride 2 would simply skip three quarters of the pixels. The layers, as the library \
        builds them:
        """)
    try cell.listing("bottleneck-layers", in: "Sources/ResNetModels/Bottleneck.swift")
    try cell.listing("bottleneck-forward", in: "Sources/ResNetModels/Bottleneck.swift")
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
    try cell.picture(
        "bottleneck.png",
        caption:
            "Bottleneck(256 → 64 → 256): the channels narrow to 64 for the 3×3, then widen again"
    ) { path in
        try ModelGraph.write(
            for: block, inputShape: [1, 256, 14, 14], level: .layer,
            title: "Bottleneck: 1×1 (256 → 64), 3×3 (64 → 64), 1×1 (64 → 256), + x", to: path)
    }
}

// MARK: - 2. Counting

notebook.cell("Parameters and mult-adds, counted") { cell in
    cell.prose(
        """
        He et al. (2015, Figure 5) draw the two blocks side by side as they are used: a basic \
        block on 64 channels (ResNet-34's first stage) beside a bottleneck on 256 (ResNet-50's), \
        and say the two have similar time complexity. Below, each maps a 56×56 image of its own \
        width to the same shape. `summary(of:)` runs one forward pass with hooks on every \
        layer and counts, for each convolution, K·C·R·S multiply-adds per output pixel (and, \
        as torchinfo does, one per parameter per image for batch norm, a rounding error here).
        """)
    var generator = SeededGenerator(seed: 2)
    let basic = BasicBlock(inputChannels: 64, channels: 64, generator: &generator)
    let bottleneck = Bottleneck(inputChannels: 256, channels: 64, generator: &generator)
    let wideBasic = BasicBlock(inputChannels: 256, channels: 256, generator: &generator)
    let basicSummary = summary(of: basic, inputShape: [1, 64, 56, 56])
    let bottleneckSummary = summary(of: bottleneck, inputShape: [1, 256, 56, 56])
    let wideSummary = summary(of: wideBasic, inputShape: [1, 256, 56, 56])
    cell.output(bottleneckSummary.description)
    let b = basicSummary.totals
    let n = bottleneckSummary.totals
    let w = wideSummary.totals
    func row(_ name: String, _ t: SummaryTotals, _ layers: Int, _ io: String) -> [String] {
        [name, io, Format.grouped(t.parameters), millions(t.multAdds), "\(layers)"]
    }
    cell.table(
        ["block", "channels in and out", "parameters", "mult-adds (56×56)", "weighted layers"],
        [
            row("BasicBlock 64 → 64", b, basic.weightedLayerCount, "64"),
            row("Bottleneck 256 → 64 → 256", n, bottleneck.weightedLayerCount, "256"),
            row("BasicBlock 256 → 256", w, wideBasic.weightedLayerCount, "256"),
        ])
    // By hand: 2 × (64·64·9) weights + 2 BNs × 2 × 64; 256·64 + 64·64·9 + 64·256 + BNs.
    let basicByHand = 2 * 64 * 64 * 9 + 2 * 2 * 64
    let bottleneckByHand = 256 * 64 + 64 * 64 * 9 + 64 * 256 + 2 * (64 + 64 + 256)
    cell.check(
        "the parameter counts match the hand formulas (\(Format.grouped(basicByHand)) and \(Format.grouped(bottleneckByHand)))",
        b.parameters == basicByHand && n.parameters == bottleneckByHand)
    func convolutionMultAdds(_ s: ModelSummary) -> Int {
        s.rows.filter { $0.typeName == "Conv2d" }.reduce(0) { $0 + $1.multAdds }
    }
    cell.check(
        "the convolutions' mult-adds per pixel match too: 2·9·64² = 73,728 vs 256·64 + 9·64² + 64·256 = 69,632",
        convolutionMultAdds(basicSummary) == 56 * 56 * 2 * 9 * 64 * 64
            && convolutionMultAdds(bottleneckSummary) == 56 * 56
                * (256 * 64 + 9 * 64 * 64 + 64 * 256)
    )
    let costRatio = Double(n.multAdds) / Double(b.multAdds)
    cell.check(
        "as Figure 5 says, the two cost about the same: the bottleneck's mult-adds within 10% of the basic block's",
        abs(costRatio - 1) < 0.1, String(format: "%.2f×", costRatio))
    cell.prose(
        """
        So the bottleneck is not a cheaper block; it is a way to carry a representation four \
        times wider (256 channels instead of 64) between blocks for the price of the narrow \
        one. A basic block at that full width, the last row, would cost \
        \(String(format: "%.1f", Double(w.multAdds) / Double(n.multAdds)))× the bottleneck's \
        mult-adds: that is the saving the 1×1 convolutions buy.
        """)
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

// MARK: - 4. 3.8 or 4.1 billion

notebook.cell("3.8 or 4.1 billion: where the stride goes") { cell in
    cell.prose(
        """
        He et al. (2015, Table 1) give ResNet-50 3.8 × 10⁹ FLOPs (they count multiply-adds), \
        while torchvision's ResNet-50 is usually quoted at 4.1 G. Both are right; they are two \
        nets. The paper's bottleneck (v1) strides in its first 1×1 convolution; torchvision's \
        (v1.5, the one built so far) strides in the 3×3. The 3×3's output is halved either \
        way, but in v1.5 the first 1×1 of each stage's first block (stages 2 to 4) runs on the \
        full-size input, four times as many pixels. Counted on both, 224×224, 1000 classes:
        """)
    var generator = SeededGenerator(seed: 4)
    var rows: [[String]] = []
    var multAdds: [BottleneckStride: Int] = [:]
    var firstConv: [BottleneckStride: Int] = [:]
    for stride in [BottleneckStride.onFirstConv1x1, .onConv3x3] {
        var configuration = ResNet.Configuration.resnet(depth: 50)
        configuration.bottleneckStride = stride
        let model = ResNet(configuration, generator: &generator)
        let s = summary(of: model, inputShape: [1, 3, 224, 224], depth: 3)
        multAdds[stride] = s.totals.multAdds
        // conv1 of block 0 in layer2, layer3 and layer4: the convolutions that move.
        firstConv[stride] = s.rows.filter {
            ["layer2.0.conv1", "layer3.0.conv1", "layer4.0.conv1"].contains($0.name)
        }.reduce(0) { $0 + $1.multAdds }
        rows.append([
            stride == .onConv3x3
                ? "v1.5 (torchvision): stride on the 3×3"
                : "v1 (the paper): stride on the first 1×1",
            String(format: "%.2f G", Double(s.totals.multAdds) / 1e9),
            String(format: "%.3f G", Double(firstConv[stride]!) / 1e9),
        ])
    }
    cell.table(["ResNet-50", "mult-adds", "in the three strided blocks' conv1"], rows)
    let difference = multAdds[.onConv3x3]! - multAdds[.onFirstConv1x1]!
    let v1 = Double(multAdds[.onFirstConv1x1]!) / 1e9
    let v15 = Double(multAdds[.onConv3x3]!) / 1e9
    cell.check(
        "v1 counts between 3.8 and 3.9 G (Table 1's 3.8 is this, cut to one decimal) and v1.5 4.1 G to one decimal",
        v1 >= 3.8 && v1 < 3.9 && String(format: "%.1f", v15) == "4.1",
        String(format: "%.2f G and %.2f G", v1, v15))
    cell.check(
        "the whole difference is those three 1×1 convolutions, each 4× dearer in v1.5",
        difference == firstConv[.onConv3x3]! - firstConv[.onFirstConv1x1]!
            && firstConv[.onConv3x3]! == 4 * firstConv[.onFirstConv1x1]!,
        String(format: "%.3f G", Double(difference) / 1e9))
}

notebook.exercises(lesson: 5)

notebook.finish()
