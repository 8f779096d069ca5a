// Lesson 09: fine-tuning. A ResNet pre-trained on five Fashion-MNIST classes is reused for the
// other five with 50 labelled images per class: from scratch, frozen features with a new
// head, and three ways of unfreezing (two phases, rates per stage, stage by stage); then how far
// up the features transfer: the first n stages copied, frozen or fine-tuned.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-09-fine-tuning",
    title: "Lesson 09 · Fine-tuning: a pre-trained backbone, a new head, few labels",
    extras: [
        .init(
            "--weights", value: "FILE",
            help: "start from these weights instead of the lesson's own pre-training: a "
                + "torchvision ImageNet ResNet exported by Docs/pretrained/export_torchvision.py"),
        .init(
            "--model", value: "NAME",
            help: "the architecture of --weights (default resnet18; resnet34, resnet50, ...)"),
    ])

/// torchvision's weights, when the student gave some: the file and the model it holds.
let imagenet: (path: String, model: String)? = notebook.value(of: "--weights").map {
    ($0, notebook.value(of: "--model") ?? "resnet18")
}

notebook.introduction(
    """
    Training a ResNet from scratch takes many labelled images. Fine-tuning starts instead \
    from a network trained on another task and adapts it. The usual source is ImageNet; with \
    no internet here, the pre-training is our own: a ResNet learns five Fashion-MNIST classes \
    (tops, trousers, pullovers, dresses, coats), and is then reused for the other five \
    (sandals, shirts, sneakers, bags, ankle boots), with only 50 labelled images of each. \
    With `--weights resnet18.safetensors`, torchvision's ImageNet weights exported by \
    `Docs/pretrained/export_torchvision.py` replace the pre-training.
    """)

/// The pre-training and transfer sets, and the transforms every image goes through: the
/// pre-training images' statistics, or for ImageNet weights a resize and ImageNet's.
struct Tasks {
    let pretrain: Dataset
    let transfer: Dataset
    /// Other labelled images of the transfer classes, for choosing scratch's learning rate.
    let validation: Dataset
    let transferTest: Dataset
    let transforms: [Transform]
}

/// The network fine-tuned, for `classes` outputs and one input channel: the small four-stage
/// ResNet of lesson 11, or the architecture of the ImageNet weights.
func makeNet(classes: Int, seed: UInt64) throws -> ResNet {
    var generator = SeededGenerator(seed: seed)
    if let imagenet {
        return try ResNet.named(
            imagenet.model, classes: classes, inputChannels: 1, generator: &generator)
    }
    return ResNet(.fourStage(classes: classes), generator: &generator)
}

/// Accuracy of `model` on `data`, in eval mode; the model is left in training mode.
func accuracy(_ model: ResNet, _ data: Dataset, _ transforms: [Transform]) -> Double {
    model.eval()
    defer { model.train() }
    return classificationAccuracy(of: model.callAsFunction, on: data, transforms: transforms)
}

let tasks = notebook.cell("Two tasks from one data set") { cell -> Tasks in
    let train = try FashionMNIST.load(split: .train)
    let test = try FashionMNIST.load(split: .test)
    let pretrain = train.selecting(
        classes: [0, 1, 2, 3, 4], perClass: notebook.quick(400, full: 2000), name: "pre-training")
    let transfer = train.subset(Array(30_000..<60_000)).selecting(
        classes: [5, 6, 7, 8, 9], perClass: 50, name: "transfer")
    let transferTest = test.selecting(
        classes: [5, 6, 7, 8, 9], perClass: 200, name: "transfer test")
    let validation = train.subset(Array(0..<30_000)).selecting(
        classes: [5, 6, 7, 8, 9], perClass: 100, name: "validation")
    let (mean, std) = pretrain.channelStatistics()
    // ImageNet's statistics, averaged over the channels (the gray image stands for all
    // three), and 56×56 images: at 28×28 the ImageNet stem leaves layer4 a 1×1 map.
    let transforms: [Transform] =
        imagenet == nil
        ? [.normalize(mean: mean, std: std)]
        : [.resize(height: 56, width: 56), .normalize(mean: [0.449], std: [0.226])]
    cell.table(
        ["set", "classes", "images"],
        [
            [
                imagenet == nil ? "pre-training" : "pre-training (unused: ImageNet weights)",
                pretrain.classNames.joined(separator: ", "),
                Format.grouped(pretrain.count),
            ],
            [
                "transfer (labelled)", transfer.classNames.joined(separator: ", "),
                Format.grouped(transfer.count),
            ],
            [
                "validation (to tune scratch)", validation.classNames.joined(separator: ", "),
                Format.grouped(validation.count),
            ],
            [
                "transfer test", transferTest.classNames.joined(separator: ", "),
                Format.grouped(transferTest.count),
            ],
        ])
    cell.check(
        "the transfer task has 50 labelled images of each of its 5 classes, none of the pre-training classes",
        transfer.classCounts() == [50, 50, 50, 50, 50]
            && Set(transfer.classNames).isDisjoint(with: pretrain.classNames))
    return Tasks(
        pretrain: pretrain, transfer: transfer, validation: validation,
        transferTest: transferTest, transforms: transforms)
}

// MARK: - 2. Pre-training

