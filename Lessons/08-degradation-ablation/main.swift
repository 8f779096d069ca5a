// Lesson 08: the plain-vs-residual ablation. Plain nets and their residual twins at depths
// 18, 34 and 56 trained on Fashion-MNIST with the same weights and batches; the degradation
// problem in the student's own numbers; what the gradients, the layer responses, lesions and
// the loss landscape say about why the shortcuts help.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-08-degradation-ablation",
    title: "Lesson 08 · Plain vs residual: the degradation problem, measured",
    extras: [
        .init(
            "--run", value: "DIR",
            help: "read the ablation run in DIR (made by `resnet-lab ablate --out DIR`); if DIR "
                + "holds no finished run, train the default one there first (about 10 minutes "
                + "on two cores); with --quick, the tiny run is trained in DIR instead of a "
                + "temporary directory. Default: the run committed in Docs/ablation")
    ])

func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
func points(_ x: Double) -> String { String(format: "%.1f", 100 * x) }
/// A distance in weight space as a setting gives it: 0.1, 0.25.
func distance(_ x: Double) -> String { String(format: "%g", x) }
/// Three significant digits, trailing zeros kept (0.330, 5.00); from 100 on, whole and grouped
/// (19,853).
func number(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    let rounded = Double(String(format: "%.3g", x)) ?? x
    return abs(rounded) >= 100
        ? Format.grouped(Int(x.rounded())) : String(format: "%#.3g", x)
}

/// The run this lesson reads: the committed one, one named with --run (trained first if
/// needed), or in --quick mode a tiny one trained now (in --run's directory if given, else
/// in a temporary one, removed at the end).
@MainActor
func loadRun() throws -> (results: AblationResults, directory: String, trainedNow: Bool) {
    let given = notebook.value(of: "--run")
    if notebook.isQuick {
        var config = AblationConfig.quick
        config.iterations = 40
        config.decayIterations = 8
        config.trainLimit = 2560
        config.evaluationImages = 300
        config.testLimit = 600
        config.analysis.lesionImages = 200
        config.analysis.landscapeImages = 64
        let directory =
            given
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("lesson-08-\(ProcessInfo.processInfo.processIdentifier)").path
        if given == nil { temporaryRun = directory }
        let run = try AblationRun(
            config: config, directory: directory, progress: ProgressDisplay(.silent))
        run.directoryFlag = "--run"
        try run.prepare()
        try run.trainAll()
        try run.analyse()
        return (try run.writeOutputs(command: "lesson-08 --quick"), directory, true)
    }
    let committed = (notebook.packageRoot as NSString).appendingPathComponent("Docs/ablation")
    let directory = given ?? committed
    if FileManager.default.fileExists(atPath: "\(directory)/summary.json") {
        let results = try AblationResults(directory: directory)
        // Every analysis the lesson reads must be there, made for the run's own nets.
        guard results.missingAnalyses.isEmpty else {
            throw AblationError.invalidConfiguration(
                "the ablation run in \(directory) lacks what this lesson reads: "
                    + results.missingAnalyses.joined(separator: "; ")
                    + ". Compute them by running `resnet-lab ablate` on that directory again with "
                    + "the run's own settings (its config.json), e.g. `swift run -c release "
                    + "resnet-lab ablate --out \(directory) --depths "
                    + results.config.depths.map(String.init).joined(separator: ",") + "`")
        }
        return (results, directory, false)
    }
    guard given != nil else {
        throw AblationError.invalidConfiguration(
            "no finished ablation run in \(directory): make one with `swift run -c release "
                + "resnet-lab ablate --out runs/ablation` and pass `--run runs/ablation`")
    }
    let run = try AblationRun(config: AblationConfig(), directory: directory)
    run.directoryFlag = "--run"
    try run.prepare()  // refuses a directory that is not an ablation run before saying more
    print("no finished run in \(directory): training the default ablation there now")
    let estimate = try run.estimate()
    print(estimate.description)
    try run.trainAll(estimate: estimate, analysesAlongside: true)
    try run.analyse(estimate: estimate)
    return (try run.writeOutputs(command: "lesson-08 --run \(directory)"), directory, true)
}

/// The directory of a --quick run made without --run: removed when the lesson ends.
var temporaryRun: String?

let loaded: (results: AblationResults, directory: String, trainedNow: Bool)
do {
    loaded = try loadRun()
} catch {
    print("lesson-08: \(error)")
    if let temporaryRun { try? FileManager.default.removeItem(atPath: temporaryRun) }
    exit(1)
}
let results = loaded.results
let config = results.config
let depths = config.depths.sorted()
let shallow = depths.first!
let deep = depths.last!
let plainDeep = AblationNet(depth: deep, residual: false)
let resDeep = AblationNet(depth: deep, residual: true)
let plainShallow = AblationNet(depth: shallow, residual: false)
/// Claims about the size of an effect need the full run; --quick trains too little to show
/// them, and says so instead of checking.
let full = !notebook.isQuick

/// The run's images, loaded at most once for the sections that train or measure again.
var loadedData: AblationData?
@MainActor func ablationData() throws -> AblationData {
    if let loadedData { return loadedData }
    let data = try AblationData(config: config)
    loadedData = data
    return data
}

/// 20 batches of training images in an order of their own, for precise batch-norm
/// statistics (sections 5 and 6).
@MainActor func statisticsBatches() throws -> [Tensor] {
    Array(
        try ablationData().trainLoader(batchSize: config.batchSize, seed: 1).batches().prefix(20)
            .map(\.images))
}

/// The net section 5 trains again, step for step as the run did, and its trained model:
/// section 6 builds a deeper net from it, then trains it on (in place).
var replayed: (result: NetResult, model: ResNet)?

notebook.introduction(
    """
    Lessons 03 and 04 showed what a shortcut does to one gradient. This lesson is about the \
    experiment that made residual networks famous: train plain networks and their residual \
    twins at several depths, side by side, and watch what happens as they get deeper \
    (`resnet-lab ablate` runs it; the lesson reads the run and measures more). Past a \
    certain depth a plain network gets *worse* at fitting its own training data, although a \
    deeper net could copy a shallower one and set its extra layers to the identity. He et \
    al. (2015) named this the degradation problem; they did not discover it (section 1 \
    cites it as reported before, by He and Sun 2015 and by Srivastava et al.'s Highway \
    Networks, 2015), but they showed that shortcuts remove it. Here it is measured again, on Fashion-MNIST, with the twins sharing their initial \
    weights and the order of every batch, so that the shortcut is the only difference.
    """)

// MARK: - 1. The claim

notebook.cell("What He et al. (2015) claim, and what we run") { cell in
    cell.prose(
        """
        **The paper.** Section 4.1 and Figure 4 (ImageNet): the 34-layer plain net has a higher \
        *training* error than the 18-layer plain net throughout training, so the problem is \
        not overfitting. Table 2 (top-1 error, 10-crop testing): plain-18 27.94%, plain-34 \
        28.54%; ResNet-18 27.88%, ResNet-34 25.03%: with shortcuts, depth helps again. \
        Section 4.2 and Figure 6 repeat it on CIFAR-10 with thin nets (16/32/64 channels): \
        the deeper plain nets (20 → 56 layers) train worse, the ResNets train better the \
        deeper they are. The authors argue that the cause is not vanishing gradients, since \
        their nets use batch norm and the gradients they measured "exhibit healthy norms", and \
        call it an optimisation difficulty.

        **Our run.** The ablation family of `ResNet.Configuration.ablation`: a 3×3 stem, three \
        stages of basic blocks at 16/32/64 channels, global pooling and one linear layer, the \
        blocks spread front-first (18 layers: 3+3+2 blocks, 34: 6+5+5, 56: 9+9+9). Shortcuts \
        are option A (identity; subsampling and zero channels where the shape changes), so a \
        plain net and its twin have exactly the same parameters.
        """)
    var rows: [[String]] = []
    for net in config.nets {
        let configuration = ResNet.Configuration.ablation(depth: net.depth, residual: net.residual)
        let result = results.results(net).first!
        rows.append([
            net.name, "\(net.depth)",
            configuration.blocksPerStage.map(String.init).joined(separator: "+"),
            Format.grouped(result.parameters), net.residual ? "identity (A)" : "none",
        ])
    }
    cell.table(["net", "weighted layers", "blocks per stage", "parameters", "shortcut"], rows)
    cell.prose(
        """
        **Where our recipe differs from the paper's CIFAR recipe.** The data: Fashion-MNIST, \
        28×28 grey images of clothes, all 60,000 training images, no augmentation (the paper: \
        the 50,000 CIFAR-10 colour training images, with random crops and flips; a 45,000 / \
        5,000 split only chose its schedule). The depths: 18/34/56. The paper's CIFAR nets \
        are 6n + 2 layers (20, 32, 44, 56, 110): 56 = 6·9 + 2 is its ResNet-56, while 18 \
        and 34 borrow the ImageNet nets' depths and spread their blocks front-first. The budget: \(config.iterations) steps per net instead of 64,000, with the \
        learning rate \(config.learningRate) held constant and cut to a tenth for the last \
        \(config.decayIterations) steps (the paper cuts it at 32k and 48k). The rest is the \
        paper's: SGD with momentum \(config.momentum), weight decay \(config.weightDecay), \
        batches of \(config.batchSize), He (fan-out) initialisation, batch norm after every \
        convolution.
        """)
    let counts = depths.map { depth in
        results.results(AblationNet(depth: depth, residual: false)).first!.parameters
            == results.results(AblationNet(depth: depth, residual: true)).first!.parameters
    }
    cell.check(
        "each plain net has exactly its residual twin's parameter count", !counts.contains(false))
}

// MARK: - 2. One line of difference

notebook.cell("Two nets that differ by one line") { cell in
    cell.prose(
        """
        Here is the forward pass of `BasicBlock`, read from the library's source as this \
        lesson runs. A plain block is the same object built with `residual: false`: its \
        `shortcut` is nil, so the `if let shortcut` line does nothing and the block is just \
        conv → BN → ReLU → conv → BN → ReLU.
        """)
    try cell.listing("basic-block-forward", in: "Sources/ResNetModels/BasicBlock.swift")
    cell.prose(
        """
        Both twins of a seed draw their weights from the same generator in the same order, and \
        option A shortcuts draw nothing, so at step 0 the two nets hold identical numbers. \
        Checked now, for the deepest pair:
        """)
    let seed = AblationSeeds(config.seeds[0]).model
    let plain = plainDeep.build(seed: seed).stateDict()
    let residual = resDeep.build(seed: seed).stateDict()
    let same =
        plain.count == residual.count
        && zip(plain, residual).allSatisfy {
            $0.name == $1.name && $0.tensor.data == $1.tensor.data
        }
    cell.output(
        "\(plainDeep.name) and \(resDeep.name), seed \(config.seeds[0]): \(plain.count) tensors each, identical: \(same)"
    )
    cell.check("the twins start from identical weights", same)
}

// MARK: - 3. The run

notebook.cell("The run") { cell in
    // A path inside the package is shown from the package root, not from this machine's /.
    var shown = "`\(loaded.directory)`"
    if loaded.directory.hasPrefix(notebook.packageRoot + "/") {
        shown = "`\(loaded.directory.dropFirst(notebook.packageRoot.count + 1))`"
    }
    if temporaryRun != nil { shown = "a temporary directory" }
    let where_ = loaded.trainedNow ? "trained just now in \(shown)" : "read from \(shown)"
    cell.prose(
        """
        The run is \(where_). `resnet-lab ablate` makes it: for each seed it trains the \
        \(config.nets.count) nets one after the other, writes each as soon as it is done (a \
        rerun skips finished nets), then measures them. Seeds: \
        \(config.seeds.map(String.init).joined(separator: ", ")). Each training step is the \
        library's `trainingStep` below, the step `Trainer` takes in lesson 07; the error the \
        ablation logs is the batch's `wrong` count, measured before the update, and the \
        curves average it over windows of \(config.window) steps.
        """)
    try cell.listing("train-step", in: "Sources/Training/TrainingStep.swift")
    var rows: [[String]] = []
    for net in config.nets {
        let perStep = results.results(net).map {
            1000 * $0.trainSeconds / Double(config.iterations)
        }
        let sorted = perStep.sorted()
        rows.append([
            net.name, perStep.map { String(format: "%.0f", $0) }.joined(separator: ", "),
            String(format: "%.0f", sorted[sorted.count / 2]),
        ])
    }
    cell.prose(
        """
        How long each net took, in milliseconds per step, seed by seed. These are wall-clock \
        times of whatever machine made each seed, with whatever else ran beside it (the \
        run's README says where it was made and what shared the machine; with an even \
        thread count `resnet-lab ablate` trains two nets at a time, the threads split \
        between them, so each net's time then counts the one beside it), so they say how \
        long you may wait, not how fast one net is against another: the twins do the same \
        work per step but for one addition per block. That comparison is made on an idle \
        machine by `resnet-lab bench train` (Docs/PERFORMANCE.md).
        """)
    cell.table(
        [
            "net", "ms per step, seed \(config.seeds.map(String.init).joined(separator: ", "))",
            "median",
        ],
        rows)
}

