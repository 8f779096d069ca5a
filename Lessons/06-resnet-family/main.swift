// Lesson 06: the ResNet family. Every variant built and counted by our code, beside
// torchvision's published accuracies; the smoke test; the classifier head; ResNet-18's graph;
// why the CIFAR family is thin.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-06-resnet-family",
    title: "Lesson 06 · The ResNet family: from ResNet-18 to ResNet-152, and the CIFAR nets")

notebook.introduction(
    """
    A ResNet is a stem, four stages of blocks and a classifier. The stem (a 7×7 convolution \
    with stride 2 and a 3×3 max pool) shrinks a 224×224 image to 56×56; each later stage \
    halves the image and doubles the width; global average pooling and one linear layer \
    (`fc`) make the prediction. The members of the family differ only in the block and in \
    how many blocks each stage has. `ResNet.makeLayer` builds a stage, and one `ResNet` class \
    builds them all.
    """)

// MARK: - 1. The family

notebook.cell("Every variant, counted") { cell in
    let size = notebook.quick(64, full: 224)
    cell.prose(
        """
        Each model below is built by our code with 1000 classes and 3 input channels, and \
        counted by `summary(of:)` on a [1, 3, \(size), \(size)] input. The parameter counts \
        must equal torchvision's exactly; the state-dict names match too (the test suite \
        checks every key). The accuracy column is torchvision's published ImageNet top-1 for \
        its pretrained weights — cited, not measured: this course trains nothing on ImageNet.

        A figure often quoted with these nets needs its context: the 3.57% top-5 error that \
        won ILSVRC 2015 (He et al. 2015, Table 5) came from an ensemble of six models of \
        different depths, measured on the test set. No single net below reaches it; the \
        paper's best single model, ResNet-152, had 4.49% top-5 on the validation set \
        (Table 4).
        """)
    // torchvision's documented parameter counts and ImageNet top-1 accuracies (IMAGENET1K_V1).
    let published: [(depth: Int, parameters: Int, top1: String)] = [
        (18, 11_689_512, "69.758"), (34, 21_797_672, "73.314"), (50, 25_557_032, "76.130"),
        (101, 44_549_160, "77.374"), (152, 60_192_808, "78.312"),
    ]
    var generator = SeededGenerator(seed: 1)
    var rows: [[String]] = []
    var allMatch = true
    var points: [(depth: Int, parameters: Int, multAdds: Int)] = []
    for entry in published {
        let model = ResNet.resnet(depth: entry.depth, generator: &generator)
        let s = summary(of: model, inputShape: [1, 3, size, size], depth: 1)
        allMatch =
            allMatch && s.totals.parameters == entry.parameters
            && model.weightedLayerCount == entry.depth
        let block = entry.depth < 50 ? "basic" : "bottleneck"
        points.append((entry.depth, s.totals.parameters, s.totals.multAdds))
        rows.append([
            "ResNet-\(entry.depth)", block,
            model.configuration.blocksPerStage.map(String.init).joined(separator: "-"),
            "\(model.weightedLayerCount)", Format.grouped(s.totals.parameters),
            String(format: "%.2f G", Double(s.totals.multAdds) / 1e9), entry.top1 + "%",
        ])
    }
    cell.table(
        [
            "model", "block", "blocks per stage", "weighted layers", "parameters",
            "mult-adds (\(size)²)",
            "torchvision top-1 (cited)",
        ],
        rows)
    cell.check("every parameter count equals torchvision's, and every depth its name", allMatch)
    try cell.picture(
        "family-cost.png",
        caption:
            "Parameters and mult-adds against depth: the bottleneck nets grow slowly with depth"
    ) { path in
        func panel(_ title: String, _ unit: String, _ value: (Int, Int) -> Double) -> LineChart {
            var chart = LineChart(
                title: title, xLabel: "weighted layers", yLabel: unit,
                yRange: 0...(title.hasPrefix("P") ? 65 : 12),
                width: 460, height: 340)
            for (name, depths) in [("basic block", [18, 34]), ("bottleneck", [50, 101, 152])] {
                let chosen = points.filter { depths.contains($0.depth) }
                chart.add(
                    LineSeries(
                        name, x: chosen.map { Double($0.depth) },
                        y: chosen.map { value($0.parameters, $0.multAdds) }, showsMarkers: true))
            }
            return chart
        }
        let panels = ChartPanels(
            title: "The ImageNet ResNets, counted at \(size)×\(size)",
            panels: [
                panel("Parameters", "millions") { p, _ in Double(p) / 1e6 },
                panel("Mult-adds per image", "billions") { _, m in Double(m) / 1e9 },
            ])
        try panels.write(to: path)
    }
    // Cost per added layer: ResNet-18 → 34 (basic) against ResNet-50 → 152 (bottleneck).
    func slope(_ a: Int, _ b: Int, _ value: (Int, Int) -> Double) -> Double {
        let p = points.first { $0.depth == a }!
        let q = points.first { $0.depth == b }!
        return (value(q.parameters, q.multAdds) - value(p.parameters, p.multAdds)) / Double(b - a)
    }
    let parameterSlopes = (
        slope(18, 34) { p, _ in Double(p) }, slope(50, 152) { p, _ in Double(p) }
    )
    let costSlopes = (slope(18, 34) { _, m in Double(m) }, slope(50, 152) { _, m in Double(m) })
    cell.output(
        String(
            format: "per layer added: basic-block nets +%.2f M parameters and +%.3f G mult-adds, "
                + "bottleneck nets +%.2f M and +%.3f G",
            parameterSlopes.0 / 1e6, costSlopes.0 / 1e9, parameterSlopes.1 / 1e6,
            costSlopes.1 / 1e9))
    cell.check(
        "each layer added to the bottleneck nets costs fewer parameters and mult-adds than one added to the basic-block nets",
        parameterSlopes.1 < parameterSlopes.0 && costSlopes.1 < costSlopes.0)
}