/// torchvision's ImageNet network from `path`, its stem ported to one channel.
func loadImageNet(_ path: String, model name: String, into cell: Cell) throws -> ResNet {
    var generator = SeededGenerator(seed: 9)
    let model = try ResNet.named(name, generator: &generator)
    do {
        try model.loadWeights(from: path)
    } catch let error as StateDictError {
        throw NotebookError.badArgument(
            "--weights \(path) does not hold --model \(name) (give the --model it was exported "
                + "for: resnet18, resnet34, resnet50, resnet101 or resnet152): \(error)")
    }
    let count = model.parameterCount
    model.grayscaleStem(.sum)
    cell.output(
        """
        \(name) loaded from \(path): \(Format.grouped(count)) parameters, every tensor of \
        the model found in the file
        conv1 ported to one channel (the sum of its RGB filters: lesson 10); images resized \
        to 56×56 and normalised with ImageNet's mean and std averaged over the channels
        """)
    return model
}

let pretrained = notebook.cell(
    imagenet == nil ? "Pre-training on the first five classes" : "ImageNet weights",
    using: tasks
) { cell, tasks -> ResNet in
    if let imagenet { return try loadImageNet(imagenet.path, model: imagenet.model, into: cell) }
    let model = try makeNet(classes: 5, seed: 9)
    let loader = DataLoader(tasks.pretrain, batchSize: 64, seed: 2, transforms: tasks.transforms)
    let optimizer = try SGD(
        groups: ParameterGroup.decayingWeightsOnly(
            model.namedParameters(), weightDecay: 5e-4),
        learningRate: 0.05, momentum: 0.9)
    for epoch in 0..<2 {
        for batch in loader.epoch(epoch) {
            optimizer.zeroGrad()
            crossEntropy(logits: model(batch.images), targets: batch.labels).backward()
            optimizer.step()
        }
    }
    let pretrainTest = try FashionMNIST.load(split: .test).selecting(
        classes: [0, 1, 2, 3, 4], perClass: 200, name: "pre-training test")
    let score = accuracy(model, pretrainTest, tasks.transforms)
    cell.output(
        "two passes over \(Format.grouped(tasks.pretrain.count)) images: \(Format.fixed(100 * score, 1))% "
            + "on 1,000 test images of the same five classes")
    // Quick mode's 64 steps leave the running batch-norm statistics young, and its score
    // swings by 15 points with the rounding of one kernel (70.4% and 55.4% from the same
    // seed before and after Winograd's weight gradient); it checks for learning, not for
    // the full run's level.
    let threshold = notebook.quick(40, full: 70)
    cell.check(
        "the backbone learned its task: over \(threshold)% on its own classes (chance is 20%)",
        100 * score > Double(threshold))
    return model
}

// MARK: - 3. A new head

notebook.cell("A new head, and what is frozen", using: pretrained) { cell, model in
    cell.prose(
        """
        The new task has its own five classes, so the classifier `fc` is replaced by a fresh \
        `Linear(\(model.configuration.featureCount) → 5)`; everything before it, the \
        backbone, keeps its weights. Freezing \
        is by module path: a misspelt path is an error listing the real ones, where \
        PyTorch's `p.requiers_gard = False` would quietly freeze nothing.
        """)
    let copy = try makeNet(classes: model.configuration.classes, seed: 9)
    try copy.loadStateDict(model.stateDict())
    var generator = SeededGenerator(seed: 3)
    copy.replaceClassifier(classes: 5, generator: &generator)
    copy.freeze { !$0.hasPrefix("fc.") }
    var message = ""
    do { try copy.unfreeze("layer5") } catch { message = "\(error)" }
    cell.output(
        """
        trainable: \(Format.grouped(copy.trainableParameterCount)) of \
        \(Format.grouped(copy.parameterCount)) parameters (fc only)
        unfreeze("layer5"): \(message.prefix(110))…
        """)
    let head = copy.configuration.featureCount * 5 + 5
    cell.check(
        "after the swap the backbone (stem, stages and batch-norm statistics) is the pre-trained net's, and only fc's \(Format.grouped(head)) parameters train",
        backboneState(copy) == backboneState(model) && copy.trainableParameterCount == head)
    cell.check(
        "a path that names no module is refused", message.contains("no module at \"layer5\""))
}

// MARK: - 4. Strategies

/// One fine-tuning run: `epochs` passes over the labelled transfer images; `prepare(epoch,
/// model)` may freeze, unfreeze or set modes before each epoch. Returns the test accuracy
/// after every epoch (`everyEpoch`) or after the last one only, and the model.
func fineTune(
    _ tasks: Tasks, start: ResNet?, epochs: Int, seed: UInt64 = 0, on evaluation: Dataset? = nil,
    everyEpoch: Bool = true,
    groups: (ResNet) -> [ParameterGroup], prepare: (Int, ResNet) throws -> Void = { _, _ in }
) throws -> (curve: [Double], model: ResNet) {
    let model = try makeNet(classes: 5, seed: 21 + 1000 * seed)
    if let start {
        try model.loadStateDict(
            start.stateDict().filter { !$0.name.hasPrefix("fc.") }, strict: false)
    }
    let optimizer = try SGD(groups: groups(model), learningRate: 0.05, momentum: 0.9)
    let loader = DataLoader(
        tasks.transfer, batchSize: 25, seed: 4 + seed, transforms: tasks.transforms)
    var curve: [Double] = []
    for epoch in 0..<epochs {
        model.train()
        try prepare(epoch, model)
        for batch in loader.epoch(epoch) {
            optimizer.zeroGrad()
            crossEntropy(logits: model(batch.images), targets: batch.labels).backward()
            optimizer.step()
        }
        if everyEpoch || epoch == epochs - 1 {
            curve.append(accuracy(model, evaluation ?? tasks.transferTest, tasks.transforms))
        }
    }
    return (curve, model)
}