// MARK: - 4. Degradation

let finalTrain = Dictionary(
    uniqueKeysWithValues: config.nets.map { ($0, results.finalTrainError($0)) })

notebook.cell("The degradation problem, in our numbers") { cell in
    cell.prose(
        """
        The paper's Figure 6, made from this run: training error (thin) and test error \
        (bold, with dots, measured \(config.evaluations) times on the first \
        \(Format.grouped(results.nets.first!.evaluationImages)) test images) against the step, \
        plain nets on the left, residual nets on the right, on the same axes; the bands are \
        ± one standard deviation over the seeds, the dotted gray lines the cut of the \
        learning rate.
        """)
    try cell.picture(
        "training-error.png",
        caption: "Training error (thin) and test error (bold, dots), plain left, residual right"
    ) { path in
        try AblationFigures.trainingCurves(results, loss: false).write(to: path, scale: 2)
    }
    var rows: [[String]] = []
    for depth in depths {
        let plain = finalTrain[AblationNet(depth: depth, residual: false)]!
        let residual = finalTrain[AblationNet(depth: depth, residual: true)]!
        rows.append([
            "\(depth)", plain.percent, residual.percent,
            String(format: "%.2f", plain.mean / residual.mean),
        ])
    }
    cell.prose("Training error over the last \(config.window) steps:")
    cell.table(["depth", "plain", "residual", "plain / residual"], rows)
    let p18 = finalTrain[plainShallow]!.mean
    let p56 = finalTrain[plainDeep]!.mean
    let r56 = finalTrain[resDeep]!.mean
    cell.prose(
        """
        Read the left panel first. The deeper plain nets sit higher: plain-\(deep) ends at \
        \(percent(p56)) training error against plain-\(shallow)'s \(percent(p18)), although it \
        has \(String(format: "%.1f", Double(results.results(plainDeep)[0].parameters) / Double(results.results(plainShallow)[0].parameters)))× \
        the parameters and could, in principle, compute nearly what plain-\(shallow) \
        computes (the paper's constructed solution, section 1: the extra layers set to the \
        identity; with batch norm after every convolution, normalising each batch by its own \
        statistics while training, an extra plain layer can only approximate the identity; \
        section 6 builds it and trains it on). \
        On the right, the same layers with shortcuts: res-\(deep) ends at \(percent(r56)).
        """)
    // Depth makes every net worse at a budget this small; degradation is depth hurting the
    // plain family more than its twins, seed by seed (an interaction, not a ratio).
    let plainPenalty = results.depthPenalty(residual: false, from: shallow, to: deep)
    let residualPenalty = results.depthPenalty(residual: true, from: shallow, to: deep)
    let interaction = results.degradationInteraction(from: shallow, to: deep)
    let seedCount = interaction.seeds.count
    // What depth does to each family, said from the intervals, not assumed.
    func verdict(_ penalty: PairedDifference, _ family: String) -> String {
        penalty.isPositive
            ? "the \(family) family gets worse with depth"
            : penalty.includesZero
                ? "the \(family) family's change with depth is within its seed-to-seed noise"
                : "the \(family) family gets better with depth"
    }
    let bothWorse = plainPenalty.isPositive && residualPenalty.isPositive
    cell.prose(
        """
        \(bothWorse ? "Both families get worse with depth at this budget." : seedCount < 2 ? "With one seed there is no interval to say whether either family gets worse with depth." : "At this budget \(verdict(plainPenalty, "plain")) and \(verdict(residualPenalty, "residual")).") \
        From depth \(shallow) to \(deep) \
        the plain nets lose \(plainPenalty.points) of training error, the residual nets \
        \(residualPenalty.points)\
        \(bothWorse ? ": res-\(deep) trains worse than res-\(shallow) too. So \"the deeper plain net trains worse\" is not, on its own, the degradation problem here: \(config.iterations) steps are too few for any \(deep)-layer net." : ".") \
        What the \
        degradation problem predicts is that depth hurts the plain family *more* than the \
        residual one. Each seed gives both twins the same initial weights and batches, so \
        the comparison is made seed by seed: the plain family's depth penalty minus the \
        residual family's, the interaction of depth and shortcut, is \(interaction.points) \
        over \(Format.count(seedCount, "seed")).
        """)
    cell.table(
        [
            "seed", "plain-\(shallow)", "plain-\(deep)", "plain penalty", "res-\(shallow)",
            "res-\(deep)", "residual penalty", "plain − residual penalty",
        ],
        interaction.seeds.map { seed in
            func error(_ depth: Int, _ residual: Bool) -> Double {
                results.finalTrainError(AblationNet(depth: depth, residual: residual), seed: seed)!
            }
            let plain = error(deep, false) - error(shallow, false)
            let residual = error(deep, true) - error(shallow, true)
            return [
                "\(seed)", percent(error(shallow, false)), percent(error(deep, false)),
                String(format: "%+.1f", 100 * plain), percent(error(shallow, true)),
                percent(error(deep, true)), String(format: "%+.1f", 100 * residual),
                String(format: "%+.1f", 100 * (plain - residual)),
            ]
        })
    try cell.picture(
        "error-vs-depth.png",
        caption:
            "Final training error against depth: plain dashed, residual solid, each seed dotted"
    ) { path in
        try AblationFigures.errorAgainstDepth(results).write(to: path, scale: 2)
    }
    // The twins compared at every depth, seed by seed.
    let differences = depths.map { (depth: $0, difference: results.plainMinusResidual(depth: $0)) }
    cell.prose(
        """
        The twins at every depth, plain minus residual training error per seed (positive: \
        the residual net trains better), with the mean, its spread and its 95% confidence \
        interval (Student's t, \(seedCount - 1) degrees of freedom):
        """)
    cell.table(
        ["depth", "plain − residual, per seed (points)", "mean ± sd (95% CI)", "at this budget"],
        differences.map { depth, difference in
            [
                "\(depth)",
                difference.values.map { String(format: "%+.1f", 100 * $0) }.joined(separator: ", "),
                difference.points,
                difference.isPositive
                    ? "residual better"
                    : (difference.includesZero ? "no difference shown" : "plain better"),
            ]
        })
    let ties = differences.filter { $0.difference.includesZero }
    let tieNote = ties.map { depth, difference in
        let reversed = zip(difference.seeds, difference.values).filter { $0.1 < 0 }.map(\.0)
        return "At depth \(depth) the interval contains zero: with \(seedCount) seeds this run "
            + "cannot tell the twins apart there"
            + (reversed.isEmpty
                ? " (every seed favours the residual net, by different margins)."
                : ", and in seed\(reversed.count > 1 ? "s" : "") "
                    + reversed.map(String.init).joined(separator: ", ")
                    + " the residual net is the worse one.")
    }
    let summary =
        interaction.isPositive
        ? "So, over \(Format.count(seedCount, "seed")), the interaction's interval lies above zero: depth costs the plain family more than its residual twins, which is the degradation problem of He et al.'s section 4.1, seen at this budget. "
        : "So, over \(Format.count(seedCount, "seed")), the interaction's interval contains zero: this run does not show depth costing the plain family more than the residual one. "
    // He et al. go further: with shortcuts, deeper trains better (Figure 6, middle; Figure 4).
    let paperClaim =
        "The paper shows more than an interaction: with shortcuts its deeper nets train *better* (Figure 6, middle panel: on CIFAR-10 the deeper ResNets reach lower training error, ResNet-110 the lowest; Figure 4, right: on ImageNet ResNet-34's training error below ResNet-18's, and Table 2 its validation error). "
    let paperThird =
        paperClaim
        + (residualPenalty.isPositive
            ? "Here res-\(deep) trains worse than res-\(shallow) (\(residualPenalty.points)): that part is not reproduced at this budget; section 12 tries a longer one. "
            : residualPenalty.includesZero
                ? "Here res-\(deep) against res-\(shallow) is \(residualPenalty.points): not shown either way at this budget. "
                : "Here too res-\(deep) trains better than res-\(shallow) (\(residualPenalty.points)). ")
    // One seed can carry the mean: the interaction without the seed where it is largest.
    var robustness = ""
    // Docs/ablation/README.md speaks of the committed run only.
    let readsCommittedRun =
        !loaded.trainedNow
        && (loaded.directory as NSString).standardizingPath.hasSuffix("Docs/ablation")
    if seedCount >= 4,
        let largest = interaction.values.indices.max(by: {
            interaction.values[$0] < interaction.values[$1]
        })
    {
        let rest = PairedDifference(
            seeds: interaction.seeds.enumerated().filter { $0.offset != largest }.map(\.element),
            values: interaction.values.enumerated().filter { $0.offset != largest }.map(\.element))
        // An outlier: the largest seed's interaction more than twice the others' mean.
        let outlier = interaction.values[largest] > 2 * rest.summary.mean
        robustness =
            "\(outlier ? "Deep plain nets at this budget are erratic\(interaction.seeds[largest] == 0 && readsCommittedRun ? " (`Docs/ablation/README.md` records how far a change of arithmetic, Winograd's F(2×2, 3×3) replaced by F(4×4, 3×3), moved seed 0's plain-\(deep))" : ""), and seed" : "Seed") \(interaction.seeds[largest])'s interaction (\(String(format: "%+.1f", 100 * interaction.values[largest])) points) is the largest here. Without that seed it is \(rest.points) over \(rest.values.count) seeds\(rest.isPositive ? ", still above zero" : ", an interval that now contains zero"). "
    }
    cell.prose(summary + paperThird + robustness + tieNote.joined(separator: " "))
    if full {
        cell.check(
            "depth hurts the plain family more than the residual one: the 95% interval of plain's depth penalty minus residual's lies above zero",
            interaction.isPositive, interaction.points)
        let deepest = differences.last!.difference
        cell.check(
            "at depth \(deep) the residual nets train better than their plain twins: the 95% interval of plain − residual lies above zero",
            deepest.isPositive, deepest.points)
    } else {
        cell.prose(
            "(--quick trains too few steps on too little data to show the effect; the full run checks it.)"
        )
    }
    try cell.picture("training-loss.png", caption: "Training loss, plain left, residual right") {
        path in
        try AblationFigures.trainingCurves(results, loss: true).write(to: path, scale: 2)
    }
    let startLoss = { (net: AblationNet) in results.curve(net).loss.first?.mean ?? .nan }
    cell.prose(
        """
        The loss curves add one thing the error curves hide: over the first \(config.window) \
        steps res-\(deep) averages a loss of \(String(format: "%.2f", startLoss(resDeep))), \
        plain-\(deep) \(String(format: "%.2f", startLoss(plainDeep))) (chance, ln 10, is 2.30). \
        At initialisation a residual block passes its input on and adds its branch, so the \
        signal grows block after block within a stage (section 9 measures it); the logits of \
        the deep residual net start large and confidently wrong, while batch norm and the \
        ReLU keep each plain block's output near unit scale. The residual net pays for it in \
        its first steps only.
        """)
}

// MARK: - 5. Test error

