// Lesson 07: training ResNet-20 on Fashion-MNIST. The data and its normalisation, the loop
// (train, evaluate, checkpoint), training curves, per-class accuracy and the confusion
// matrix, predictions with the mistakes in red, and an interrupted run resumed bit for bit.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-07-training",
    title: "Lesson 07 · Training ResNet-20 on Fashion-MNIST")

notebook.introduction(
    """
    Until now every network in this course has had random weights. Here one learns: the \
    CIFAR-style ResNet-20 of He et al. (2015, section 4.2) on Fashion-MNIST, with SGD, \
    momentum 0.9, weight decay 5e-4, batches of 128 and a learning rate that starts at 0.1 \
    and follows a cosine down to zero. That is a modern variant of the paper's CIFAR-10 \
    recipe, not the recipe itself: He et al. used weight decay 1e-4, divided the rate by 10 \
    at 32k and 48k iterations and stopped at 64k, and augmented with random 32×32 crops of \
    images padded by 4 pixels (and flips); for 28×28 images our `--augment` pads by 2. The \
    training loop lives in the `Training` module (`Trainer`), and `resnet-lab train` runs the \
    same loop from the command line; this lesson drives it and looks at what comes out.
    """)

func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
/// The mean of each window of `width` values (shorter at the start).
func movingAverage(_ values: [Double], width: Int) -> [Double] {
    values.indices.map { i in
        let window = values[max(0, i - width + 1)...i]
        return window.reduce(0, +) / Double(window.count)
    }
}

// The run: the lesson's default trains on a third of the training set for two epochs (a few
// minutes on two cores); --quick on 1,024 images for one epoch (seconds).
var config = TrainingConfig()
config.model = "cifar-resnet20"
config.epochs = notebook.quick(1, full: 2)
config.trainLimit = notebook.quick(1024, full: 20_000)
config.testLimit = notebook.quick(500, full: 2000)
config.batchSize = notebook.quick(32, full: 128)
config.learningRate = notebook.quick(0.05, full: 0.1)
config.outputDirectory =
    FileManager.default.temporaryDirectory
    .appendingPathComponent("lesson-07-run-\(ProcessInfo.processInfo.processIdentifier)").path

/// The two splits, as cell 1 loads them.
struct LessonData {
    let train: Dataset
    let test: Dataset
}

/// The run of cell 4 and the data it ran on: what the later cells read.
struct LessonRun {
    let trainer: Trainer
    let data: LessonData
    let summary: TrainingSummary
}

// MARK: - 1. The data

let data = notebook.cell("Fashion-MNIST, and normalising it") { cell -> LessonData in
    cell.prose(
        """
        Fashion-MNIST (Xiao et al. 2017) has the shape of MNIST, 60,000 training and 10,000 \
        test images of 28×28 grey pixels in ten classes, but shows clothes instead of digits, \
        which makes it harder: a shirt, a T-shirt, a pullover and a coat can look alike at \
        this size. `apt-get install dataset-fashion-mnist` puts the files where \
        `FashionMNIST.load` finds them.
        """)
    let train = try FashionMNIST.load(split: .train)
    let test = try FashionMNIST.load(split: .test)
    let (mean, std) = train.prefix(config.trainLimit ?? train.count).channelStatistics()
    let (fullMean, fullStd) = train.channelStatistics()
    cell.output(
        """
        \(train)
        \(test)
        pixel mean \(String(format: "%.4f", fullMean[0])), std \(String(format: "%.4f", fullStd[0])) \
        over all training images; over the \(Format.grouped(config.trainLimit ?? train.count)) used \
        here: \(String(format: "%.4f", mean[0])), \(String(format: "%.4f", std[0]))
        """)
    cell.prose(
        """
        Pixels arrive in [0, 1]. The network trains better on inputs centred on zero with unit \
        spread, so every image is normalised as (x − mean) / std, with the mean and standard \
        deviation of the *training* images (never the test images: the test set stands for \
        data we have not seen). The trainer computes them itself on the images it trains on.
        """)
    try cell.picture("samples.png", caption: "The first 16 training images and their classes") {
        path in
        let images = (0..<16).map { i in
            GridImage(
                pixels: train.image(at: i).pixels, shape: [28, 28], range: 0...1,
                caption: train.classNames[train.labels[i]])
        }
        try ImageGrid(title: "Fashion-MNIST", images: images, columns: 8, scale: 3)
            .write(to: path)
    }
    cell.check(
        "60,000 training and 10,000 test images in 10 classes",
        train.count == 60_000 && test.count == 10_000 && train.classNames.count == 10)
    cell.check(
        "the training pixels have mean ≈ 0.286 and std ≈ 0.353",
        abs(fullMean[0] - 0.2860) < 1e-3 && abs(fullStd[0] - 0.3530) < 1e-3)
    return LessonData(train: train, test: test)
}