// MARK: - 1b. Building the stages

notebook.cell("Building the stages") { cell in
    cell.prose(
        """
        `ResNet.init` builds the stem, then one stage per width: the first stage keeps the \
        image size, every later one starts with stride 2, and each stage's output width \
        (width × expansion) is the next one's input:
        """)
    try cell.listing("resnet-stages", in: "Sources/ResNetModels/ResNet.swift")
    cell.prose("Each stage is torchvision's `_make_layer`:")
    try cell.listing("make-layer", in: "Sources/ResNetModels/ResNet.swift")
    cell.prose(
        """
        Its arguments are labelled, so a call cannot pass the stride where the block count \
        belongs. In Python positional arguments can, and it happens in published tutorials: \
        a `create_layer(block, out_channels, stride, num_blocks)` called as \
        `create_layer(block, 128, layers[1], 2)`, the block count third and the stride \
        fourth. For ResNet-50's second stage (4 blocks, stride 2) that builds 2 blocks with \
        stride 4, and the network is no longer ResNet-50:
        """)
    var generator = SeededGenerator(seed: 5)
    func stage(blocks: Int, stride: Int) -> (Sequential, ModelSummary) {
        let layer = ResNet.makeLayer(
            .bottleneck, inputChannels: 256, channels: 128, blocks: blocks, stride: stride,
            shortcut: .b, residual: true, generator: &generator)
        return (layer, summary(of: layer, inputShape: [1, 256, 56, 56], depth: 1))
    }
    let (right, rightSummary) = stage(blocks: 4, stride: 2)
    let (swapped, swappedSummary) = stage(blocks: 2, stride: 4)
    cell.table(
        ["ResNet-50's layer2", "blocks", "output for [1, 256, 56, 56]", "parameters"],
        [
            [
                "blocks: 4, stride: 2", "\(right.modules.count)",
                Format.shape(rightSummary.outputShape),
                Format.grouped(rightSummary.totals.parameters),
            ],
            [
                "arguments swapped", "\(swapped.modules.count)",
                Format.shape(swappedSummary.outputShape),
                Format.grouped(swappedSummary.totals.parameters),
            ],
        ])
    cell.check(
        "the swapped stage is not ResNet-50's: half the blocks, and a 14×14 output instead of 28×28",
        right.modules.count == 4 && swapped.modules.count == 2
            && rightSummary.outputShape == [1, 512, 28, 28]
            && swappedSummary.outputShape == [1, 512, 14, 14])
}

// MARK: - 1c. The sizes