notebook.cell("Test error") { cell in
    /// The largest jump between consecutive test-error measurements.
    func jump(_ errors: [Double]) -> Double {
        zip(errors, errors.dropFirst()).map { abs($1 - $0) }.max() ?? 0
    }
    func jump(_ result: NetResult) -> Double { jump(result.evaluations.map(\.score.error)) }
    // The net and seed whose test error jumps most (the first of equals).
    let jumpiest = results.nets.max { jump($0) < jump($1) }!
    let largestJump = (
        size: jump(jumpiest), net: jumpiest.net, seed: jumpiest.seed,
        path: jumpiest.evaluations.map { String(format: "%.1f%%", 100 * $0.score.error) }
            .joined(separator: " → ")
    )
    let images = Format.grouped(results.testImages)
    cell.prose(
        """
        A caveat first about test error: measured in the \
        middle of training, at the constant learning rate, the test error jumps from one \
        measurement to the next (the bold lines above) by up to \
        \(String(format: "%.1f", 100 * largestJump.size)) points (\(largestJump.net), seed \
        \(largestJump.seed): \(largestJump.path)). One possible cause is batch norm's \
        running statistics, the test-time normaliser: a moving average over past batches, \
        which can lag behind weights that still move a lot at a rate of \
        \(config.learningRate). The run keeps no weights from the middle of training, so the \
        test below trains one net again, step for step as the run did, and measures each \
        checkpoint twice: the net of the shallowest depth (the cheapest to train again) whose \
        test error jumps most.
        """)
    // The test: replay the net of the shallowest depth (the cheapest to train again) whose
    // test error jumps most, and at each measurement score it with the running statistics,
    // as the run did, and with statistics re-estimated from training images for the
    // weights of that moment.
    let candidates = results.nets.filter { $0.depth == shallow && $0.evaluations.count >= 2 }
    if let chosen = candidates.max(by: { jump($0) < jump($1) }) {
        let data = try ablationData()
        let evaluationSet = data.testBatches(config.evaluationImages)
        let statisticsBatches = try statisticsBatches()
        let statisticsImages = statisticsBatches.reduce(0) { $0 + $1.shape[0] }
        var measured: [(step: Int, asRun: Double, precise: Double)] = []
        replayed = try NetTraining(config: config, data: data).train(
            chosen.ablationNet, seed: chosen.seed,
            afterEvaluation: { step, model in
                let asRun = score(model, on: evaluationSet).error
                let precise = model.preservingBuffers {
                    model.reestimateBatchNormStatistics(statisticsBatches)
                    return score(model, on: evaluationSet).error
                }
                measured.append((step, asRun, precise))
            }
        ).map { (chosen, $0.model) }
        cell.table(
            [
                "\(chosen.net), seed \(chosen.seed), after step",
                "test error, running statistics (as in the run)",
                "test error, statistics re-estimated (\(Format.grouped(statisticsImages)) training images)",
            ],
            measured.map { [String($0.step), percent($0.asRun), percent($0.precise)] })
        let asRunJump = jump(measured.map(\.asRun))
        let preciseJump = jump(measured.map(\.precise))
        /// The largest rise between consecutive measurements: a net scoring worse than before.
        func rise(_ errors: [Double]) -> Double {
            zip(errors, errors.dropFirst()).map { $1 - $0 }.max() ?? 0
        }
        let asRunRise = rise(measured.map(\.asRun))
        let preciseRise = rise(measured.map(\.precise))
        let verdict =
            preciseJump < asRunJump / 2
            ? "In this net the jumps shrink by more than half: most of them came from the running statistics' lag, not from the weights."
            : preciseJump < asRunJump
                ? "In this net the jumps shrink, but not by half: the lag of the running statistics explains part of them, and the weights themselves still move a lot from one checkpoint to the next."
                : "In this net the jumps do not shrink: the running statistics are not the cause; the weights themselves move that much from one checkpoint to the next."
        // The largest rise of any net, which may be a deeper one than the replayed net.
        let worst = results.nets.map { r in (r, rise(r.evaluations.map(\.score.error))) }
            .max { $0.1 < $1.1 }
        let deeperNote =
            worst.map { r, size in
                r.depth == shallow
                    ? ""
                    : " The largest rise of the whole run is a deeper net's, \(r.net) seed \(r.seed) (\(r.evaluations.map { percent($0.score.error) }.joined(separator: " → "))), which this lesson does not train again (too slow here): whether its jumps are the statistics too is not tested."
            } ?? ""
        cell.prose(
            """
            Each checkpoint is scored twice on the same \(Format.grouped(evaluationSet.count)) \
            test images: with the running statistics, as the run did, and after replacing them \
            by the average batch statistics of \(statisticsBatches.count) batches of training \
            images passed through the net at that moment (batch norm in training mode, no \
            update of the weights; "precise" statistics). The largest jump between \
            consecutive measurements is \(String(format: "%.1f", 100 * asRunJump)) points with \
            the running statistics and \(String(format: "%.1f", 100 * preciseJump)) with the \
            re-estimated ones; a fall is partly learning, so look at the rises too, a \
            measurement worse than the one before: at most \
            \(asRunRise > 0 ? "\(String(format: "%.1f", 100 * asRunRise)) points" : "none") with \
            the running statistics, \(preciseRise > 0 ? "\(String(format: "%.1f", 100 * preciseRise)) points" : "none") with the re-estimated ones. \
            \(verdict)\(deeperNote)
            """)
        cell.check(
            "the replay reproduces the run's test errors at every measurement, to the last digit",
            measured.map(\.asRun) == chosen.evaluations.map(\.score.error),
            measured.map { percent($0.asRun) }.joined(separator: ", "))
    }
    cell.prose(
        """
        Test error after training, on \(images) test images; the last \(config.decayIterations) \
        steps run at a tenth of the rate so that these final numbers are measured on nets \
        that move less from step to step:
        """)
    var rows: [[String]] = []
    for net in config.nets {
        rows.append([net.name, results.testError(net).percent, finalTrain[net]!.percent])
    }
    cell.table(["net", "test error", "training error"], rows)
    let plainTest = results.testError(plainDeep).mean
    let resTest = results.testError(resDeep).mean
    cell.prose(
        """
        plain-\(deep) ends at \(percent(plainTest)) test error, res-\(deep) at \
        \(percent(resTest)). \(finalTrain[plainDeep]!.mean > finalTrain[resDeep]!.mean
            ? "The plain net is not overfitting: its training error is higher too. It is failing to fit."
            : "In this run the training errors do not separate the two.") \
        These are small-budget numbers, a few hundred steps instead of 64,000, so every net is \
        far from its best, and they are not comparable with the paper's CIFAR-10 errors.
        """)
    if full {
        cell.check(
            "res-\(deep) has a lower test error than plain-\(deep)", resTest < plainTest,
            "\(percent(resTest)) vs \(percent(plainTest))")
    }
}

// MARK: - 6. The constructed solution