// MARK: - 2. The loop

notebook.cell("The training loop") { cell in
    cell.prose(
        """
        One step of training is five lines: clear the old gradients, run the batch forward, \
        measure the loss, backpropagate it, and let the optimizer move every weight a little \
        against its gradient. This is the library's `trainingStep`, the step its training \
        loops share (`Trainer` here, the ablation of lesson 08 too). \
        It also counts the batch's mistakes, and it stops before the update when the loss has \
        become NaN or infinite (a learning rate too high), so that no broken update is taken; \
        `Trainer` then ends the run with an error naming the step and the rate. After each \
        step the learning-rate schedule sets the rate for the next one.
        """)
    try cell.listing("train-step", in: "Sources/Training/TrainingStep.swift")
    cell.prose(
        """
        After each epoch the model is evaluated on the test images in *eval mode*: batch norm \
        then normalises with the running statistics it gathered during training instead of \
        the batch's own, and no autograd graph is recorded. Then the metrics files and the \
        checkpoint are written (section 9).
        """)
    var generator = SeededGenerator(seed: 0)
    let model = try ResNet.named("cifar-resnet20", inputChannels: 1, generator: &generator)
    cell.output(
        "cifar-resnet20 with 1 input channel: \(Format.grouped(model.parameterCount)) parameters, "
            + "\(model.weightedLayerCount) weighted layers")
    cell.check(
        "one input channel instead of three saves the stem 16 × 2 × 9 = 288 weights",
        model.parameterCount == 269_722 - 288)
}

// MARK: - 3. Schedules and augmentation