/// Every tensor of `net` but the classifier's: weights and batch-norm statistics, stem
/// included.
func backboneState(_ net: ResNet) -> [[Float]] {
    net.stateDict().filter { !$0.name.hasPrefix("fc.") }.map(\.tensor.data)
}

/// B's learning rates, stem and layer1 first, then layer2, layer3 and layer4 (the head at
/// 0.05); the lowest and highest rates any strategy of section 4 gives a copied stage.
let perStageRates = [0.0025, 0.005, 0.01, 0.02]

/// Groups by stage: the stem with layer1 at `rates[0]`, each later layer at its own rate, fc
/// at `head`. Within each, as in every other run of this lesson, weight decay falls on the
/// weights (rank 2 or more) only, not on biases or batch norm's scales and shifts.
func stageGroups(_ model: ResNet, rates: [Double], head: Double) -> [ParameterGroup] {
    let stem = (model.conv1.parameters + (model.bn1?.parameters ?? []))
    let stages = [stem + model.layers[0].parameters] + model.layers.dropFirst().map(\.parameters)
    return zip(stages + [model.fc.parameters], rates + [head]).flatMap { parameters, rate in
        [
            ParameterGroup(
                parameters.filter { $0.shape.count >= 2 }, learningRate: rate, weightDecay: 5e-4),
            ParameterGroup(
                parameters.filter { $0.shape.count < 2 }, learningRate: rate, weightDecay: 0),
        ].filter { !$0.parameters.isEmpty }
    }
}

/// Scratch's tuned learning rate and its final test accuracy in each seed, for the next cell.
struct ScratchBaseline {
    let rate: Double
    let seeds: [UInt64]
    let finals: [Double]
    /// Frozen features' final accuracies, seed by seed.
    let frozenFeatures: [Double]
}