notebook.cell("A deeper net that starts as the shallow one") { cell in
    let data = try ablationData()
    // The trained plain net of the shallowest depth: section 5's replay when it was that
    // net, else the same seed trained again here.
    let source: NetResult
    let shallowModel: ResNet
    let origin: String
    if let replayed, replayed.result.ablationNet == plainShallow {
        (source, shallowModel) = replayed
        origin = "the net section 5 trained again"
    } else {
        source =
            results.results(plainShallow).first { $0.seed == replayed?.result.seed }
            ?? results.results(plainShallow)[0]
        guard
            let trained = try NetTraining(config: config, data: data).train(
                plainShallow, seed: source.seed)
        else { return }
        shallowModel = trained.model
        origin = "trained again here, step for step as in the run"
    }
    let statistics = try statisticsBatches()
    let deepConfiguration = ResNet.Configuration.ablation(
        depth: deep, residual: false, classes: shallowModel.configuration.classes,
        inputChannels: shallowModel.configuration.inputChannels)
    let constructed = shallowModel.deepened(to: deepConfiguration, statistics: statistics)
    let extraBlocks = constructed.blocks.count - shallowModel.blocks.count
    cell.prose(
        """
        He et al.'s argument that depth alone should not hurt (section 1 of the paper) is a \
        construction: take a trained shallow net, add layers that compute the identity, and \
        the deeper net fits its training data exactly as well, so a deeper net *has* a \
        solution at least as good. Build it. plain-\(deep) below has plain-\(shallow)'s \
        trained stem, classifier and blocks (seed \(source.seed), \(origin)) first in each \
        stage (\(shallowModel.configuration.blocksPerStage.map(String.init).joined(separator: ", ")) \
        of its \(deepConfiguration.blocksPerStage.map(String.init).joined(separator: ", ")) \
        blocks), and \(extraBlocks) extra blocks after them, each made to pass its input on: \
        both 3×3 convolutions are identity kernels, and both batch norms get as running mean \
        and variance the statistics of what the stage's copied blocks hand on while training \
        (averaged over \(statistics.count) batches of training images), with γ = √(variance + \
        ε) and β = mean, so that in eval mode each batch norm undoes its own normalisation. \
        `ResNet.deepened(to:statistics:)` does it; the extra blocks:
        """)
    try cell.listing("deepened-extra-blocks", in: "Sources/ResNetModels/ResNet+Deepened.swift")

    // How close to plain-18 the start is: eval-mode logits on the test images, and
    // training-mode errors on the first batches both nets will train on.
    let evaluationSet = data.testBatches(config.evaluationImages)
    /// The logits of `model` for `x` in the mode asked for, its buffers (running
    /// statistics) left as they were.
    func logits(_ model: ResNet, _ x: Tensor, training: Bool) -> Tensor {
        model.train(training)
        defer { model.train() }
        return model.preservingBuffers { Tensor.withoutGrad { model(x) } }
    }
    /// Both nets on the same batches in one mode, forward only: the largest |logit
    /// difference|, plain-18's largest |logit|, and each net's error on each batch.
    func compare(_ batches: [(images: Tensor, labels: [Int])], training: Bool) -> (
        gap: Float, scale: Float, shallowErrors: [Double], constructedErrors: [Double]
    ) {
        var (gap, scale): (Float, Float) = (0, 0)
        var (shallowErrors, constructedErrors): ([Double], [Double]) = ([], [])
        func error(_ logits: Tensor, _ labels: [Int]) -> Double {
            var tally = EvaluationTally()
            tally.addPredictions(logits: logits, labels: labels)
            return tally.error
        }
        for batch in batches {
            let expected = logits(shallowModel, batch.images, training: training)
            let got = logits(constructed, batch.images, training: training)
            scale = max(scale, expected.data.map(abs).max() ?? 0)
            gap = max(gap, zip(got.data, expected.data).map { abs($0 - $1) }.max() ?? 0)
            shallowErrors.append(error(expected, batch.labels))
            constructedErrors.append(error(got, batch.labels))
        }
        return (gap, scale, shallowErrors, constructedErrors)
    }
    let (evalGap, evalScale, _, _) = compare(evaluationSet.batches, training: false)
    let shallowStart = score(shallowModel, on: evaluationSet)
    let constructedStart = score(constructed, on: evaluationSet)

    // Both nets go on from here on the same batches, those the run's batch order holds after
    // its last step, at the rate the run ended with.
    var onward = config
    onward.iterations = full ? 100 : 10
    onward.learningRate = config.learningRate(atStep: config.iterations - 1)
    onward.decayIterations = 0
    onward.finalDecayIterations = nil
    onward.window = full ? 20 : 2
    onward.evaluations = 1
    onward.testLimit = config.evaluationImages
    let runOrder = data.trainLoader(
        batchSize: config.batchSize, seed: AblationSeeds(source.seed).data)
    let firstWindow = Array(
        runOrder.batches(from: runOrder.position(afterSteps: config.iterations))
            .prefix(onward.window))
    // The training-mode errors and logits of both nets on those batches, before any update.
    let (trainGap, trainScale, shallowBefore, constructedBefore) = compare(
        firstWindow.map { ($0.images, $0.labels) }, training: true)
    let windowImages = firstWindow.reduce(0) { $0 + $1.labels.count }
    cell.table(
        [
            "mode", "plain-\(shallow) error", "constructed plain-\(deep) error",
            "largest |logit difference|", "largest |logit|",
        ],
        [
            [
                "eval, \(Format.grouped(evaluationSet.count)) test images",
                percent(shallowStart.error), percent(constructedStart.error),
                String(format: "%.2g", evalGap), String(format: "%.3g", evalScale),
            ],
            [
                "training, the next \(onward.window) batches of the run (\(Format.grouped(windowImages)) images), no update",
                percent(arithmeticMean(shallowBefore)), percent(arithmeticMean(constructedBefore)),
                String(format: "%.2g", trainGap), String(format: "%.3g", trainScale),
            ],
        ])
    cell.prose(
        """
        How close to the identity is that? In eval mode, equal up to rounding (in the batch \
        norms' scaling and in the Winograd transforms of the 3×3 convolutions, which do not \
        pass an identity kernel bit for bit): the logits differ by at most \
        \(String(format: "%.2g", evalGap)), against plain-\(shallow)'s largest logit of \
        \(String(format: "%.3g", evalScale)) in size, and the two nets score \
        \(percent(shallowStart.error)) and \(percent(constructedStart.error)) test error. So \
        the deeper plain net can represent what the shallow one learned: capacity is not in \
        question. In training mode, which is what SGD sees, they are not the same function: \
        each of the \(2 * extraBlocks) extra batch norms normalises by the batch's own mean and \
        variance, not by the averages it was set with, so the extra blocks are only near the \
        identity. Through \(extraBlocks) of them the logits move by up to \
        \(String(format: "%.2g", trainGap)) (against plain-\(shallow)'s largest of \
        \(String(format: "%.3g", trainScale))), \
        and on the batches they will train on next, before any update, the constructed net's \
        training-mode error is \(percent(arithmeticMean(constructedBefore))) against \
        plain-\(shallow)'s \(percent(arithmeticMean(shallowBefore))). No setting of a batch \
        norm can make a plain block the identity in training mode: multiply the whole batch \
        by any c > 0 and the block's output does not change (its first batch norm divides \
        the scale out), so it cannot return c times its input. (For a residual net the \
        construction is exact in both modes: γ = 0 in a block's last batch norm makes its \
        branch add exactly zero; the tests check both cases.)
        """)
    cell.check(
        "before training on, the constructed plain-\(deep) scores plain-\(shallow)'s eval-mode test error, its logits differing from plain-\(shallow)'s by at most 1e-4 × the largest |logit|",
        constructedStart.error == shallowStart.error && evalGap <= 1e-4 * max(1, evalScale),
        "\(percent(constructedStart.error)) vs \(percent(shallowStart.error)); largest difference \(String(format: "%.2g", evalGap))"
    )

    let trainer = NetTraining(config: onward, data: data)
    guard
        let continued = try trainer.train(
            plainShallow, seed: source.seed, continuing: (shallowModel, config.iterations)),
        let deeper = try trainer.train(
            plainDeep, seed: source.seed, continuing: (constructed, config.iterations))
    else { return }
    let shallowCurve = continued.result.curve(window: onward.window)
    let deepCurve = deeper.result.curve(window: onward.window)
    cell.prose(
        """
        That settles what the deeper net can represent. He et al. conclude from the \
        construction that the trouble is the solver: SGD is "unable to find" solutions as \
        good, "or unable to do so in feasible time" (section 1). What follows tests a weaker \
        thing, whether SGD *keeps* such a solution once handed it; that it does not *find* \
        one is section 4's evidence, plain-\(deep) trained from random weights. Train both on \
        for \(onward.iterations) more steps at the rate the run ended with (\(onward.learningRate); momentum starts afresh, weight decay and \
        batch size as in the run), on the same batches: those the run's order for seed \
        \(source.seed) holds after step \(config.iterations). Training error (the batches' \
        own, in training mode as in section 4) over each \(onward.window) steps:
        """)
    cell.table(
        ["steps", "plain-\(shallow), trained on", "constructed plain-\(deep), trained on"],
        zip(shallowCurve, deepCurve).map { a, b in
            [
                "\(a.iteration - onward.window + 1)-\(a.iteration)", percent(a.trainError),
                percent(b.trainError),
            ]
        })
    // The gap (constructed minus shallow) is paired batch by batch, on the first window
    // before any update and over all the steps of training on: its change is what SGD did
    // to the constructed net relative to the shallow one, with a standard error from the
    // spread of the per-batch differences (sampling noise of the images only; one seed and
    // one batch order say nothing about the spread over SGD paths).
    let before = PairedGap(constructedBefore, shallowBefore)
    let during = PairedGap(
        deeper.result.stepError.map(Double.init), continued.result.stepError.map(Double.init))
    let lastSteps = (onward.iterations - onward.window)..<onward.iterations
    let last = PairedGap(
        lastSteps.map { Double(deeper.result.stepError[$0]) },
        lastSteps.map { Double(continued.result.stepError[$0]) })
    let change = PairedGap.Change(from: before, to: during)
    let outcome =
        !full
        ? "This --quick run is too short to say anything: the numbers show the code runs."
        : change.mean > 2 * change.standardError
            ? "That change is more than twice its standard error: in this seed and these \(onward.iterations) steps the constructed net lost ground to plain-\(shallow), by \(String(format: "%.2f", 100 * change.mean)) points."
            : change.mean < -2 * change.standardError
                ? "That change is more than twice its standard error the other way: in this seed and these \(onward.iterations) steps the constructed net gained \(String(format: "%.2f", -100 * change.mean)) points on plain-\(shallow)."
                : "That change is within twice its standard error (\(String(format: "%.1f", abs(change.mean) / max(change.standardError, 1e-12))) of them): in this seed and these \(onward.iterations) steps SGD kept the constructed net, on average over the \(onward.iterations) steps, within about \(String(format: "%.1f", 100 * abs(during.mean) + 200 * during.standardError)) points of plain-\(shallow) (the average gap plus two standard errors; single windows of the table stray further), a loss this measurement cannot tell from none."
    let scratch = results.results(plainDeep).first { $0.seed == source.seed }
    let scratchErrors = results.results(plainDeep).map {
        $0.finalTraining(window: config.window).trainError
    }
    let scratchNote =
        scratch.map { $0.finalTraining(window: config.window).trainError }.map { own in
            " For scale, plain-\(deep) trained from random weights in the run ended at \(percent(own)) training error in this seed\(scratchErrors.count > 1 ? " (mean \(percent(arithmeticMean(scratchErrors))) over the run's \(scratchErrors.count) seeds\(scratchErrors.max()! == own ? ", this seed the worst" : ", \(percent(scratchErrors.max()!)) the worst"))" : ""), plain-\(shallow) at \(percent(source.finalTraining(window: config.window).trainError))."
        } ?? ""
    cell.prose(
        """
        Paired batch by batch (± one standard error over the batches), the constructed \
        net's training error minus plain-\(shallow)'s is \(before.description) on the first \
        \(onward.window) batches before any update, \(during.description) over all \
        \(onward.iterations) steps of training on, and \(last.description) over the last \
        \(onward.window); from before to during, the gap changes by \(change.description). \
        \(outcome)\(full ? " (The standard error of the change treats the two gaps as independent; they share their first \(onward.window) batches, and neighbouring steps are correlated, so it is approximate.)" : "")\(scratchNote) \
        \(full ? "What this does not show: one seed and one batch order, so nothing about how much another seed would differ; \(onward.iterations) steps at the run's last rate, \(onward.learningRate), a tenth of the rate plain-\(deep) spent \(config.decayStart) of its \(config.iterations) steps at, so the weights move little (at \(config.learningRate) both nets could be knocked off their minima, and the test would mix keeping a solution with recovering from a larger rate); and the start was exact only in eval mode, so in training mode SGD began a little off the solution." : "")
        """)
}

/// A mean difference of two error rates measured on the same batches, with its standard
/// error over the batches.
struct PairedGap: CustomStringConvertible {
    var mean: Double
    var standardError: Double

    init(_ a: [Double], _ b: [Double]) {
        let differences = zip(a, b).map { $0 - $1 }
        let n = Double(differences.count)
        let average = differences.reduce(0, +) / n
        let variance =
            differences.map { ($0 - average) * ($0 - average) }.reduce(0, +) / max(n - 1, 1)
        mean = average
        standardError = (variance / n).squareRoot()
    }

    /// "+1.23 ± 0.80 points".
    var description: String {
        String(format: "%+.2f ± %.2f points", 100 * mean, 100 * standardError)
    }

    /// The difference of two gaps, `to` minus `from`, their standard errors combined in
    /// quadrature as if independent (when they share batches, as section 6's do, the
    /// positive correlation makes this an overestimate).
    struct Change: CustomStringConvertible {
        var mean: Double
        var standardError: Double

        init(from: PairedGap, to: PairedGap) {
            mean = to.mean - from.mean
            standardError =
                (from.standardError * from.standardError
                + to.standardError * to.standardError).squareRoot()
        }

        /// "+0.24 ± 0.41 points".
        var description: String {
            String(format: "%+.2f ± %.2f points", 100 * mean, 100 * standardError)
        }
    }
}

/// The arithmetic mean of `values`.
func arithmeticMean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

// MARK: - 7. Gradients at initialisation

notebook.cell("Vanishing gradients? Look before training") { cell in
    cell.prose(
        """
        The textbook story says deep plain nets fail because the gradient vanishes on its way \
        back to the first layers. Measure it: one batch of \
        \(config.analysis.diagnosticImages) training images through the untrained nets \
        (batch norm in training mode, as the first step sees it), and the norm of the weight \
        gradient ‖∂L/∂W‖ of every layer.
        """)
    try cell.picture(
        "gradient-norms.png",
        caption: "Weight gradient per layer at initialisation; dashed: plain, solid: residual"
    ) { path in
        try AblationFigures.gradientNorms(results).write(to: path, scale: 2)
    }
    func profile(_ net: AblationNet) -> [Double] {
        results.initDiagnostics[0].gradients.first { $0.net == net.name }!.norms
    }
    var rows: [[String]] = []
    for net in config.nets {
        let norms = profile(net)
        let blocks = Array(norms[1..<(norms.count - 1)])
        rows.append([
            net.name, number(norms.first!), number(blocks.first!), number(blocks.last!),
            number(blocks.first! / blocks.last!),
        ])
    }
    cell.prose(
        """
        The figure shows the mean over the \(results.initDiagnostics.count) seeds; the table \
        and the numbers below are seed \(results.initDiagnostics[0].seed)'s alone:
        """)
    cell.table(["net", "stem conv", "first block conv", "last block conv", "first / last"], rows)
    let plainProfile = profile(plainDeep)
    let resProfile = profile(resDeep)
    let plainRatio = plainProfile[1] / plainProfile[plainProfile.count - 2]
    let resBlocks = Array(resProfile[1..<(resProfile.count - 1)])
    let resSpread = resBlocks.max()! / resBlocks.min()!
    let perLayer = pow(plainRatio, 1 / Double(plainProfile.count - 3))
    cell.prose(
        """
        \(perLayer > 1 ? "Nothing vanishes." : "Here the gradient shrinks a little.") In \
        plain-\(deep) the gradient changes by about \(String(format: "%.2f", perLayer))× per \
        layer on its way back, so the first block's convolution gets \(number(plainRatio))× \
        the gradient of the last one. In a deep plain stack with batch norm it grows: Yang et \
        al. (2019), "A Mean Field Theory of Batch Normalization", show that batch norm makes \
        the gradients of a plain network explode with depth at initialisation (ICLR 2019; \
        stated in their abstract); their theory and experiments are for \
        fully-connected networks with no shortcuts, and their study of training reports the \
        range much smaller after a single step (lesson 03 saw the explosion in a stack of \
        50 convolutional layers). In res-\(deep) the shortcuts carry the gradient \
        past every block, and the block convolutions all get gradients within a factor of \
        \(number(resSpread)) of each other. So He et al. were right that vanishing is not the \
        problem. What the plain net has instead, at initialisation, is a gradient whose scale \
        changes by orders of magnitude across its depth, so that one learning rate is too \
        large for its first layers or too small for its last. The end of this section \
        measures how long that lasts once training starts.
        """)
    if full {
        cell.check(
            "plain-\(deep)'s gradient grows from the last block to the first (by more than 10×)",
            plainRatio > 10, "\(number(plainRatio))×")
        cell.check(
            "res-\(deep)'s block gradients stay within a factor of 10 of each other",
            resSpread < 10, "\(number(resSpread))×")
    }

    // Reproducibility: the run's numbers, recomputed here and now.
    let seed = config.seeds[0]
    let images = try ablationData().train.prefix(config.analysis.diagnosticImages)
    let recomputed = Diagnostics.gradientProfile(
        plainShallow.build(seed: AblationSeeds(seed).model), net: plainShallow.name,
        images: images.allImages(), labels: images.labels)
    let stored = results.initDiagnostics[0].gradients.first { $0.net == plainShallow.name }!
    let worst = zip(recomputed.norms, stored.norms).map { abs($0 - $1) / $1 }.max() ?? .nan
    cell.output(
        "plain-\(shallow)'s gradient profile recomputed on this machine now: "
            + (recomputed.norms == stored.norms
                ? "identical to the run's, to the last digit"
                : String(format: "largest relative difference from the run's %.1e", worst)))
    cell.prose(
        """
        The kernels add every sum in the same order whatever the thread count and the \
        instruction set (lesson 12 shows how), so on any x86-64 machine this comes out \
        identical to the last digit, AVX-512 or AVX2. The check allows a relative 1e-4 all \
        the same: another platform's math library may round its exp and log differently.
        """)
    cell.check(
        "recomputed now, plain-\(shallow)'s gradient profile agrees with the run's (within 1e-4)",
        worst < 1e-4, String(format: "%.1e", worst))

    // Does the range persist once training starts? Replay plain-56's first steps of seed 0
    // (the same initial weights, batches and optimiser as the run) and measure the profile on
    // the same diagnostic batch at steps 0, 1, 10 and 100.
    guard full else { return }
    let data = try ablationData()
    let seeds = AblationSeeds(seed)
    let replay = plainDeep.build(seed: seeds.model)
    let optimizer = try SGD(
        parameters: replay.parameters, learningRate: config.learningRate,
        momentum: config.momentum, weightDecay: config.weightDecay)
    let loader = data.trainLoader(batchSize: config.batchSize, seed: seeds.data)
    let measuredSteps = [0, 1, 10, 100]
    var ranges: [(step: Int, ratio: Double)] = []
    func measure(_ step: Int) {
        let norms = Diagnostics.gradientProfile(
            replay, net: plainDeep.name, images: images.allImages(), labels: images.labels
        ).norms
        ranges.append((step, norms[1] / norms[norms.count - 2]))
    }
    var step = 0
    for batch in loader.batches().prefix(measuredSteps.last!) {
        if measuredSteps.contains(step) { measure(step) }
        replay.train()
        optimizer.zeroGrad()
        crossEntropy(logits: replay(batch.images), targets: batch.labels).backward()
        optimizer.step()
        step += 1
    }
    measure(step)
    cell.table(
        ["plain-\(deep), seed \(seed), after step", "first block conv / last block conv"],
        ranges.map { ["\($0.step)", number($0.ratio)] })
    let later = ranges.last!.ratio
    cell.prose(
        """
        Replaying plain-\(deep)'s first \(measuredSteps.last!) steps of seed \(seed) (the same \
        weights, batches and optimiser as the run; each profile on the same diagnostic \
        batch): the first block's gradient is \(ranges.map { number($0.ratio) + "×" }.joined(separator: ", ")) \
        the last block's at steps \(measuredSteps.map(String.init).joined(separator: ", ")). \
        \(ranges[1].ratio < ranges[0].ratio / 10 ? "One step shrinks the explosion from \(number(ranges[0].ratio))× to \(number(ranges[1].ratio))×, as Yang et al. report for their fully-connected nets, though not to nothing\(ranges.first { $0.ratio < 1 && $0.step != ranges.last!.step }.map { "; by step \($0.step) it has turned round (the first block gets \(number(1 / $0.ratio))× less gradient than the last)" } ?? "")" : "The explosion at initialisation outlasts the first step")\
        \(later < 1 ? ", and at step \(measuredSteps.last!) the first block gets less gradient than the last (\(number(1 / later))× less)" : ""). \
        \(later < ranges[0].ratio / 10 ? "So the \(number(ranges[0].ratio))× of step 0 is not what the plain net fights for most of its training; this replay does not say what it does fight, which the sections below look at from other sides." : "So the plain net trains, for at least \(measuredSteps.last!) steps, with a gradient whose scale varies by \(number(later))× across its depth.")
        """)
}

// MARK: - 8. Shattered gradients

notebook.cell("Shattered gradients") { cell in
    let shattered = results.shattered
    cell.prose(
        """
        Balduzzi et al. (2017), "The Shattered Gradients Problem", looked at the gradient as a \
        function of the input. In a deep plain net, the gradient at one input and at an input \
        very close to it are almost unrelated: as depth grows the gradient looks more and more \
        like white noise, and a step of gradient descent learns little that carries over to \
        nearby inputs. Shortcuts keep nearby gradients alike. The measurement: \
        \(shattered[0].pairs) training images, each paired with a point 1/32 of the way to \
        another image; the correlation between ∂f/∂x at the two, for a fixed random read-out f \
        of the logits, averaged over the pairs; untrained nets at depths \
        \(shattered[0].depths.map(String.init).joined(separator: ", ")).
        """)
    try cell.picture(
        "shattered-gradients.png",
        caption: "Correlation of the gradients at nearby inputs, at initialisation"
    ) { path in
        try AblationFigures.shatteredGradients(results).write(to: path, scale: 2)
    }
    let plain = MeanStd.columns(shattered.map(\.plain)).map(\.mean)
    let residual = MeanStd.columns(shattered.map(\.residual)).map(\.mean)
    cell.table(
        ["depth", "plain", "residual"],
        zip(shattered[0].depths, zip(plain, residual)).map { depth, pair in
            ["\(depth)", String(format: "%.3f", pair.0), String(format: "%.3f", pair.1)]
        })
    cell.check(
        "at depth \(shattered[0].depths.last!), nearby gradients agree more in the residual net than in the plain one",
        residual.last! > plain.last!,
        String(format: "%.3f vs %.3f", residual.last!, plain.last!))
    if full {
        cell.check(
            "the plain net's correlation falls from the shallowest to the deepest net",
            plain.last! < plain.first!,
            String(format: "%.3f → %.3f", plain.first!, plain.last!))
    }
}

// MARK: - 9. Layer responses

notebook.cell("Layer responses (the paper's Figure 7)") { cell in
    cell.prose(
        """
        He et al. (section 4.2, Figure 7) measured the standard deviation of every 3×3 layer's \
        output after batch norm, before the ReLU or the addition, in the trained nets, and \
        found the ResNets' responses generally smaller than the plain nets': a residual \
        block only has to add a small correction, which supports their view that the \
        shortcuts make the identity easy to reach. The same measurement on our trained nets \
        (eval mode, \(config.analysis.diagnosticImages) test images; each channel's standard \
        deviation over images and positions, averaged over the channels):
        """)
    try cell.picture(
        "layer-responses.png",
        caption:
            "Standard deviation of each 3×3 layer's response after training; dashed: plain, solid: residual"
    ) { path in
        try AblationFigures.layerResponses(results).write(to: path, scale: 2)
    }
    var rows: [[String]] = []
    var means: [AblationNet: Double] = [:]
    for net in config.nets {
        let profiles = results.trained.compactMap { t in t.responses.first { $0.net == net.name } }
        let mean = MeanStd(
            profiles.map { $0.layerResponses.reduce(0, +) / Double($0.layerResponses.count) }
        ).mean
        means[net] = mean
        rows.append([net.name, String(format: "%.3f", mean)])
    }
    cell.table(["net", "mean response std"], rows)
    // Figure 7's claim, layer by layer: a mean can hide where a difference comes from.
    func layerMeans(_ net: AblationNet) -> [Double] {
        MeanStd.columns(
            results.trained.compactMap { t in t.responses.first { $0.net == net.name } }
                .map(\.layerResponses)
        ).map(\.mean)
    }
    let plainLayers = layerMeans(plainDeep)
    let residualLayers = layerMeans(resDeep)
    let layerCount = min(plainLayers.count, residualLayers.count)
    let smaller = (0..<layerCount).filter { residualLayers[$0] < plainLayers[$0] }.count
    let head = min(10, layerCount)
    let smallerPastHead = (head..<layerCount).filter { residualLayers[$0] < plainLayers[$0] }.count
    func average(_ values: ArraySlice<Double>) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }
    let residualByDepth = depths.map { means[AblationNet(depth: $0, residual: true)]! }
    let shrinksWithDepth = zip(residualByDepth, residualByDepth.dropFirst()).allSatisfy { $0 > $1 }
    // Figure 7's two findings: residual layers respond less than plain ones (layer by layer,
    // not only on average), and less the deeper the net.
    let mostSmaller = 2 * smaller > layerCount
    let restPlain = average(plainLayers[head..<layerCount])
    let restResidual = average(residualLayers[head..<layerCount])
    let restGap = (restPlain - restResidual) / restPlain
    var holds: [String] = []
    var fails: [String] = []
    (mostSmaller
        ? { holds.append("res-\(deep) responds less in most layers") }
        : {
            fails.append("res-\(deep) does not respond less in most layers")
        })()
    (restGap > 0.05
        ? {
            holds.append("the gap persists past the first \(head) layers")
        }
        : {
            fails.append(
                "past the first \(head) layers the two respond within \(String(format: "%.0f", 100 * abs(restGap)))% of each other, so the gap in the means comes from the first layers"
            )
        })()
    (shrinksWithDepth
        ? { holds.append("the residual responses shrink with depth") }
        : {
            fails.append("the residual responses do not shrink with depth")
        })()
    let verdict =
        fails.isEmpty
        ? "So the paper's finding is reproduced: " + Format.list(holds) + "."
        : (holds.isEmpty
            ? "So the paper's finding is not reproduced here: "
            : "So the paper's finding is reproduced only in part: " + Format.list(holds)
                + "; but ") + fails.joined(separator: ", and ") + ". After \(config.iterations) "
            + "steps the nets are far from the trained nets of Figure 7, which ran 64,000; this run "
            + "does not say what training that long would show."
    cell.prose(
        """
        At depth \(deep) the means are plain \(String(format: "%.3f", means[plainDeep]!)) and \
        residual \(String(format: "%.3f", means[resDeep]!)), but a mean can hide where a \
        difference comes from. Layer by layer, res-\(deep) responds less than plain-\(deep) \
        in \(smaller) of \(layerCount) layers (\(smallerPastHead) of the \(layerCount - head) \
        past layer \(head)). Over the first \(head) layers plain averages \
        \(String(format: "%.3f", average(plainLayers[..<head]))) and residual \
        \(String(format: "%.3f", average(residualLayers[..<head]))); over layers \(head + 1) to \
        \(layerCount), \(String(format: "%.3f", average(plainLayers[head..<layerCount]))) and \
        \(String(format: "%.3f", average(residualLayers[head..<layerCount]))). In Figure 7 the \
        residual responses also shrink as the nets get deeper; ours are \
        \(residualByDepth.map { String(format: "%.3f", $0) }.joined(separator: ", ")) at \
        depths \(depths.map(String.init).joined(separator: ", ")). \
        \(verdict)

        What the measurement reads, in eval mode: a channel's response after batch norm is \
        γ (x − μ) / σ + β with the running μ and σ, so over the test images its standard \
        deviation is |γ| times the ratio of x's spread to σ, close to |γ| itself when the \
        running statistics fit the data. So Figure 7's measure (He et al.'s nets had batch \
        norm there too) is close to a readout of the scales γ that training left in each \
        layer; this run's analysis files record the responses, not the γ, so how close is \
        not shown here.
        """)
    try cell.picture(
        "block-outputs-init.png",
        caption: "Standard deviation of each block's output at initialisation"
    ) { path in
        try AblationFigures.blockOutputsAtInit(results).write(to: path, scale: 2)
    }
    cell.prose(
        """
        At initialisation the picture is different again. A plain block ends in batch norm \
        (γ = 1, β = 0: a standard normal signal, roughly) and a ReLU, and the standard \
        deviation of a ReLU of a standard normal is √(1/2 − 1/(2π)) ≈ 0.584, in every block. A \
        residual block outputs relu(x + F(x)): the variances of x and F(x) add up (before the \
        ReLU, which then cuts part of the sum), so the signal grows through a stage; it drops \
        where a stage begins, because there option A doubles the channels with zero ones, \
        which carry nothing.
        """)
    let plainOutputs = config.nets.filter { !$0.residual }.flatMap { net in
        results.initDiagnostics.flatMap { d in
            d.responses.first { $0.net == net.name }?.output ?? []
        }
    }
    let expected = (0.5 - 1 / (2 * Double.pi)).squareRoot()
    let worst = plainOutputs.map { abs($0 - expected) / expected }.max() ?? .nan
    cell.prose(
        """
        (Batch norm standardises each channel but does not make it Gaussian, so the plain \
        blocks scatter around 0.584 rather than sit on it: the largest deviation here is \
        \(String(format: "%.0f", 100 * worst))%.)
        """)
    cell.check(
        "every plain block's output at initialisation has a standard deviation within 20% of 0.584",
        worst < 0.2, String(format: "largest deviation %.1f%%", 100 * worst))
    // Growth through each stage of the deepest residual net: from its first block to its
    // last, and step by step (the ReLU after the sum can make one step shrink a little).
    let stages = ResNet.Configuration.ablation(depth: deep).blocksPerStage
    var steps = 0
    var shrinking: [String] = []
    var stagesGrow = true
    for diagnostics in results.initDiagnostics {
        guard let outputs = diagnostics.responses.first(where: { $0.net == resDeep.name })?.output
        else {
            stagesGrow = false
            continue
        }
        var start = 0
        for (stageIndex, count) in stages.enumerated() {
            let stage = Array(outputs[start..<(start + count)])
            stagesGrow = stagesGrow && stage.last! > stage.first!
            for i in 0..<(count - 1) {
                steps += 1
                if stage[i + 1] <= stage[i] {
                    shrinking.append(
                        "seed \(diagnostics.seed), stage \(stageIndex + 1), block \(i + 1) → "
                            + "\(i + 2): \(String(format: "%.3f", stage[i])) → "
                            + "\(String(format: "%.3f", stage[i + 1]))")
                }
            }
            start += count
        }
    }
    cell.prose(
        """
        In res-\(deep), over the \(results.initDiagnostics.count) seeds, the output grows in \
        \(steps - shrinking.count) of \(steps) steps from one block to the next within a stage\
        \(shrinking.isEmpty ? "." : "; it shrinks in " + shrinking.joined(separator: "; ") + ".")
        """)
    cell.check(
        "in res-\(deep) every stage's last block outputs more than its first (every seed)",
        stagesGrow)
}

