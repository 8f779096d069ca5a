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
        """)
    // torchvision's documented parameter counts and ImageNet top-1 accuracies (IMAGENET1K_V1).
    let published: [(depth: Int, parameters: Int, top1: String)] = [
        (18, 11_689_512, "69.758"), (34, 21_797_672, "73.314"), (50, 25_557_032, "76.130"),
        (101, 44_549_160, "77.374"), (152, 60_192_808, "78.312"),
    ]
    var generator = SeededGenerator(seed: 1)
    var rows: [[String]] = []
    var allMatch = true
    for entry in published {
        let model = ResNet.resnet(depth: entry.depth, generator: &generator)
        let s = summary(of: model, inputShape: [1, 3, size, size], depth: 1)
        allMatch =
            allMatch && s.totals.parameters == entry.parameters
            && model.weightedLayerCount == entry.depth
        let block = entry.depth < 50 ? "basic" : "bottleneck"
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

notebook.finish()