notebook.cell("224 → 7: the sizes, worked out") { cell in
    cell.prose(
        """
        A convolution or pooling with kernel k, stride s and padding p turns a side of n \
        pixels into ⌊(n + 2p − k) / s⌋ + 1. Through ResNet-18, for a 224×224 image (every \
        later stage's first block is a 3×3 convolution with stride 2 and padding 1, and its \
        1×1 projection with stride 2 and no padding lands on the same size):
        """)
    func out(_ n: Int, k: Int, s: Int, p: Int) -> Int { (n + 2 * p - k) / s + 1 }
    let steps: [(name: String, k: Int, s: Int, p: Int)] = [
        ("conv1", 7, 2, 3), ("maxpool", 3, 2, 1), ("layer1.0.conv1", 3, 1, 1),
        ("layer2.0.conv1", 3, 2, 1), ("layer3.0.conv1", 3, 2, 1), ("layer4.0.conv1", 3, 2, 1),
    ]
    var generator = SeededGenerator(seed: 6)
    let model = ResNet.resnet18(generator: &generator)
    let traced = summary(of: model, inputShape: [1, 3, 224, 224], depth: 4)
    var n = 224
    var rows: [[String]] = []
    var agree = true
    for step in steps {
        let next = out(n, k: step.k, s: step.s, p: step.p)
        let measured = traced.rows.first { $0.name == step.name }?.outputShape.last ?? -1
        agree = agree && measured == next
        rows.append([
            step.name, "k \(step.k), s \(step.s), p \(step.p)",
            "⌊(\(n) + \(2 * step.p) − \(step.k)) / \(step.s)⌋ + 1 = \(next)", "\(measured)",
        ])
        n = next
    }
    let pooled = traced.rows.first { $0.name == "avgpool" }?.outputShape ?? []
    rows.append(["avgpool", "adaptive, output 1×1", "7 × 7 → 1 × 1", Format.shape(pooled)])
    cell.table(["layer", "kernel, stride, padding", "output side", "traced"], rows)
    cell.check(
        "the formula gives every size the forward pass produced: 112, 56, 56, 28, 14, 7",
        agree && n == 7)
    cell.prose(
        """
        The last step is why the same network takes images of any size. `AdaptiveAvgPool2d` \
        is told the output it must produce (1×1) and averages whatever the last stage hands \
        it, 7×7 here; a fixed 7×7 average pool, as torchvision's first ResNet code had, gives \
        1×1 only for 224-pixel inputs. With the adaptive one `fc` always receives 512 features:
        """)
    model.eval()
    var sizeRows: [[String]] = []
    var allTen = true
    for side in notebook.quick([64, 100, 160], full: [64, 100, 160, 320]) {
        let x = Tensor.randn([1, 3, side, side], generator: &generator)
        let s = summary(of: model, inputShape: x.shape, depth: 1)
        let layer4 = s.rows.first { $0.name == "layer4" }?.outputShape ?? []
        let logits = s.outputShape
        allTen = allTen && logits == [1, 1000]
        sizeRows.append([
            "\(side)×\(side)", Format.shape(layer4), Format.shape(logits),
        ])
    }
    cell.table(["input", "layer4's output", "logits"], sizeRows)
    cell.check("every input size gives [1, 1000] logits", allTen)
}

// MARK: - 2. The smoke test and the head

notebook.cell("The smoke test, and the classifier head") { cell in
    cell.prose(
        """
        The quickest check that a network is wired right: push a batch through and look at \
        the shape that comes out. With `classes: 10`, two 224×224 RGB images must give two \
        rows of ten logits. The last layer, `fc`, is a `Linear` whose input size is the width \
        of the last stage times the block's expansion: 512 for ResNet-18 and -34, 2048 for the \
        bottleneck models. Replacing `fc` is how a pretrained network is given a new task \
        (lesson 09).
        """)
    var generator = SeededGenerator(seed: 2)
    let model = ResNet.resnet18(classes: 10, generator: &generator)
    model.eval()
    let x = Tensor.randn([2, 3, 224, 224], generator: &generator)
    let y = Tensor.withoutGrad { model(x) }
    let fc = model.fc as! Linear
    let resnet50 = ResNet.resnet50(classes: 10, generator: &generator)
    let fc50 = resnet50.fc as! Linear
    cell.output(
        "resnet18(classes: 10): \(Format.shape(x.shape)) → \(Format.shape(y.shape))\n"
            + "resnet18.fc: Linear(inputFeatures: \(fc.inputFeatures), outputFeatures: \(fc.outputFeatures))\n"
            + "resnet50.fc: Linear(inputFeatures: \(fc50.inputFeatures), outputFeatures: \(fc50.outputFeatures))"
    )
    cell.check("[2, 3, 224, 224] → [2, 10]", y.shape == [2, 10])
    cell.check(
        "fc maps 512 features (ResNet-18) and 2048 (ResNet-50) to 10 classes",
        fc.inputFeatures == 512 && fc50.inputFeatures == 2048 && fc.outputFeatures == 10)
}