// MARK: - 10. Lesions

notebook.cell("Deleting blocks (Veit et al. 2016)") { cell in
    let lesions = results.trained.flatMap(\.lesions)
    cell.prose(
        """
        Veit, Wilber and Belongie (2016), "Residual Networks Behave Like Ensembles of \
        Relatively Shallow Networks", deleted single blocks from a trained ResNet at test time \
        (section 4.1: a 110-layer ResNet on CIFAR-10, a 200-layer one on ImageNet): \
        the error rose only a little, a little more at the blocks that change the \
        resolution; doing \
        the same to a plain network (VGG) sent it to chance. Their reading: a ResNet is like \
        an ensemble of many paths of different lengths, and no single block is essential. \
        Here each block of the trained depth-\(deep) nets is deleted in turn: a residual block \
        leaves its shortcut, a plain block leaves the same parameter-free mapping (identity, or \
        subsampling and zero channels at a stage boundary). Test error on the first \
        \(Format.grouped(config.analysis.lesionImages)) test images.
        """)
    try cell.picture("lesions.png", caption: "Test error with one block deleted") { path in
        try AblationFigures.lesions(results).write(to: path, scale: 2)
    }
    func summary(_ residual: Bool) -> (intact: Double, mean: Double, worst: Double) {
        let mine = lesions.filter { $0.net.hasPrefix(residual ? "res-" : "plain-") }
        let errors = mine.flatMap { $0.lesioned.map(\.error) }
        return (
            MeanStd(mine.map(\.intact.error)).mean, errors.reduce(0, +) / Double(errors.count),
            errors.max()!
        )
    }
    let plain = summary(false)
    let residual = summary(true)
    cell.table(
        ["net", "intact", "mean with one block deleted", "worst deletion"],
        [
            [plainDeep.name, percent(plain.intact), percent(plain.mean), percent(plain.worst)],
            [
                resDeep.name, percent(residual.intact), percent(residual.mean),
                percent(residual.worst),
            ],
        ])
    // The deletions that cost the residual net most, averaged over the seeds.
    let resLesions = lesions.filter { $0.net.hasPrefix("res-") }
    let costs = MeanStd.columns(resLesions.map { $0.lesioned.map(\.error) }).map(\.mean)
    let worstBlocks = costs.indices.sorted { costs[$0] > costs[$1] }.prefix(3).map { index in
        "\(resLesions[0].blocks[index]) (test error \(percent(costs[index])) on average)"
    }
    let worstIndex = costs.indices.max { costs[$0] < costs[$1] } ?? 0
    let ranking = costs.indices.sorted { costs[$0] > costs[$1] }
    let chanceLevel = 0.8
    // Deletions that leave res-56 near chance on average over the seeds, with their range.
    // A deletion's test error: its mean and its range over the seeds.
    func overSeeds(_ index: Int) -> String {
        let perSeed = resLesions.map { $0.lesioned[index].error }
        return "\(percent(costs[index])) on average over the seeds, "
            + "\(percent(perSeed.min()!)) to \(percent(perSeed.max()!))"
    }
    let nearChance = costs.indices.filter { costs[$0] > chanceLevel }.map { index in
        "\(resLesions[0].blocks[index]) (\(overSeeds(index)))"
    }
    let earlyNote =
        worstIndex < 3
        ? "The most damaging deletion is one of the first blocks, which work on the stem's raw "
            + "features"
            + (nearChance.isEmpty
                ? costs[worstIndex] > 2 * residual.intact
                    ? ", and deleting \(resLesions[0].blocks[worstIndex]) takes res-\(deep)'s test "
                        + "error from \(percent(residual.intact)) to \(overSeeds(worstIndex)): "
                        + "short of chance, but far from the small cost of one deletion that Veit "
                        + "et al. found."
                    : "."
                : ", and deleting \(nearChance.joined(separator: ", ")) leaves res-\(deep) near "
                    + "chance: Veit et al.'s finding, that no single block is essential, is not "
                    + "reproduced for the first blocks of our net (their ResNet-110 is twice as "
                    + "deep and was trained for 64,000 steps rather than \(config.iterations)).")
        : ""
    // Veit et al.'s exception: the blocks that halve the image (the first of stages 2 and on).
    let downsampling = ranking.enumerated().compactMap { rank, index -> String? in
        let block = resLesions[0].blocks[index]
        guard block.hasSuffix(".0"), block != "layer1.0" else { return nil }
        return "`\(block)` \(percent(costs[index])), ranked \(rank + 1)"
    }
    let downsamplingNote =
        downsampling.isEmpty
        ? ""
        : " The blocks that halve the image, their exception, by test error with the block "
            + "deleted and rank among the \(costs.count) deletions (1: the most harmful): "
            + downsampling.joined(separator: "; ") + "."
    let chance = lesions.filter { $0.net.hasPrefix("plain-") }
        .flatMap { $0.lesioned.map(\.error) }.filter { $0 > 0.8 }.count
    let plainCount = lesions.filter { $0.net.hasPrefix("plain-") }.reduce(0) {
        $0 + $1.lesioned.count
    }
    cell.prose(
        """
        Deleting a block of plain-\(deep) raises its test error by \
        \(points(plain.mean - plain.intact)) points on average, and \(chance) of its \
        \(plainCount) deletions leave it above 80% error, near chance (90%); deleting one of \
        res-\(deep) raises it by \(points(residual.mean - residual.intact)) points. \
        The residual deletions that hurt most are \(worstBlocks.joined(separator: ", ")) \
        (blocks are named by stage and position: `layer2.0` is the first block of stage 2, \
        which halves the image). \(earlyNote)\(downsamplingNote)
        """)
    cell.check(
        "a deletion hurts the residual net less than the plain one, on average",
        residual.mean - residual.intact < plain.mean - plain.intact,
        "+\(points(residual.mean - residual.intact)) vs +\(points(plain.mean - plain.intact)) points"
    )
}