let baseline = notebook.cell("Five ways to use 250 labels", using: tasks) {
    cell, tasks -> ScratchBaseline in
    guard let backbone = pretrained else { throw NotebookError.missingInput(cell: "strategies") }
    let epochs = notebook.quick(4, full: 12)
    let seeds: [UInt64] = notebook.quick([0], full: [0, 1, 2])
    let scratchRates = notebook.quick([0.05], full: [0.02, 0.05, 0.1, 0.2])
    cell.prose(
        """
        Every run trains for \(epochs) passes over the 250 labelled images (batches of 25, SGD \
        with momentum 0.9), with a new head, and is measured on 1,000 test images of the new \
        classes after each pass:

        - **scratch**: random weights, everything trains, at the learning rate that scored \
        best on the validation images among \(scratchRates.map { "\($0)" }.joined(separator: ", ")) \
        (a baseline gets its own tuning, or the comparison flatters transfer);
        - **frozen features**: the pre-trained backbone frozen (batch norm in eval mode too), \
        only the head trains: the pre-trained layers as a fixed feature extractor, the \
        setting in which Yosinski et al. (2014, "How transferable are features in deep \
        neural networks?", section 4.1 and Figure 2: AnB against AnB+) found that \
        fine-tuning the copied layers does better;
        - **A, two phases**: the head alone for the first half, then everything, the backbone \
        at a tenth of the head's rate;
        - **B, rates per stage**: everything trains from the start, each stage at its own rate, \
        from 0.0025 for the stem and layer1 up to 0.05 for the head (the discriminative \
        fine-tuning of Howard and Ruder 2018, "Universal Language Model Fine-tuning for \
        Text Classification", section 3.2, where the rate is divided by 2.6 per layer down \
        a language model and also varied over time; ours divides it by 2.5 from the head to \
        layer4, then halves it per stage, the stem sharing layer1's rate, and keeps it fixed);
        - **C, gradual unfreezing**: the head first, then layer4, layer3 and so on, one more \
        stage every few passes (their section 3.3 opens one more layer every epoch).

        Each strategy runs with \(seeds.count) seed\(seeds.count > 1 ? "s" : "") (the new \
        head's weights and the order of the batches; the pre-trained backbone is the same), \
        and every comparison with scratch is made seed by seed. B is the strategy this lesson \
        recommends. It was picked after an earlier version of this lesson, run with seed 0 \
        alone, where B scored best: seed 0 therefore does not test the choice, and the seeds \
        added since do. Its comparison with scratch is the one checked.
        """)
    func all(_ rate: Double) -> (ResNet) -> [ParameterGroup] {
        {
            ParameterGroup.decayingWeightsOnly(
                $0.namedParameters(), learningRate: rate, weightDecay: 5e-4)
        }
    }
    // Scratch's own learning rate, chosen on the validation images (seed 0).
    // With one rate to choose from (--quick) there is nothing to tune.
    let validationScores =
        scratchRates.count == 1
        ? [0]
        : try scratchRates.map { rate in
            try fineTune(
                tasks, start: nil, epochs: epochs, on: tasks.validation, everyEpoch: false,
                groups: all(rate)
            ).curve.last!
        }
    let scratchRate = scratchRates[
        validationScores.indices.max { validationScores[$0] < validationScores[$1] }!]
    if scratchRates.count > 1 {
        cell.table(
            ["scratch's learning rate", "validation accuracy after \(epochs) passes"],
            zip(scratchRates, validationScores).map {
                ["\($0.0)", Format.fixed(100 * $0.1, 1) + "%"]
            })
        // A rate that scores below both its neighbours says how noisy one run per rate is.
        let dips = scratchRates.indices.dropFirst().dropLast().filter {
            validationScores[$0] < min(validationScores[$0 - 1], validationScores[$0 + 1])
        }
        func accuracy(_ i: Int) -> String { Format.fixed(100 * validationScores[i], 1) + "%" }
        let dipNote =
            dips.isEmpty
            ? ""
            : " The scores are not a smooth curve: \(Format.list(dips.map { "\(scratchRates[$0]) (\(accuracy($0)))" })) scored below both \(dips.count == 1 ? "its" : "their") neighbours."
        // The chosen rate's margin over the runner-up, against one score's standard error.
        let chosen = scratchRates.firstIndex(of: scratchRate)!
        let runnerUp = scratchRates.indices.filter { $0 != chosen }
            .max { validationScores[$0] < validationScores[$1] }!
        let margin = validationScores[chosen] - validationScores[runnerUp]
        let best = validationScores[chosen]
        let validationError = (best * (1 - best) / Double(tasks.validation.count)).squareRoot()
        let edge =
            scratchRate == scratchRates.last
            ? " The winner is the largest rate tried: a larger one might have scored higher still."
            : scratchRate == scratchRates.first
                ? " The winner is the smallest rate tried: a smaller one might have scored higher still."
                : ""
        cell.prose(
            """
            Each rate is one run (seed 0) scored on \(tasks.validation.count) validation \
            images, so the choice is the best of \(scratchRates.count) draws, not the top of a \
            measured curve: \(scratchRate) beat the runner-up, \(scratchRates[runnerUp]), by \
            \(Format.fixed(100 * margin, 1)) points (\(Int((margin * Double(tasks.validation.count)).rounded())) \
            images), where one score near \(accuracy(chosen)) has a standard error of about \
            \(Format.fixed(100 * validationError, 1)) points.\(dipNote)\(edge)
            """)
    }

    var results: [(name: String, curves: [[Double]], trainable: Int)] = [
        ("scratch", [], 0), ("frozen features", [], 0), ("A, two phases", [], 0),
        ("B, rates per stage", [], 0), ("C, gradual unfreezing", [], 0),
    ]
    var frozenStayed = true
    let stages = ["layer4", "layer3", "layer2", "layer1"]
    for seed in seeds {
        let scratch = try fineTune(
            tasks, start: nil, epochs: epochs, seed: seed, groups: all(scratchRate))
        var frozenBackbone: [[Float]] = []
        let frozen = try fineTune(
            tasks, start: backbone, epochs: epochs, seed: seed, groups: all(0.05)
        ) { epoch, model in
            if epoch == 0 {
                model.freeze { !$0.hasPrefix("fc.") }
                frozenBackbone = backboneState(model)
            }
            model.evalBatchNorms()
        }
        frozenStayed =
            frozenStayed && backboneState(frozen.model) == frozenBackbone
        let twoPhases = try fineTune(
            tasks, start: backbone, epochs: epochs, seed: seed,
            groups: { stageGroups($0, rates: [0.005, 0.005, 0.005, 0.005], head: 0.05) }
        ) { epoch, model in
            if epoch == 0 { model.freeze { !$0.hasPrefix("fc.") } }
            if epoch == epochs / 2 {
                model.freeze { _ in false }
                try model.unfreeze("")
            }
            if epoch < epochs / 2 { model.evalBatchNorms() }
        }
        let perStage = try fineTune(
            tasks, start: backbone, epochs: epochs, seed: seed,
            groups: { stageGroups($0, rates: perStageRates, head: 0.05) })
        let gradual = try fineTune(
            tasks, start: backbone, epochs: epochs, seed: seed,
            groups: { stageGroups($0, rates: [0.01, 0.01, 0.01, 0.01], head: 0.05) }
        ) { epoch, model in
            if epoch == 0 { model.freeze { !$0.hasPrefix("fc.") } }
            let opened = min(stages.count, epoch * (stages.count + 1) / epochs)
            for stage in stages.prefix(opened) { try model.unfreeze(stage) }
            if opened == stages.count { try model.unfreeze("conv1", "bn1") }
        }
        for (index, run) in [scratch, frozen, twoPhases, perStage, gradual].enumerated() {
            results[index].curves.append(run.curve)
            results[index].trainable = run.model.trainableParameterCount
        }
    }

    let scratchFinals = results[0].curves.map(\.last!)
    func versusScratch(_ index: Int) -> PairedDifference {
        PairedDifference(
            seeds: seeds, values: zip(results[index].curves.map(\.last!), scratchFinals).map(-))
    }
    cell.table(
        [
            "strategy", "trainable at the end", "after 1 pass (mean)",
            "after \(epochs), seed \(seeds.map(String.init).joined(separator: ", "))",
            "mean ± sd", "minus scratch, seed by seed",
        ],
        results.indices.map { index in
            let result = results[index]
            let finals = result.curves.map(\.last!)
            return [
                result.name + (index == 0 ? " (rate \(scratchRate))" : ""),
                Format.grouped(result.trainable),
                Format.fixed(100 * MeanStd(result.curves.map { $0[0] }).mean, 1) + "%",
                finals.map { Format.fixed(100 * $0, 1) + "%" }.joined(separator: ", "),
                MeanStd(finals).percent,
                index == 0 ? "" : versusScratch(index).points,
            ]
        })
    try cell.picture(
        "strategies.png",
        caption: "Test accuracy on the new classes after each pass, mean over seeds"
    ) { path in
        var chart = LineChart(
            title: "Fine-tuning with 50 labels per class", xLabel: "pass over the 250 images",
            yLabel: "test accuracy (%)", yRange: 0...100)
        // Frozen features last, so that its curve is drawn over A's where the two are one run.
        for result in results.dropFirst(2) + results.prefix(2) {
            let columns = MeanStd.columns(result.curves)
            chart.add(
                LineSeries(
                    result.name, x: (1...epochs).map(Double.init),
                    y: columns.map { 100 * $0.mean },
                    style: result.name == "scratch" ? .dashed : .solid, showsMarkers: true))
        }
        try chart.write(to: path, scale: 2)
    }
    // A's first half is frozen features' run (the same head, groups, batches and eval-mode
    // batch norm): the passes on which the two agree in every seed.
    let sameStart =
        zip(results[1].curves, results[2].curves).map { frozen, twoPhase in
            zip(frozen, twoPhase).prefix { $0 == $1 }.count
        }.min() ?? 0
    // The seeds run after B was chosen on seed 0.
    let laterSeeds = zip(seeds, versusScratch(3).values).filter { $0.0 != 0 }
    let recommended = versusScratch(3)
    let frozenGap = versusScratch(1)
    let everySeed = recommended.values.allSatisfy { $0 > 0 }
    // Whether B, chosen on an earlier run of seed 0, still scores best of A, B and C on average.
    let strategies = 2...4
    let finalMeans = strategies.map { MeanStd(results[$0].curves.map(\.last!)).mean }
    let best = strategies.lowerBound + finalMeans.indices.max { finalMeans[$0] < finalMeans[$1] }!
    let bestGap = PairedDifference(
        seeds: seeds,
        values: zip(results[3].curves.map(\.last!), results[best].curves.map(\.last!)).map(-))
    let ranking =
        best == 3
        ? "B also scores best of A, B and C on average in this run."
        : "In this run \(results[best].name.replacingOccurrences(of: ", ", with: " ("))) scores above B on average; B minus it, seed by seed: \(bestGap.values.map { String(format: "%+.1f", 100 * $0) }.joined(separator: ", ")) points. The earlier run's ranking did not repeat: between A, B and C the differences are of the size of the noise below, and B stays the recommendation only because it was fixed before these seeds were run."
    let source =
        imagenet == nil ? "tops, trousers and dresses" : "ImageNet's color photographs"
    let standardError = (0.9 * 0.1 / Double(tasks.transferTest.count)).squareRoot()
    cell.prose(
        """
        Against scratch at its tuned rate, seed by seed: B, rates per stage, \
        \(recommended.points); frozen features \(frozenGap.points). \
        \(frozenGap.summary.mean < 0 ? "Frozen features fall behind on average, in \(frozenGap.values.filter { $0 < 0 }.count) of \(seeds.count) seeds: features learned on \(source) describe sandals, bags and boots only in part, and a head on top of them cannot make up the rest; the top of the backbone may have to adapt (section 5 asks how far up)." : "Frozen features keep up with scratch here.") \
        \(everySeed ? "B beats scratch in every one of the \(seeds.count) seeds\(laterSeeds.isEmpty ? "" : " (on the \(laterSeeds.count) seed\(laterSeeds.count == 1 ? "" : "s") run after B was chosen, were the two equally good, each seed a coin toss, that would happen 1 time in \(1 << laterSeeds.count))")" : "B does not beat scratch in every seed"), \
        \(recommended.isPositive ? "and the 95% interval of the difference lies above zero." : "but with \(seeds.count) seeds the 95% interval of the difference still contains zero: the run does not show a gain from pre-training that more seeds could not undo.") \
        \(laterSeeds.isEmpty ? "" : "On the seeds that came after B was chosen, B minus scratch is \(laterSeeds.map { "\(String(format: "%+.1f", 100 * $0.1)) points (seed \($0.0))" }.joined(separator: ", ")). ")\
        \(seeds.count > 1 ? ranking + " " : "")\
        For scale: with \(Format.grouped(tasks.transferTest.count)) test images one accuracy \
        near 90% has a standard error of about \(Format.fixed(100 * standardError, 1)) points, \
        so single-seed differences of a point or two are noise. These are small tasks from \
        one data set, and the ranking of A, B and C is not a law. \
        \(sameStart >= epochs / 2 ? "A trains only the head for its first \(epochs / 2) passes, with the same head, learning rate, weight decay, batches and eval-mode batch norm as frozen features: until then the two are one run, their accuracies equal pass for pass (the first \(sameStart) in every seed), and in the figure frozen features' curve is drawn over A's." : "A trains only the head for its first \(epochs / 2) passes, as frozen features does, but their accuracies part after \(sameStart) passes in some seed.")
        """)
    cell.check(
        "the frozen backbone did not move: its weights and batch-norm statistics, stem included, are bit-identical after fine-tuning",
        frozenStayed)
    if seeds.count > 1 {
        cell.check(
            "B, the recommended strategy, scores above scratch at its tuned rate in every seed (seed by seed; the 95% interval is in the table)",
            everySeed,
            zip(seeds, recommended.values).map {
                "seed \($0.0): \(String(format: "%+.1f", 100 * $0.1))"
            }.joined(separator: ", ") + " points")
    }
    return ScratchBaseline(
        rate: scratchRate, seeds: seeds, finals: scratchFinals,
        frozenFeatures: results[1].curves.map(\.last!))
}

// MARK: - 5. How far up the features transfer

/// The stages of the backbone, bottom to top, by the prefixes of their parameters' names.
let backboneStages: [(name: String, prefixes: [String])] = [
    ("stem", ["conv1.", "bn1."]), ("layer1", ["layer1."]), ("layer2", ["layer2."]),
    ("layer3", ["layer3."]), ("layer4", ["layer4."]),
]

notebook.cell("How far up do the features transfer?", using: baseline) { cell, baseline in
    guard let backbone = pretrained, let tasks else {
        throw NotebookError.missingInput(cell: "transfer by stage")
    }
    let epochs = notebook.quick(4, full: 12)
    let top = backboneStages.count - 1
    let ours =
        imagenet == nil
        ? "ours are the two halves of Fashion-MNIST, with 250 labelled images for task B"
        : "ours are ImageNet and five Fashion-MNIST classes, with 250 labelled images"
    cell.prose(
        """
        Yosinski et al. (2014, section 4.1 and Figure 2) asked the same question layer by \
        layer: copy the first n layers of a net trained on task A into a fresh net for task \
        B, re-initialise the layers above, then either keep the copied layers frozen (their \
        "AnB") or let them train too ("AnB+"). Frozen, transfer got worse from n = 3 on: in \
        the middle because neighbouring layers had co-adapted and were split, higher up \
        because the features were specific to A (they told the two apart with a control, \
        "BnB", layers copied from a net trained on B itself); fine-tuned, it stayed above \
        the baseline at every n. Their tasks were two halves of ImageNet with about 645,000 \
        images each and an eight-layer net; \(ours). Our net has a stem and four stages, so \
        n runs to \(top + 1): 1 copies the stem, 2 the stem and layer1, up to \(top + 1), \
        everything but the head. The layers above the copied ones keep the fresh weights \
        of that seed's scratch run, so each run is paired with scratch seed by seed. Every \
        run trains for \(epochs) passes at scratch's tuned rate \(baseline.rate), with the \
        seeds of the table above; n = 0 is scratch itself. Three differences from their \
        recipe: their baseline had 645,000 images and no tuning, ours is starved of data \
        and tuned, so here frozen layers can beat it, which AnB never clearly did; their net had \
        no batch norm, so keeping A's statistics in frozen stages (eval mode) and updating \
        them in fine-tuned ones is our choice; they trained to convergence, we for \
        \(epochs) passes. We run no BnB control.
        """)
    var frozenFinals: [[Double]] = []  // [n - 1][seed]
    var tunedFinals: [[Double]] = []
    var frozenStayed = true
    for n in 1...backboneStages.count {
        let copied = backboneStages.prefix(n).flatMap(\.prefixes)
        func isCopied(_ name: String) -> Bool { copied.contains { name.hasPrefix($0) } }
        let start = backbone.stateDict().filter { isCopied($0.name) }
        var frozenRow: [Double] = []
        var tunedRow: [Double] = []
        for seed in baseline.seeds {
            for frozen in [true, false] {
                // The copied weights and batch-norm statistics, as loaded.
                var before: [[Float]] = []
                func copiedState(_ model: ResNet) -> [[Float]] {
                    model.stateDict().filter { isCopied($0.name) }.map(\.tensor.data)
                }
                // Only the final accuracy is used here: one evaluation per run, not one
                // per epoch (the training is the same either way).
                let run = try fineTune(
                    tasks, start: nil, epochs: epochs, seed: seed, everyEpoch: false,
                    groups: {
                        ParameterGroup.decayingWeightsOnly(
                            $0.namedParameters(), learningRate: baseline.rate,
                            weightDecay: 5e-4)
                    }
                ) { epoch, model in
                    if epoch == 0 {
                        let loaded = try model.loadStateDict(start, strict: false)
                        guard !start.isEmpty, loaded.unexpectedKeys.isEmpty else {
                            throw NotebookError.badArgument(
                                "stages \(copied) matched no tensor of the net, or tensors it lacks: "
                                    + "\(loaded.unexpectedKeys)")
                        }
                        if frozen {
                            _ = model.freeze(where: isCopied)
                            before = copiedState(model)
                        }
                    }
                    if frozen {
                        for (name, module) in model.namedModules()
                        where module is BatchNorm2d && isCopied(name + ".") {
                            module.eval()
                        }
                    }
                }
                if frozen {
                    frozenStayed =
                        frozenStayed && !before.isEmpty && copiedState(run.model) == before
                    frozenRow.append(run.curve.last!)
                } else {
                    tunedRow.append(run.curve.last!)
                }
            }
        }
        frozenFinals.append(frozenRow)
        tunedFinals.append(tunedRow)
    }
    func paired(_ a: [Double], minus b: [Double]) -> PairedDifference {
        PairedDifference(seeds: baseline.seeds, values: zip(a, b).map(-))
    }
    let names =
        ["none (scratch)"]
        + (1...backboneStages.count).map { n in
            backboneStages.prefix(n).map(\.name).joined(separator: ", ")
        }
    let scratchRow: [String] = [
        "0", names[0], MeanStd(baseline.finals).percent, "— (reference)",
        MeanStd(baseline.finals).percent, "— (reference)",
    ]
    let copiedRows: [[String]] = (1...backboneStages.count).map { n -> [String] in
        let frozen = frozenFinals[n - 1]
        let tuned = tunedFinals[n - 1]
        return [
            "\(n)", names[n], MeanStd(frozen).percent,
            paired(frozen, minus: baseline.finals).points,
            MeanStd(tuned).percent, paired(tuned, minus: baseline.finals).points,
        ]
    }
    cell.table(
        [
            "n", "stages copied", "frozen: accuracy", "frozen minus scratch",
            "fine-tuned: accuracy", "fine-tuned minus scratch",
        ], [scratchRow] + copiedRows)
    try cell.picture(
        "transfer-by-stage.png",
        caption: "Test accuracy after copying the first n stages, frozen or fine-tuned, and "
            + "scratch (gray): mean over \(baseline.seeds.count) seeds, the band ± one standard "
            + "deviation"
    ) { path in
        var chart = LineChart(
            title: "How far up the features transfer (Yosinski et al. 2014, Figure 2)",
            xLabel: "stages copied from the pre-trained net",
            yLabel: "test accuracy on the new classes (%)")
        let stagesAxis = (1...backboneStages.count).map(Double.init)
        let scratch = MeanStd(baseline.finals.map { 100 * $0 })
        chart.add(
            LineSeries(
                "scratch", x: [stagesAxis.first!, stagesAxis.last!],
                y: [scratch.mean, scratch.mean],
                band: (
                    [scratch.mean - scratch.std, scratch.mean - scratch.std],
                    [scratch.mean + scratch.std, scratch.mean + scratch.std]
                ), style: .dashed, color: .gray))
        for (name, finals, style) in [
            ("frozen (AnB)", frozenFinals, LineStyle.dashed),
            ("fine-tuned (AnB+)", tunedFinals, LineStyle.solid),
        ] {
            let summaries = finals.map { MeanStd($0.map { 100 * $0 }) }
            chart.add(
                LineSeries(
                    name, x: stagesAxis, y: summaries.map(\.mean),
                    band: (summaries.map { $0.mean - $0.std }, summaries.map { $0.mean + $0.std }),
                    style: style, showsMarkers: true))
        }
        try chart.write(to: path, scale: 2)
    }
    let frozenMeans = frozenFinals.map { MeanStd($0).mean }
    let tunedMeans = tunedFinals.map { MeanStd($0).mean }
    let peak = frozenMeans.indices.max { frozenMeans[$0] < frozenMeans[$1] }!
    let risesToPeak = zip(frozenMeans[...peak], frozenMeans[...peak].dropFirst()).allSatisfy {
        $0 < $1
    }
    let topDrop = paired(frozenFinals[top], minus: frozenFinals[top - 1])
    let topDropShown = topDrop.interval95.map { $0.upperBound < 0 } ?? false
    // Depths where freezing and fine-tuning are within a point on average and the paired
    // interval contains zero: training the copied stages gained nothing measurable.
    let tie = (0...top).filter {
        let d = paired(tunedFinals[$0], minus: frozenFinals[$0])
        return abs(d.summary.mean) < 0.01 && d.includesZero
    }.map { $0 + 1 }
    let tunedAbove = tunedFinals.map { paired($0, minus: baseline.finals) }
    let tunedAboveOnAverage = tunedAbove.filter { $0.summary.mean > 0 }.count
    let tunedShown = tunedAbove.filter(\.isPositive).count
    let allCopied = paired(tunedFinals[top], minus: frozenFinals[top])
    // Depths (n) where fine-tuning the copied stages scored below keeping them frozen, on
    // average and by more than the ties above, and the runs that fell more than ten points
    // below scratch's worst seed.
    let belowFrozen = (0...top).filter {
        !tie.contains($0 + 1) && paired(tunedFinals[$0], minus: frozenFinals[$0]).summary.mean < 0
    }
    let floor = (baseline.finals.min() ?? 0) - 0.10
    let collapses = (0...top).flatMap { n in
        zip(baseline.seeds, tunedFinals[n]).filter { $0.1 < floor }.map {
            "n = \(n + 1), seed \($0.0): \(Format.fixed(100 * $0.1, 1))%"
        }
    }
    func differences(_ n: Int) -> String {
        paired(tunedFinals[n], minus: frozenFinals[n]).values.map {
            String(format: "%+.1f", 100 * $0)
        }.joined(separator: ", ")
    }
    let againstFrozen =
        belowFrozen.isEmpty
        ? "and never below freezing on average."
        : "and below freezing on average at n = \(Format.list(belowFrozen.map { "\($0 + 1) (\(differences($0)) points, seed by seed)" })). "
            + (collapses.isEmpty
                ? ""
                : "\(collapses.count == 1 ? "One fine-tuned run" : "\(collapses.count) fine-tuned runs") fell more than ten points below scratch's worst seed (\(collapses.joined(separator: "; "))). ")
            + "Every stage here, copied or fresh, trains at scratch's rate, \(baseline.rate), \(Format.fixed(baseline.rate / perStageRates.max()!, 0)) to \(Format.fixed(baseline.rate / perStageRates.min()!, 0)) times the rates section 4's strategies gave the copied stages (\(perStageRates.min()!) to \(perStageRates.max()!)): at that rate SGD can carry copied features far from what they learned, and fine-tuning can lose what freezing keeps."
    // Section 4's frozen features trained the head at 0.05; here n = 5 frozen is the same run at
    // scratch's rate, which says how much section 4's gap owes to that untuned rate.
    let frozenRateNote =
        baseline.rate == 0.05
        ? ""
        : "With every stage frozen (n = \(top + 1)) this is section 4's frozen features at scratch's rate \(baseline.rate) instead of 0.05: \(paired(frozenFinals[top], minus: baseline.finals).points) against scratch, where section 4's run had \(paired(baseline.frozenFeatures, minus: baseline.finals).points). Section 4 tuned scratch's rate and not frozen features' head, so its gap depends on that choice. "
    func path(_ means: [Double]) -> String {
        means.map { Format.fixed(100 * $0, 1) + "%" }.joined(separator: " → ")
    }
    let topName = backboneStages[top].name
    // Whether the run shows fine-tuning beating freezing with every stage copied.
    let allCopiedAbove = allCopied.values.filter { $0 > 0 }.count
    let allCopiedReading =
        allCopied.isPositive
        ? "."
        : allCopied.summary.mean > 0
            ? ": more \(allCopiedAbove == allCopied.values.count ? "in every one of the \(allCopiedAbove) seeds" : "on average, in \(allCopiedAbove) of \(allCopied.values.count) seeds"), but the "
                + "interval contains zero, so with \(baseline.seeds.count) seeds the run does not "
                + "show that fine-tuning beats freezing there."
            : ": no gain on average."
    let source = imagenet == nil ? "tops, trousers and dresses" : "ImageNet's photographs"
    cell.prose(
        """
        Frozen, the accuracy goes \(path(frozenMeans)) from n = 1 to \(top + 1)\
        \(peak == top ? ", highest with everything frozen." : ": \(risesToPeak ? "it rises up to" : "it peaks at") n = \(peak + 1), then falls to \(Format.fixed(100 * frozenMeans[top], 1))% with \(topName) frozen too.") \
        \(risesToPeak && peak > 0 ? "Up to n = \(peak + 1), freezing one more stage never cost accuracy on average; our frozen curve is their AnB, where co-adaptation and specificity are mixed, and without BnB the two cannot be told apart here." : "Our frozen curve is their AnB, where co-adaptation and specificity are mixed; without BnB the two cannot be told apart here.") \
        \(topDropShown ? "Freezing \(topName) too changes the accuracy by \(topDrop.points) against n = \(top)\(topDrop.values.allSatisfy { $0 < 0 } ? ", lower in every seed" : ""): \(topName)'s features, learned on \(source), serve the new classes less well than a freshly trained \(topName). " : "")\
        \(tie.isEmpty ? "" : "At n = \(Format.list(tie.map(String.init))) frozen and fine-tuned are within a point of each other on average, and the paired interval contains zero: with 250 labels, training the copied stages gained nothing measurable there. ")\
        \(frozenRateNote)\
        Fine-tuned, the accuracy goes \(path(tunedMeans)): above scratch on average at \
        \(tunedAboveOnAverage) of \(top + 1) depths, where Yosinski et al.'s AnB+ stayed above \
        their baseline at every n, \(againstFrozen) With \
        \(baseline.seeds.count) seeds the 95% interval of fine-tuned minus scratch lies above \
        zero at \(tunedShown == 0 ? "none of the depths" : "\(tunedShown) of the depths"): \
        \(tunedShown == 0 ? "the boost that lingered after fine-tuning in their runs is not shown here." : "the boost is shown there.") \
        With everything copied (n = \(top + 1)), fine-tuning instead of freezing adds \
        \(allCopied.points)\(allCopiedReading) (The ± in the accuracy columns and the bands is the spread from \
        seed to seed; pairing each run with scratch of the same seed removes what they share, \
        so a difference can be tighter than either spread.)
        """)
    if baseline.seeds.count > 1 {
        cell.check(
            "with every stage copied, fine-tuning scores above freezing on average over the seeds (a mean, not a significant difference: its interval is in the prose)",
            allCopied.summary.mean > 0, allCopied.points)
    }
    // Section 4's frozen features use rate 0.05; with the same rate, n = 5 frozen is the same
    // run (the same seeds, weights, frozen layers and batches).
    if baseline.rate == 0.05 {
        cell.check(
            "n = \(top + 1) frozen reproduces section 4's frozen features seed by seed, to the last digit",
            frozenFinals[top] == baseline.frozenFeatures)
    }
    cell.check(
        "the frozen stages did not move: their weights and batch-norm statistics are bit-identical after training",
        frozenStayed)
}

notebook.exercises(lesson: 9)

notebook.finish()