// MARK: - 3. The graph

notebook.cell("ResNet-18, drawn block by block") { cell in
    cell.prose(
        """
        One box per block. The red path on the right is the chain of shortcuts: a bare edge \
        where a block keeps its shape, a labelled 1×1 projection where a stage begins. A \
        gradient can travel the whole red path from the loss to the stem.
        """)
    var generator = SeededGenerator(seed: 3)
    let model = ResNet.resnet18(generator: &generator)
    try cell.picture("resnet18.svg", caption: "ResNet-18 at block level, input [1, 3, 224, 224]") {
        path in
        try ModelGraph.write(for: model, inputShape: [1, 3, 224, 224], level: .block, to: path)
    }
    let graph = ModelGraph.dot(for: model, level: .block)
    let skips = graph.edges.filter { $0.attributes["class"] == "skip" }.count
    cell.check("one skip edge per block: 8 in ResNet-18", skips == 8, "\(skips) skip edges")
}

// MARK: - 4. The CIFAR family

notebook.cell("Why the CIFAR ResNets are thin") { cell in
    cell.prose(
        """
        For 32×32 images He et al. (2015, section 4.2) built a different family: a 3×3 stem \
        with no pooling, three stages of widths 16, 32 and 64, and n basic blocks per stage, \
        6n + 2 layers in all. Tutorials often reuse the ImageNet widths (64 to 512) on CIFAR \
        instead; the table shows what that costs. The thin nets are the paper's, and the \
        ablation of lesson 08 uses the same widths.
        """)
    var generator = SeededGenerator(seed: 4)
    var rows: [[String]] = []
    var counts: [Int: Int] = [:]
    for depth in [20, 32, 44, 56, 110] {
        let model = ResNet.cifar(depth: depth, generator: &generator)
        let s = summary(of: model, inputShape: [1, 3, 32, 32], depth: 1)
        counts[depth] = s.totals.parameters
        rows.append([
            "CIFAR ResNet-\(depth)", "16-32-64", "\(model.weightedLayerCount)",
            Format.grouped(s.totals.parameters),
            String(format: "%.1f M", Double(s.totals.multAdds) / 1e6),
        ])
    }
    let wide = ResNet(
        ResNet.Configuration(
            block: .basic, blocksPerStage: [2, 2, 2, 2], stageWidths: [64, 128, 256, 512],
            stem: .cifar,
            classes: 10),
        generator: &generator)
    let wideSummary = summary(of: wide, inputShape: [1, 3, 32, 32], depth: 1)
    rows.append([
        "ResNet-18 widths on CIFAR", "64-128-256-512", "\(wide.weightedLayerCount)",
        Format.grouped(wideSummary.totals.parameters),
        String(format: "%.1f M", Double(wideSummary.totals.multAdds) / 1e6),
    ])
    cell.table(["model", "widths", "weighted layers", "parameters", "mult-adds (32²)"], rows)
    cell.check(
        "the paper's ResNet-20 and ResNet-56 have 269,722 and 853,018 parameters",
        counts[20] == 269_722 && counts[56] == 853_018)
    cell.check(
        "the ImageNet-width net has over 40× the parameters of ResNet-20",
        wideSummary.totals.parameters > 40 * counts[20]!,
        "\(Format.grouped(wideSummary.totals.parameters)) vs \(Format.grouped(counts[20]!))")
}

notebook.exercises(lesson: 6)

notebook.finish()