// MARK: - 11. Loss landscape

notebook.cell("The loss landscape (Li et al. 2018)") { cell in
    cell.prose(
        """
        Li et al. (2018), "Visualizing the Loss Landscape of Neural Nets", plot the loss around \
        trained weights w along random directions d: L(w + αd) and L(w + αd₁ + βd₂). A raw \
        random direction means little in a net with batch norm (in training mode, scaling a \
        filter's weights changes nothing), so they scale each filter of d to the norm of the \
        same filter of w (*filter normalisation*, their section 4). Their Figure 1 sets the \
        loss surface of ResNet-56 without its skip connections, chaotic, beside ResNet-56 \
        with them, smooth and bowl-shaped; Figure 5 and section 6 ("The effect of network \
        depth") show the chaos growing with depth (ResNet-20, 56 and 110, each with and \
        without shortcuts: the 110-layer net without them the most chaotic). Their loss is \
        the mean over the training set (section 3), and their code measures it on all \
        50,000 CIFAR-10 training images, without augmentation, with batch norm in eval mode; \
        the commands in its README pass `--xignore biasbn` and `--yignore biasbn`, which \
        leave the one-dimensional parameters (biases, batch norm's γ and β) unmoved. Ours are measured the same way but on a fixed set of Fashion-MNIST \
        training images, forward only (batch norm folded into the convolutions with its \
        running statistics, no autograd), every net moved along the same Gaussian draws. \
        With the running statistics fixed, theirs as ours, scaling a filter does change the \
        output, so far out along a direction (±1, a whole filter-norm) part of the rise is \
        batch norm meeting inputs its statistics were not made for.
        """)
    let landscapes = results.landscapes
    if landscapes.count == 2 {
        let rows = landscapes.map { l -> [String] in
            [
                l.net, number(l.centreLoss), l.rise(at: 0.5).map(number) ?? "–",
                "\(l.sliceMinima)", "\(l.gridMinima)",
            ]
        }
        cell.table(
            [
                "net (this run, seed \(config.seeds[0]))", "loss at the weights",
                "× at ±0.5 (one direction)", "minima along it",
                "minima on an \(landscapes[0].grid.count) × \(landscapes[0].grid.count) grid",
            ], rows)
        let plain = landscapes[0]
        let residual = landscapes[1]
        cell.prose(
            """
            This run's own pair (the run's files `landscape-1d.png` and `landscape-2d.png` draw \
            it) compares the nets at the same number of steps, not at the same place: \
            \(plain.net) sits at loss \(number(plain.centreLoss)), \(residual.net) at \
            \(number(residual.centreLoss))\
            \(plain.centreLoss > residual.centreLoss ? ", so the plain net sits in a higher basin (\(number(plain.centreLoss / residual.centreLoss))× the residual net's loss), and a rise measured from a higher floor is not comparable" : ""). \
            By this one direction's rise, \((plain.rise(at: 0.5) ?? 0) > (residual.rise(at: 0.5) ?? 0) ? plain.net : residual.net) \
            is the sharper. Li et al.'s nets trained for 300 epochs (section 6, "Experimental \
            setup"), 15 million images, \(Format.grouped(Int((15e6 / Double(config.iterations * config.batchSize)).rounded())))× \
            the \(Format.grouped(config.iterations * config.batchSize)) of this run's \
            \(Format.grouped(config.iterations)) steps of \(config.batchSize): neither net here is \
            near the end of such a schedule. Fairer tests here are two \
            nets at the *same* training loss, and twins trained longer, along several \
            directions, on a finer grid.
            """)
    }
    let landscapeRun = RunDirectory(
        (notebook.packageRoot as NSString).appendingPathComponent("Docs/landscape"))
    let path = landscapeRun.file("landscape.json")
    guard landscapeRun.exists(path) else {
        cell.prose(
            "The comparison at matched loss (`Docs/landscape/landscape.json`) is not in this checkout."
        )
        return
    }
    let comparison = try landscapeRun.readJSON(LandscapeComparison.self, from: path)
    let settings = comparison.settings
    let nets = comparison.nets.filter { $0.landscapes.count == settings.directionPairs }
    typealias Net = LandscapeComparison.Entry
    // The matched pair: the plain and residual nets whose losses at the weights are closest.
    let plains = nets.filter { !$0.net.hasPrefix("res") }
    let residuals = nets.filter { $0.net.hasPrefix("res") }
    guard
        let matched = plains.flatMap({ p in residuals.map { (p, $0) } }).min(by: {
            abs(log($0.0.centreLoss! / $0.1.centreLoss!))
                < abs(log($1.0.centreLoss! / $1.1.centreLoss!))
        })
    else {
        throw NotebookError.badArgument(
            "\(path) holds no plain and residual net to compare: remake it with `resnet-lab landscape`"
        )
    }
    // Twins: the same run's seed and steps, so the same initial weights, batches and schedule.
    let twins = plains.compactMap { p in
        residuals.first { $0.seed == p.seed && $0.iterations == p.iterations }.map { (p, $0) }
    }
    let (plain, residual) = matched
    cell.prose(
        """
        `Docs/landscape` holds those comparisons, made by `resnet-lab landscape` (its README \
        gives the command): \(nets.count) trained nets of the committed runs, each measured \
        on the first \(settings.images) training images along the same \
        \(settings.directionPairs) pairs of directions, a \(settings.slicePoints)-point slice \
        along each pair's first direction and a \(settings.gridPoints) × \(settings.gridPoints) \
        grid on its plane (steps of \(distance(2 * settings.radius / Double(settings.gridPoints - 1))), \
        half those of the run's own grid). \(plain.label) was trained \
        \(Format.fixed(Double(plain.iterations) / Double(residual.iterations), 1))× as long as \
        \(residual.label), and came to the same training loss (picked for it: of the nets \
        tried, the README lists them, the plain and residual pair whose losses lay closest); \
        \(twins.map { "\($0.0.net) and \($0.1.net) of \(Format.grouped($0.0.iterations)) steps, seed \($0.0.seed)" }.joined(separator: ", and ")) \
        are twins (the same run, seed, initial weights, batches and schedule):
        """)
    cell.table(
        [
            "net", "training error (last 20 steps)", "test error",
            "loss at the weights (\(settings.images) images)",
        ],
        nets.map {
            [$0.label, percent($0.trainingError), percent($0.testError), number($0.centreLoss!)]
        })
    try cell.picture(
        "landscape-slices.png",
        caption: "Training loss along the first direction of each pair (log scale; dashed: plain "
            + "nets; bold: the longer training; above the red line, ln 10 ≈ 2.3, a net does "
            + "worse than a uniform guess)"
    ) { path in
        try comparison.slices.write(to: path, scale: 2)
    }
    try cell.picture(
        "landscape-planes.png",
        caption:
            "Training loss on each pair's plane: one row per pair, one column per net, one colour scale"
    ) { path in
        try comparison.planes.write(to: path, scale: 2)
    }
    var rows: [[String]] = []
    for entry in nets {
        for (pair, l) in entry.landscapes.enumerated() {
            let descents = l.outwardDescents
            rows.append([
                entry.label, "\(pair + 1)", l.rise(at: 0.25).map(number) ?? "–",
                l.rise(at: 0.5).map(number) ?? "–", "\(l.sliceMinima)", "\(l.gridMinima)",
                "\(descents.falling) of \(descents.steps)",
            ])
        }
    }
    cell.prose(
        """
        In the table, × at ±a is the mean loss of the slice's two points a filter-norm out, \
        divided by the loss at the weights; a minimum is a point lower than all its \
        neighbours (on the grid, all eight; the trained weights count when they are one; \
        points on the grid's border and the slice's two ends are not counted); \
        the last column follows the grid's 8 rays out from the weights, \
        \(settings.gridPoints / 2) steps each, and counts the steps on which the loss falls.
        """)
    cell.table(
        [
            "net", "pair", "× at ±0.25", "× at ±0.5", "minima along the slice",
            "minima on the grid", "steps outward on which the loss falls",
        ], rows)
    let pairs = 0..<settings.directionPairs
    let chance = log(10.0)
    /// Pairs along which `p`'s plane has more irregularities (local minima plus steps outward
    /// on which the loss falls) than `r`'s.
    func rougher(_ p: Net, than r: Net) -> Int {
        pairs.filter {
            let (a, b) = (p.landscapes[$0], r.landscapes[$0])
            return a.gridMinima + a.outwardDescents.falling
                > b.gridMinima + b.outwardDescents.falling
        }.count
    }
    /// The grid's local minima below `level`, pair by pair.
    func minima(_ e: Net, below level: Double = .infinity) -> [Int] {
        e.landscapes.map { l in l.gridMinimumPoints.count { $0.loss < level } }
    }
    func counts(_ c: [Int]) -> String { c.map(String.init).joined(separator: ", ") }
    let comparisons = [("matched loss", plain, residual)] + twins.map { ("twins", $0.0, $0.1) }
    cell.table(
        [
            "comparison", "plain", "residual", "loss at the weights",
            "plain rougher along", "grid minima, plain vs residual",
            "of them below ln 10 ≈ 2.3",
        ],
        comparisons.map { kind, p, r in
            [
                kind, p.label, r.label, "\(number(p.centreLoss!)) vs \(number(r.centreLoss!))",
                "\(rougher(p, than: r)) of \(pairs.count) pairs",
                "\(counts(minima(p))) vs \(counts(minima(r)))",
                "\(counts(minima(p, below: chance))) vs \(counts(minima(r, below: chance)))",
            ]
        })
    let root = notebook.packageRoot as NSString
    /// How `e`'s training ended, from its run's `config.json`: "500 steps at a hundredth of
    /// the rate".
    func ending(_ e: Net) throws -> String {
        let run = try LandscapeComparison.locate(root.appendingPathComponent(e.weights))
        let files = RunDirectory(run.run)
        let c = try files.readJSON(AblationConfig.self, from: files.configPath)
        if let last = c.finalDecayIterations, last > 0 {
            return "\(Format.grouped(last)) steps at a hundredth of the rate"
        }
        return c.decayIterations > 0
            ? "\(Format.grouped(c.decayIterations)) steps at a tenth of the rate"
            : "the full rate"
    }
    let matchedRougher = rougher(plain, than: residual)
    // The matched plain net's minima other than at its trained weights (the grid's centre).
    let extraLosses = plain.landscapes.flatMap { l in
        l.gridMinimumPoints.filter { $0.row != l.grid.count / 2 || $0.column != l.grid.count / 2 }
            .map(\.loss)
    }
    // Those around or above a uniform guess's loss (above 0.9 × ln 10), and those below.
    let nearChance = 0.9 * chance
    let extraHigh = extraLosses.filter { $0 > nearChance }
    let extraLow = extraLosses.filter { $0 <= nearChance }.sorted()
    let extraAboveChance = !extraLosses.isEmpty && extraLow.isEmpty
    let everyRougher = comparisons.allSatisfy { rougher($0.1, than: $0.2) == pairs.count }
    // At ±1, end by end: how broken is every net there, and which is the higher.
    let ends = comparisons.flatMap { _, p, r in
        pairs.flatMap { k in
            [
                (p.landscapes[k].slice.first!, r.landscapes[k].slice.first!),
                (p.landscapes[k].slice.last!, r.landscapes[k].slice.last!),
            ]
        }
    }
    let endErrors = ends.flatMap { [$0.0.error, $0.1.error] }
    let endLosses = ends.flatMap { [$0.0.loss, $0.1.loss] }
    let residualHigherEnds = ends.filter { $0.1.loss > $0.0.loss }.count
    /// Pairs along which `p`'s loss has risen more, relative to its own floor, half a
    /// filter-norm out than `r`'s.
    /// A tie, or a rise not measured on either, counts for neither net.
    func steeper(_ p: Net, than r: Net) -> Int {
        pairs.filter {
            guard let a = p.landscapes[$0].rise(at: 0.5), let b = r.landscapes[$0].rise(at: 0.5)
            else { return false }
            return a > b
        }
        .count
    }
    func rises(_ e: Net) -> String {
        e.landscapes.map { $0.rise(at: 0.5).map(number) ?? "–" }.joined(separator: ", ")
    }
    let plainSteeper = steeper(plain, than: residual)
    // The matched plain net's well is the narrower when it is the steeper along every pair.
    let matchedNarrower = plainSteeper == pairs.count
    // Along how many pairs each twin pair's residual net is the steeper, and its plain net.
    let twinSteepness = twins.map {
        (twin: $0, residual: steeper($0.1, than: $0.0), plain: steeper($0.0, than: $0.1))
    }
    let twinDirections = twins.count * pairs.count
    let residualSteeperTwins = twinSteepness.map(\.residual).reduce(0, +)
    let plainSteeperTwins = twinSteepness.map(\.plain).reduce(0, +)
    let twinRises = twinSteepness.map { t in
        "\(Format.grouped(t.twin.0.iterations)) steps: residual steeper along \(t.residual) of "
            + "\(pairs.count), plain \(rises(t.twin.0)) vs residual \(rises(t.twin.1))"
    }.joined(separator: "; ")
    let liFlatter =
        "Li et al.'s flatter minima with skip connections (\"skip connections promote flat minimizers\", their section 1; section 6)"
    let floorCaveat =
        "; but each pair of twins sits at two different losses, and a ratio measured from the lower floor comes out larger, so this is a weak test either way"
    let twinReading =
        residualSteeperTwins > plainSteeperTwins
        ? ": with the same start, batches and schedule, the residual net's minimum is the steeper more often than not, and \(liFlatter) are not seen here\(floorCaveat)."
        : plainSteeperTwins > residualSteeperTwins
            ? ": with the same start, batches and schedule, the plain net's minimum is the steeper more often than not, as \(liFlatter) would have it\(floorCaveat)."
            : ": neither kind's minimum is the steeper more often, and \(liFlatter) are neither seen nor contradicted here."
    // Planes on which some grid point lies below the trained weights: SGD stopped short of
    // that valley's floor along those directions.
    let gridStep = 2 * settings.radius / Double(settings.gridPoints - 1)
    let shortOfFloor = nets.flatMap { e in
        e.landscapes.enumerated().compactMap { k, l -> String? in
            let c = l.grid.count / 2
            let lowest = l.grid.indices.flatMap { j in l.grid[j].indices.map { (j, $0) } }
                .min { l.grid[$0.0][$0.1] < l.grid[$1.0][$1.1] }!
            let loss = l.grid[lowest.0][lowest.1]
            guard loss < l.centreLoss else { return nil }
            let away = Double(max(abs(lowest.0 - c), abs(lowest.1 - c))) * gridStep
            return "\(e.label), pair \(k + 1) (\(number(loss)) at \(distance(away)) away, "
                + "against \(number(l.centreLoss)))"
        }
    }
    cell.prose(
        """
        At matched loss (\(number(plain.centreLoss!)) and \(number(residual.centreLoss!))), \
        the plain net's planes have more local minima and outward falls, counted together, \
        than the residual net's along \(matchedRougher) of \(pairs.count) direction pairs; \
        \(everyRougher ? "so do the plain twins' planes against the residual twins', along every pair" : "the twins do not all agree"). \
        \(everyRougher ? "That is the contrast of Li et al.'s figures in kind, with a caveat the last column makes: \(extraAboveChance ? "every extra minimum of the matched plain net's planes lies at a loss of \(number(extraLosses.min()!)) to \(number(extraLosses.max()!)), around or above a uniform guess's ln 10 ≈ 2.3, and below that level the counts are nearly equal. So the roughness is reproduced only where the nets have lost most of what they learned, not near the trained weights: the matched plain net's weights sit in a narrow well (× \(number(plain.landscapes[0].rise(at: 0.25) ?? 0)) at ±0.25 along pair 1) on a high, dimpled plateau; the residual nets' planes have fewer dimples." : "\(extraHigh.count) of the matched plain net's \(extraLosses.count) minima away from its trained weights lie at a loss above \(number(nearChance)) (0.9 × ln 10: around or above a uniform guess's ln 10 ≈ 2.3; the table's last column counts below ln 10 itself), the other \(extraLow.count) below (\(extraLow.map(number).joined(separator: ", "))): most of the roughness lies where the nets have lost most of what they learned, a little of it nearer the trained weights.")" : "The contrast of Li et al.'s figures, a chaotic landscape without shortcuts against a smooth one with them, is not reproduced here.") \
        Half a filter-norm out, the matched plain net's loss has risen more, relative to its \
        own floor, than the residual net's along \(plainSteeper) of \(pairs.count) pairs \
        (× at ±0.5)\(matchedNarrower ? ": by this measure its well is the narrower" : ""). \
        Between twins the residual net is the steeper along \(residualSteeperTwins) of the \
        \(twinDirections) twin pairs' directions, the plain net along \(plainSteeperTwins) \
        (\(twinRises))\(twinReading) \
        At ±1 every net has lost most of what it learned (error \(percent(endErrors.min()!)) \
        to \(percent(endErrors.max()!)) at every end; chance is 90%), and the loss there, \
        \(number(endLosses.min()!)) to \(number(endLosses.max()!)), measures how confidently \
        a broken net is wrong, not a basin; the residual net's is the higher in \
        \(residualHigherEnds) of the \(ends.count) end-by-end comparisons (\(comparisons.count) \
        comparisons × \(pairs.count) pairs × 2 ends).

        The match removes the difference in loss, not every other: \(plain.label) has \
        \(plain.seed == residual.seed ? "the seed of \(residual.label) (the same order of batches) but not its budget" : "another seed (other initial weights and batches) than \(residual.label)"), and ended \
        with \(try ending(plain)) where the residual net ended with \(try ending(residual))\
        \(matchedNarrower ? "; a smaller rate (for a given batch size) tends to leave SGD in narrower minima (Jastrzębski et al. 2017, \"Three Factors Influencing Minima in SGD\": the larger the ratio of learning rate to batch size, the wider the minima SGD finds; they vary the ratio over whole runs, and reading it into the last phase alone is our extrapolation), so the plain net's narrower well may owe something to its schedule, and to its seed, rather than to the missing shortcuts" : ""). \
        The twins remove those differences but not the one in loss. Each \
        confound is removed by one comparison, none by both, and each comparison is one net \
        of each kind. Li et al.'s 300 epochs cut the rate tenfold at epochs 150, 225 and 275 \
        (section 6, "Experimental setup"); \(shortOfFloor.isEmpty ? "our trained weights are the lowest point of every plane here, though at a fraction of that budget" : "ours stopped sooner, and not always at a valley's floor: on \(shortOfFloor.count) of the \(nets.count * pairs.count) planes a grid point lies below the trained weights, \(shortOfFloor.joined(separator: "; "))"). \
        \(settings.directionPairs) pairs of directions out of hundreds of thousands of \
        dimensions remain a sample, not a map.
        """)
    cell.check(
        "the matched plain and residual nets sit at the same training loss: within 5% of each other",
        abs(plain.centreLoss! / residual.centreLoss! - 1) <= 0.05,
        "\(number(plain.centreLoss!)) vs \(number(residual.centreLoss!))")
    cell.check(
        "at matched loss the plain net's planes have more local minima and outward falls, counted together, than the residual net's, along every pair",
        matchedRougher == pairs.count,
        "\(counts(minima(plain))) vs \(counts(minima(residual))) minima; "
            + "\(counts(plain.landscapes.map(\.outwardDescents.falling))) vs "
            + "\(counts(residual.landscapes.map(\.outwardDescents.falling))) falls")
}