notebook.cell("Learning-rate schedules") { cell in
    cell.prose(
        """
        `--schedule` picks how the learning rate moves over the run, stepped once per batch. \
        Here are the four, as `TrainingConfig.makeScheduler` builds them for a run of 10 \
        epochs of 100 steps at learning rate 0.1: multistep divides the rate by 10 at half and \
        three quarters of the run (the shape of the paper's schedule); cosine lowers it along \
        half a cosine to zero; one-cycle (Smith 2018) climbs from a 25th of the \
        peak to the peak over the first 30% and then falls far below the start; and \
        `--warmup-epochs 1` puts a linear warm-up from a tenth of the rate in front of any of \
        them, here the cosine.
        """)
    let stepsPerEpoch = 100
    let totalSteps = 10 * stepsPerEpoch
    var curves: [(name: String, rates: [Double])] = []
    for (name, schedule, warmup) in [
        ("multistep", TrainingConfig.Schedule.multistep, 0), ("cosine", .cosine, 0),
        ("one-cycle", .onecycle, 0), ("cosine, 1 epoch of warm-up", .cosine, 1),
    ] {
        var settings = TrainingConfig()
        settings.schedule = schedule
        settings.warmupEpochs = warmup
        settings.epochs = 10
        let optimizer = try settings.makeOptimizer(parameters: [
            Tensor.zeros([1], requiresGrad: true)
        ])
        let scheduler = try settings.makeScheduler(
            for: optimizer, totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
        var rates: [Double] = []
        for _ in 0..<totalSteps {
            rates.append(optimizer.learningRates[0])
            scheduler?.step()
        }
        curves.append((name, rates))
    }
    try cell.picture(
        "schedules.png", caption: "The learning rate at every step of a 1,000-step run"
    ) { path in
        var chart = LineChart(
            title: "Learning-rate schedules, peak 0.1", xLabel: "step", yLabel: "learning rate")
        for (i, curve) in curves.enumerated() {
            chart.add(
                LineSeries(
                    curve.name, x: (1...totalSteps).map(Double.init), y: curve.rates,
                    style: i == 3 ? .dashed : .solid))
        }
        try chart.write(to: path)
    }
    let rates = Dictionary(uniqueKeysWithValues: curves.map { ($0.name, $0.rates) })
    let multistep = rates["multistep"]!
    let cosine = rates["cosine"]!
    let oneCycle = rates["one-cycle"]!
    let warm = rates["cosine, 1 epoch of warm-up"]!
    cell.output(
        """
        multistep: \(multistep[0]) until step 500, \(String(format: "%.3g", multistep[500])) \
        until 750, then \(String(format: "%.3g", multistep[750]))
        cosine: \(cosine[0]) at the first step, \(String(format: "%.3g", cosine[totalSteps - 1])) at the last
        one-cycle: \(String(format: "%.3g", oneCycle[0])) at the first step, peak \
        \(String(format: "%.3g", oneCycle.max()!)) at step \(oneCycle.firstIndex(of: oneCycle.max()!)! + 1), \
        \(String(format: "%.3g", oneCycle[totalSteps - 1])) at the last
        warm-up: \(String(format: "%.3g", warm[0])) at the first step, \
        \(String(format: "%.3g", warm[stepsPerEpoch])) when the cosine begins
        """)
    cell.check(
        "multistep divides by 10 at 50% and at 75% of the steps",
        abs(multistep[499] - 0.1) < 1e-12 && abs(multistep[500] - 0.01) < 1e-12
            && abs(multistep[749] - 0.01) < 1e-12 && abs(multistep[750] - 0.001) < 1e-12)
    cell.check(
        "cosine starts at the peak and ends within 1e-5 of zero",
        cosine[0] == 0.1 && cosine[totalSteps - 1] < 1e-5)
    cell.check(
        "one-cycle starts at a 25th of the peak and reaches 0.1 a third of the way in, or sooner",
        abs(oneCycle[0] - 0.004) < 1e-9 && abs(oneCycle.max()! - 0.1) < 1e-9
            && oneCycle.firstIndex(of: oneCycle.max()!)! < totalSteps / 3)
    cell.check(
        "the warm-up starts at a tenth of the rate and reaches it after one epoch",
        abs(warm[0] - 0.01) < 1e-9 && abs(warm[stepsPerEpoch] - 0.1) < 1e-9)
}

notebook.cell("Augmentation", using: data) { cell, data in
    cell.prose(
        """
        `--augment` shows the network a slightly different copy of each image every time: \
        padded with zeros on every side, cropped back to its size at a random place, and \
        mirrored half the time. The trainer builds it so:
        """)
    try cell.listing("augmentation", in: "Sources/Training/Trainer.swift")
    let transforms = [Transform.randomCrop(size: 28, padding: 2), .randomHorizontalFlip()]
    var generator = SeededGenerator(seed: 7)
    var images: [GridImage] = []
    var explained = true
    let originals = [0, 1, 2, 3]
    for index in originals {
        let original = data.train.image(at: index)
        images.append(
            GridImage(
                pixels: original.pixels, shape: [28, 28], range: 0...1, caption: "original"))
        for _ in 0..<7 {
            var image = original
            for transform in transforms {
                image = transform.apply(to: image, generator: &generator)
            }
            images.append(GridImage(pixels: image.pixels, shape: [28, 28], range: 0...1))
            explained = explained && isShiftedCopy(image.pixels, of: original.pixels)
        }
    }
    try cell.picture(
        "augmented.png", caption: "Four training images (left) and seven augmented copies of each"
    ) { path in
        try ImageGrid(
            title: "Random crops (padding 2) and flips", images: images, columns: 8, scale: 3
        )
        .write(to: path)
    }
    cell.check(
        "every augmented copy is its image shifted by at most 2 pixels (zeros filling in), mirrored or not",
        explained)
}

/// Whether `copy` equals `original` (28×28) shifted by −2...2 pixels in each direction with
/// zeros filling in, mirrored left to right or not.
func isShiftedCopy(_ copy: [Float], of original: [Float]) -> Bool {
    for mirrored in [false, true] {
        for dy in -2...2 {
            for dx in -2...2 {
                var same = true
                for y in 0..<28 where same {
                    for x in 0..<28 where same {
                        let sy = y + dy
                        let sx0 = x + dx
                        let value: Float =
                            (0..<28).contains(sy) && (0..<28).contains(sx0)
                            ? original[sy * 28 + (mirrored ? 27 - sx0 : sx0)] : 0
                        same = copy[y * 28 + x] == value
                    }
                }
                if same { return true }
            }
        }
    }
    return false
}

// MARK: - 3. Training

let lessonRun = notebook.cell("Training", using: data) { cell, data -> LessonRun in
    cell.prose(
        """
        This run trains on the first \(Format.grouped(config.trainLimit ?? 60_000)) training images \
        for \(config.epochs) epoch\(config.epochs == 1 ? "" : "s") in batches of \
        \(config.batchSize) at learning rate \(config.learningRate), and evaluates on the first \
        \(Format.grouped(config.testLimit ?? 10_000)) test images, so that the lesson finishes in \
        minutes on a laptop (the last cell shows the full run). The progress line \
        shows the running loss and accuracy, the speed in images per second, and the time \
        left.
        """)
    let run = try Trainer(config: config, train: data.train, test: data.test)
    let summary = try run.run()
    let rows = run.history.epochs.map { e in
        [
            "\(e.epoch)", "\(e.step)", String(format: "%.4f", e.trainLoss),
            percent(e.trainAccuracy),
            String(format: "%.4f", e.testLoss), percent(e.testAccuracy),
            String(format: "%.3g", e.learningRate), String(format: "%.0f", e.imagesPerSecond),
        ]
    }
    cell.table(
        [
            "epoch", "steps", "train loss", "train acc", "test loss", "test acc", "last lr",
            "images/s",
        ], rows)
    cell.output(
        "test accuracy \(percent(summary.lastEpoch?.testAccuracy ?? 0)) after \(summary.step) "
            + "steps; wall time \(formatDuration(summary.seconds))")

    let losses = run.history.steps.map { Double($0.loss) }
    let tenth = max(1, losses.count / 10)
    let early = losses.prefix(tenth).reduce(0, +) / Double(tenth)
    let late = losses.suffix(tenth).reduce(0, +) / Double(tenth)
    let accuracy = run.history.epochs.last?.testAccuracy ?? 0
    let bound = notebook.quick(0.25, full: 0.80)
    cell.check(
        "the training loss fell (first tenth of the steps vs the last)", late < 0.8 * early,
        String(format: "%.3f → %.3f", early, late))
    cell.check(
        "test accuracy is above \(percent(bound)) (chance is 10%)", accuracy > bound,
        percent(accuracy))
    return LessonRun(trainer: run, data: data, summary: summary)
}

// MARK: - 4. Curves

notebook.cell("Training curves", using: lessonRun) { cell, lessonRun in
    let run = lessonRun.trainer
    cell.prose(
        """
        Each step's loss is measured on its own batch, before the update, so it is noisy; the \
        moving average shows the trend. The test loss is measured once per epoch on images \
        the network never trains on. When the two curves part (training still falling, test \
        flat or rising) the network has begun to memorise rather than generalise; in a run \
        this short they stay together.
        """)
    let steps = run.history.steps.map { Double($0.step) }
    let losses = run.history.steps.map { Double($0.loss) }
    let smoothed = movingAverage(losses, width: max(2, losses.count / 20))
    let epochSteps = run.history.epochs.map { Double($0.step) }
    try cell.picture("loss.png", caption: "Training loss per step and test loss per epoch") {
        path in
        var chart = LineChart(title: "ResNet-20 on Fashion-MNIST", xLabel: "step", yLabel: "loss")
        chart.add(LineSeries("train (each step)", x: steps, y: losses, color: .gray, lineWidth: 1))
        chart.add(LineSeries("train (moving average)", x: steps, y: smoothed, color: .blue))
        chart.add(
            LineSeries(
                "test", x: epochSteps, y: run.history.epochs.map(\.testLoss), color: .vermillion,
                showsMarkers: true))
        try chart.write(to: path)
    }
    try cell.picture("accuracy.png", caption: "Training accuracy per step and test accuracy") {
        path in
        var chart = LineChart(
            title: "Accuracy", xLabel: "step", yLabel: "accuracy", yRange: 0...1)
        let accuracies = run.history.steps.map(\.accuracy)
        chart.add(
            LineSeries(
                "train (moving average)", x: steps,
                y: movingAverage(accuracies, width: max(2, accuracies.count / 20)), color: .blue))
        chart.add(
            LineSeries(
                "test", x: epochSteps, y: run.history.epochs.map(\.testAccuracy),
                color: .vermillion, showsMarkers: true))
        try chart.write(to: path)
    }
    cell.output(
        TerminalChart.lines(
            series: [("train loss (moving average)", smoothed)], width: 64, height: 10,
            title: "training loss, step 1 to \(losses.count)"))
    cell.check("one logged step per optimizer step", losses.count == run.step)
}

// MARK: - 5. Where it errs

notebook.cell("Per-class accuracy and the confusion matrix", using: lessonRun) { cell, lessonRun in
    let run = lessonRun.trainer
    guard let evaluation = run.lastEvaluation else {
        throw TrainingError.invalidConfiguration("the run recorded no evaluation")
    }
    cell.prose(
        """
        One accuracy hides which classes are hard. The confusion matrix counts, for every true \
        class (row), how often each class was predicted (column): the diagonal holds the \
        right answers, everything off it a mistake.
        """)
    let names = run.classNames
    let matrix = evaluation.confusionMatrix
    let rows = names.indices.map { c in
        [names[c], "\(matrix[c].reduce(0, +))", percent(evaluation.perClassAccuracy[c])]
    }
    cell.table(["class", "test images", "accuracy"], rows)
    try cell.picture("confusion.png", caption: "Confusion matrix on the test images") { path in
        try Heatmap(
            title: "Confusion matrix (rows: true class, columns: predicted)",
            values: matrix.map { $0.map(Double.init) }, rowLabels: names, columnLabels: names,
            xLabel: "predicted", yLabel: "true", width: 760, height: 640
        ).write(to: path)
    }
    var worst = (count: -1, truth: 0, guess: 0)
    for truth in names.indices {
        for guess in names.indices where guess != truth && matrix[truth][guess] > worst.count {
            worst = (matrix[truth][guess], truth, guess)
        }
    }
    let hardest = names.indices.min {
        evaluation.perClassAccuracy[$0] < evaluation.perClassAccuracy[$1]
    }!
    cell.prose(
        """
        The most frequent mistake here: \(names[worst.truth]) taken for \(names[worst.guess]) \
        (\(worst.count) times). The hardest class is \(names[hardest]) \
        (\(percent(evaluation.perClassAccuracy[hardest]))). Shirts, T-shirts, pullovers and \
        coats share a silhouette at 28×28; trousers, bags and sandals have their own.
        """)
    let total = matrix.joined().reduce(0, +)
    let diagonal = names.indices.reduce(0) { $0 + matrix[$1][$1] }
    cell.check(
        "the matrix counts every test image once, and its diagonal gives the accuracy",
        total == evaluation.count
            && abs(Double(diagonal) / Double(total) - run.history.epochs.last!.testAccuracy) < 1e-12
    )
}

// MARK: - 6. Predictions

notebook.cell("Predictions, mistakes in red", using: lessonRun) { cell, lessonRun in
    let run = lessonRun.trainer
    let test = lessonRun.data.test
    guard let evaluation = run.lastEvaluation else {
        throw TrainingError.invalidConfiguration("the run recorded no evaluation")
    }
    let shown = 32
    let images = (0..<shown).map { i in
        let guess = evaluation.predictions[i]
        let truth = test.labels[i]
        return GridImage(
            pixels: test.image(at: i).pixels, shape: [28, 28], range: 0...1,
            caption: guess == truth
                ? run.classNames[guess] : "\(run.classNames[guess])\n(is \(run.classNames[truth]))",
            captionColor: guess == truth ? .black : .red)
    }
    try cell.picture("predictions.png", caption: "The first \(shown) test images") { path in
        try ImageGrid(title: "Predicted classes", images: images, columns: 8, scale: 3)
            .write(to: path)
    }
    // Recount the mistakes from the model itself, in eval mode, and compare image by image.
    run.model.eval()
    let batch = Tensor(
        shape: [shown, 1, 28, 28],
        data: (0..<shown).flatMap { i in
            test.image(at: i).pixels.map { ($0 - run.mean[0]) / run.std[0] }
        })
    let predicted = Tensor.withoutGrad { run.model(batch) }.argmax(axis: 1)
    run.model.train()
    let wrong = (0..<shown).map { predicted[$0] != test.labels[$0] }
    cell.output(
        "\(wrong.filter { $0 }.count) of the first \(shown) test images are misclassified (red).")
    cell.check(
        "image by image, a caption is red exactly when the model's prediction is wrong",
        (0..<shown).allSatisfy { (images[$0].captionColor == .red) == wrong[$0] })
}

// MARK: - 7. Checkpoints

notebook.cell("Checkpoints, and resuming exactly", using: lessonRun) { cell, lessonRun in
    let run = lessonRun.trainer
    let (train, test) = (lessonRun.data.train, lessonRun.data.test)
    cell.prose(
        """
        After every epoch the trainer rewrites four files in its output directory: \
        `metrics.csv` (one row per epoch), `steps.csv` (one row per step), `metrics.json` \
        (everything, with per-class accuracies and confusion matrices) and \
        `checkpoint.safetensors`. The checkpoint is one safetensors file: the weights under \
        PyTorch's names (so `load_state_dict` in PyTorch reads them), the optimizer's \
        momentum buffers as tensors too (`optimizer.state.<i>.momentum_buffer`, one per \
        parameter, PyTorch's name for it), and in its metadata, as JSON, the rest: the \
        schedule's position, the data loader's position, the history, the configuration and \
        the seeds. It is written to a temporary file and renamed, so a crash never leaves half \
        a checkpoint.
        """)
    let files = try FileManager.default.contentsOfDirectory(atPath: run.config.outputDirectory)
        .filter { !$0.hasPrefix(".") }.sorted()
    let checkpoint = try Checkpoint.read(from: run.checkpointPath)
    let momentumCount = checkpoint.state.optimizer.parameters.filter {
        $0?.momentumBuffer != nil
    }.count
    let size =
        (try? FileManager.default.attributesOfItem(atPath: run.checkpointPath)[.size] as? Int) ?? 0
    cell.output(
        """
        files: \(files.joined(separator: ", "))
        checkpoint: \(checkpoint.weights.count) weight tensors (\(checkpoint.weights.first!.name), …, \
        \(checkpoint.weights.last!.name)) and \(momentumCount) momentum buffers, \
        \(Format.grouped(size)) bytes; step \(checkpoint.state.step), \
        next batch \(checkpoint.state.position), optimizer \(checkpoint.state.optimizer.optimizer), \
        schedule \(checkpoint.state.scheduler?.scheduler ?? "none")
        """)
    cell.prose(
        """
        Everything a step depends on is either in the checkpoint or decided by the seed and \
        the position (the order of the examples, the augmentation), so a run stopped at any \
        point and resumed ends with exactly the weights of a run that never stopped. Here is \
        the test, on a small run: 16 steps straight through, against a run killed after step \
        7 and resumed from its checkpoint of step 5.
        """)
    var small = config
    small.trainLimit = 256
    small.testLimit = 128
    small.batchSize = 32
    small.epochs = 2
    small.checkpointEvery = 5
    small.outputDirectory = run.config.outputDirectory + "/straight"
    let straight = try Trainer(config: small, train: train, test: test)
    straight.progress = ProgressDisplay(.silent)
    try straight.run()
    small.outputDirectory = run.config.outputDirectory + "/interrupted"
    let killed = try Trainer(config: small, train: train, test: test)
    killed.progress = ProgressDisplay(.silent)
    try killed.run(stoppingAfterStep: 7)
    let resumed = try Trainer(
        resumingFrom: killed.checkpointPath, train: train, test: test)
    resumed.progress = ProgressDisplay(.silent)
    let resumedAt = resumed.step
    try resumed.run()
    let same = zip(straight.model.stateDict(), resumed.model.stateDict()).allSatisfy {
        $0.tensor.data.map(\.bitPattern) == $1.tensor.data.map(\.bitPattern)
    }
    let sameTestLoss =
        straight.history.epochs.map(\.testLoss) == resumed.history.epochs.map(\.testLoss)
    cell.output(
        "resumed at step \(resumedAt); final test loss straight \(straight.history.epochs.last!.testLoss), "
            + "resumed \(resumed.history.epochs.last!.testLoss)")
    let savedWeights = zip(checkpoint.weights, run.model.stateDict()).allSatisfy {
        $0.name == $1.name && $0.tensor.data.map(\.bitPattern) == $1.tensor.data.map(\.bitPattern)
    }
    cell.check(
        "the checkpoint holds this run's final step and weights (every tensor, bit for bit)",
        checkpoint.state.step == run.step && savedWeights
            && checkpoint.weights.count == run.model.stateDict().count)
    cell.check(
        "killed after step 7, resumed from step 5: every weight and metric equal, bit for bit",
        resumedAt == 5 && same && sameTestLoss)
    try? FileManager.default.removeItem(atPath: run.config.outputDirectory)
}

// MARK: - 8. The full run

notebook.cell("The full run") { cell in
    cell.prose(
        """
        This lesson trains on part of the data for a short time so that it runs in minutes. \
        The full run, ResNet-20 on all 60,000 training images for 15 epochs with the same \
        recipe, evaluated on all 10,000 test images, is one command (built in release mode \
        for speed): `swift run -c release resnet-lab train --epochs 15 --augment --output \
        runs/resnet20`, where `--augment` adds random crops and horizontal flips.

        It prints a progress line, writes the metrics and checkpoint to `runs/resnet20` after \
        every epoch, and can be stopped at any moment with Ctrl-C (which writes a checkpoint \
        at the current step) and continued with \
        `resnet-lab train --resume runs/resnet20/checkpoint.safetensors`. Try \
        `--optimizer adamw --lr 0.001` to compare optimizers, or `--schedule onecycle` for the \
        1cycle policy; `resnet-lab train --help` lists every flag. Docs/TRAINING.md records \
        such a run on this course's 2-core machine: its command, time, per-epoch table and \
        curves, made by `resnet-lab report` from the run's own metrics files.
        """)
}

notebook.exercises(lesson: 7)

notebook.finish()