// MARK: - 12. Longer runs

/// The committed longer run (`Docs/ablation-long`), restricted to the seeds whose nets have
/// all finished; nil when it is not in the checkout or no seed has finished.
@MainActor
func longerRun() throws -> LongerRun? {
    let directory = (notebook.packageRoot as NSString).appendingPathComponent("Docs/ablation-long")
    let files = RunDirectory(directory)
    guard files.exists(files.configPath) else { return nil }
    var longConfig = try files.readJSON(AblationConfig.self, from: files.configPath)
    let all = longConfig.seeds
    longConfig.seeds = all.filter { seed in
        longConfig.nets.allSatisfy { files.exists(files.netResultPath($0, seed: seed)) }
    }
    guard !longConfig.seeds.isEmpty else { return nil }
    return LongerRun(
        results: try AblationResults(directory: directory, config: longConfig),
        unfinishedSeeds: all.filter { !longConfig.seeds.contains($0) })
}

/// The longer run's finished seeds, and the seeds of its configuration still training.
struct LongerRun {
    let results: AblationResults
    let unfinishedSeeds: [UInt64]
}

/// The number of training images a run recorded in its `data.json`.
func recordedTrainingImages(_ directory: String) throws -> Int {
    let path = (directory as NSString).appendingPathComponent("data.json")
    let object = try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: path)))
    guard let count = (object as? [String: Any])?["train_images"] as? Int else {
        throw AblationError.invalidConfiguration("\(path) records no train_images")
    }
    return count
}

notebook.cell("What a longer run adds") { cell in
    let trainImages = try recordedTrainingImages(loaded.directory)
    // Minutes each seed's nets spent training, from the run's own records.
    let seedMinutes = config.seeds.indices.map { index in
        let seconds: Double = config.nets.reduce(0.0) {
            $0 + results.results($1)[index].trainSeconds
        }
        return seconds / 60
    }
    // Whole minutes, or seconds for a run as short as --quick's.
    let (fewest, most) = (seedMinutes.min()!, seedMinutes.max()!)
    let (scale, unit) = most < 1 ? (60.0, "seconds") : (1.0, "minutes")
    let (shortest, longest) = (Format.fixed(scale * fewest, 0), Format.fixed(scale * most, 0))
    let span =
        shortest == longest
        ? "about \(shortest) \(unit)" : "\(shortest) to \(longest) \(unit)"
    cell.prose(
        """
        The budget, \(config.iterations) steps per net, keeps a seed short: its \
        \(config.nets.count) nets took \(span) of training, net after net, on the machine or \
        machines that made this run (section 3's table, seed by seed; nets trained side by side \
        overlap, so their wall time is shorter). \(config.iterations) steps of \(config.batchSize) \
        images are \(String(format: "%.2f", Double(config.iterations * config.batchSize) / Double(trainImages))) \
        of an epoch of the \(Format.grouped(trainImages)) training images; the paper \
        trained its CIFAR-10 nets (depths 20 to 110, with augmentation) for 64,000 steps of \
        128, about 164 epochs of 50,000 images, with the learning rate cut twice (section \
        4.2). Its Figure 6 shows three effects: deeper plain nets train worse, the shortcuts \
        remove that, and deeper ResNets train *better*. At a few hundred steps both our \
        families were still getting worse with depth (section 4), so the third did not show. \
        (Why 300 steps by default: the budget study in `Docs/ablation-budget` reads section \
        4's two checks at shorter budgets, on the committed run's five seeds. The run below \
        asks what a much longer budget changes.)
        """)
    guard let longer = try longerRun() else {
        cell.prose("The longer run (`Docs/ablation-long`) is not in this checkout.")
        return
    }
    let long = longer.results
    let longConfig = long.config
    let longTrainImages = try recordedTrainingImages(
        (notebook.packageRoot as NSString).appendingPathComponent("Docs/ablation-long"))
    let longDepths = longConfig.depths.sorted()
    let (low, high) = (longDepths.first!, longDepths.last!)
    cell.prose(
        """
        `Docs/ablation-long` holds a longer run of depths \(low) and \(high): \
        \(Format.grouped(longConfig.iterations)) steps per net \
        (\(String(format: "%.1f", Double(longConfig.iterations * longConfig.batchSize) / Double(longTrainImages))) \
        epochs), the rate \(longConfig.learningRate) for steps 1-\(Format.grouped(longConfig.decayStart)), \
        \(longConfig.learningRate / 10) for \(Format.grouped(longConfig.decayStart + 1))-\(Format.grouped(longConfig.finalDecayStart)) \
        and \(longConfig.learningRate / 100) for \(Format.grouped(longConfig.finalDecayStart + 1))-\(Format.grouped(longConfig.iterations)) \
        (the paper's two cuts, at half and three quarters of the way), seeds \(longConfig.seeds.map(String.init).joined(separator: ", "))\
        \(longer.unfinishedSeeds.isEmpty ? "" : " (seed \(longer.unfinishedSeeds.map(String.init).joined(separator: ", ")) not finished: a seed joins once its four nets have finished)"), \
        test error measured \(longConfig.evaluations) times along the way instead of \
        \(config.evaluations), everything else as in this run (its README says how and where \
        it was made). Training \
        error over the last \(longConfig.window) steps, and test error on all \
        \(Format.grouped(long.testImages)) test images, beside this run's numbers for the \
        nets of the same names (± is the standard deviation over the seeds; section 11's \
        matched plain net is one of these plain-56 nets, its table names the seed):
        """)
    var rows: [[String]] = []
    for net in longConfig.nets {
        let here = config.nets.contains(net) ? finalTrain[net]!.percent : "–"
        let seeds = long.results(net).map {
            String(format: "%.2f%%", 100 * $0.finalTraining(window: longConfig.window).trainError)
        }
        rows.append([
            net.name, here, seeds.joined(separator: ", "), long.finalTrainError(net).percent,
            long.testError(net).percent,
        ])
    }
    cell.table(
        [
            "net",
            "\(config.iterations) steps, \(config.seeds.count) seeds (this run): training error",
            "\(Format.grouped(longConfig.iterations)) steps: \(longConfig.seeds.map { "seed \($0)" }.joined(separator: ", "))",
            "\(Format.grouped(longConfig.iterations)) steps: mean ± sd",
            "\(Format.grouped(longConfig.iterations)) steps: test error",
        ], rows)
    cell.prose(
        "Its curves, drawn as section 4 draws this run's (the dotted gray lines are the two cuts of the rate):"
    )
    try cell.picture(
        "long-training-error.png",
        caption:
            "The longer run: training error (thin) and test error (bold, dots, on the first \(Format.grouped(long.nets.first!.evaluationImages)) test images), plain left, residual right"
    ) { path in
        try AblationFigures.trainingCurves(long, loss: false).write(to: path, scale: 2)
    }
    let plainPenalty = long.depthPenalty(residual: false, from: low, to: high)
    let residualPenalty = long.depthPenalty(residual: true, from: low, to: high)
    let interaction = long.degradationInteraction(from: low, to: high)
    let plainEverySeed = plainPenalty.values.allSatisfy { $0 > 0 }
    let residualBetter = residualPenalty.values.filter { $0 < 0 }.count
    let seedCount = plainPenalty.values.count
    let everySeed = seedCount == 2 ? "in both seeds" : "in all \(seedCount) seeds"
    // The same penalties in this run, on the seeds both runs have: what the budget changed.
    let sharedSeeds = config.seeds.filter { longConfig.seeds.contains($0) }
    var sameSeedsConfig = config
    sameSeedsConfig.seeds = sharedSeeds
    let short: AblationResults? =
        !sharedSeeds.isEmpty && config.depths.contains(low) && config.depths.contains(high)
        ? try AblationResults(directory: loaded.directory, config: sameSeedsConfig) : nil
    func perSeed(_ difference: PairedDifference) -> [String] {
        difference.values.map { String(format: "%+.2f", 100 * $0) }
    }
    let shortPenalties = short.map {
        (
            plain: $0.depthPenalty(residual: false, from: low, to: high),
            residual: $0.depthPenalty(residual: true, from: low, to: high),
            interaction: $0.degradationInteraction(from: low, to: high)
        )
    }
    cell.table(
        ["from depth \(low) to \(high), points"]
            + longConfig.seeds.map { "seed \($0), \(Format.grouped(longConfig.iterations)) steps" }
            + [
                "\(Format.grouped(longConfig.iterations)) steps: mean ± sd (95% CI)",
                "\(config.iterations) steps, the same seeds: mean ± sd (95% CI)",
            ],
        [
            ["plain family's depth penalty"] + perSeed(plainPenalty)
                + [plainPenalty.points, shortPenalties?.plain.points ?? "–"],
            ["residual family's depth penalty"] + perSeed(residualPenalty)
                + [residualPenalty.points, shortPenalties?.residual.points ?? "–"],
            ["interaction: plain's penalty minus residual's"] + perSeed(interaction)
                + [interaction.points, shortPenalties?.interaction.points ?? "–"],
        ])
    // What the longer budget did to the plain penalty, against the short run on its seeds.
    let budgetNote =
        shortPenalties.map { p in
            let shrank = plainPenalty.summary.mean < p.plain.summary.mean
            let narrower = plainPenalty.summary.std < p.plain.summary.std
            /// How many times smaller `long` is than `short`: "3.4-fold".
            func fold(_ short: PairedDifference, _ long: PairedDifference) -> String {
                long.summary.mean > 0
                    ? "\(String(format: "%.1f", short.summary.mean / long.summary.mean))-fold"
                    : "to nothing"
            }
            return
                "On the same seeds, the \(config.iterations)-step run's plain penalty was \(p.plain.points) and its interaction \(p.interaction.points). "
                + (shrank
                    ? "The longer budget shrank the plain penalty \(fold(p.plain, plainPenalty))\(narrower ? " and its spread over the seeds" : "") (the residual penalty \(fold(p.residual, residualPenalty)), the interaction \(fold(p.interaction, interaction))): much of what the short run showed was deep nets, plain and residual, being slow\(plainEverySeed ? "; yet plain-\(high) still ends behind plain-\(low) in every seed" : "")\(plainEverySeed && residualBetter == 0 ? ". But res-\(high) ends behind res-\(low) in every seed too, so the plain penalty alone is not the degradation problem; the interaction above is" : ""). "
                    : "The longer budget did not shrink the plain penalty. ")
        } ?? ""
    cell.prose(
        """
        With \(Format.grouped(longConfig.iterations)) steps and two cuts of the rate, \
        plain-\(high) ends above plain-\(low) \
        \(plainEverySeed ? everySeed : "in \(plainPenalty.values.filter { $0 > 0 }.count) of \(seedCount) seeds"), \
        \(plainPenalty.points)\(plainPenalty.includesZero && plainPenalty.values.count > 1 ? ", an interval that with \(seedCount) seeds still contains zero" : ""). The residual family's penalty is \(residualPenalty.points): \
        \(residualBetter == residualPenalty.values.count ? "res-\(high) has overtaken res-\(low) \(everySeed), the paper's third effect" : residualBetter == 0 ? "res-\(high) is still behind res-\(low) \(everySeed), so the paper's third effect, deeper ResNets training better, is not reproduced at this budget, on Fashion-MNIST at depths \(low) and \(high)\(residualPenalty.includesZero && residualPenalty.values.count > 1 ? " (the interval contains zero: res-\(high) is better in no seed, but with \(residualPenalty.values.count) seeds the data do not show it worse either)" : "")" : "res-\(high) is ahead of res-\(low) in \(residualBetter) of \(residualPenalty.values.count) seeds: the paper's third effect is not shown"). \
        The interaction, the degradation that the shortcuts would remove, is \(interaction.points)\
        \(interaction.isPositive ? ", its interval above zero with \(interaction.values.count) seeds." : interaction.values.count < 2 ? " (one seed: no interval)." : ", its interval containing zero with \(interaction.values.count) seeds (section 4's, at \(config.iterations) steps, lies above zero).") \
        \(budgetNote)\
        To make such a run yourself (hours on two cores; `resnet-lab ablate` without \
        `--train-only` adds the analyses, and `--run runs/long` then points this whole lesson \
        at it):

            swift run -c release resnet-lab ablate --depths 18,56 --seeds 0,1,2 \\
                --iterations 2000 --decay-iterations 1000 --final-decay-iterations 500 \\
                --evaluations 10 --out runs/long
        """)
    cell.check(
        "with \(Format.grouped(longConfig.iterations)) steps plain-\(high) still trains worse than plain-\(low) in every finished seed",
        plainEverySeed, plainPenalty.points)
}

// A --quick run made without --run is not kept (every number shown came from it above).
if let temporaryRun { try? FileManager.default.removeItem(atPath: temporaryRun) }
notebook.exercises(lesson: 8)

notebook.finish()
