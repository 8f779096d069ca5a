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
    Until now every network in this course has had random weights. Here one learns. The \
    recipe is the one of He et al. (2015) for CIFAR-10, applied to Fashion-MNIST: the \
    CIFAR-style ResNet-20, SGD with momentum 0.9 and weight decay 5e-4, batches of 128, and \
    a learning rate that starts at 0.1 and follows a cosine down to zero. The training loop \
    lives in the `Training` module (`Trainer`), and `resnet-lab train` runs the same loop from \
    the command line; this lesson drives it and looks at what comes out.
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

var trainSet: Dataset?
var testSet: Dataset?
var trainer: Trainer?

// MARK: - 1. The data

notebook.cell("Fashion-MNIST, and normalising it") { cell in
    cell.prose(
        """
        Fashion-MNIST (Xiao et al. 2017) has the shape of MNIST, 60,000 training and 10,000 \
        test images of 28×28 grey pixels in ten classes, but shows clothes instead of digits, \
        which makes it harder: a shirt, a T-shirt, a pullover and a coat can look alike at \
        this size. `apt-get install dataset-fashion-mnist` puts the files where \
        `FashionMNIST.load` finds them.
        """)
    guard FashionMNIST.isAvailable(split: .train) && FashionMNIST.isAvailable(split: .test) else {
        throw DatasetError(
            .missingFile, path: FashionMNIST.directory().path,
            "Fashion-MNIST is not installed: run `sudo apt-get install dataset-fashion-mnist` "
                + "(or set RESIDUAL_DATA_DIR)")
    }
    let train = try FashionMNIST.load(split: .train)
    let test = try FashionMNIST.load(split: .test)
    trainSet = train
    testSet = test
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
}

// MARK: - 2. The loop

notebook.cell("The training loop") { cell in
    cell.prose(
        """
        One step of training is five lines: clear the old gradients, run the batch forward, \
        measure the loss, backpropagate it, and let the optimizer move every weight a little \
        against its gradient. The learning-rate schedule then sets the rate for the next step. \
        This is the heart of `Trainer.run`:
        """)
    cell.code(
        """
        for batch in trainLoader.epoch(epoch, startingAt: position.batch) {
            optimizer.zeroGrad()
            let logits = model(batch.images)                  // [B, 10]
            let loss = crossEntropy(logits: logits, targets: batch.labels)
            guard loss.scalar.isFinite else { throw TrainingError.diverged(...) }
            loss.backward()
            optimizer.step()                                  // SGD, momentum, weight decay
            scheduler?.step()                                 // cosine: the next step's rate
            position = trainLoader.position(after: batch.position)
        }
        let evaluation = evaluate()       // model.eval(), no gradients: loss, accuracy, confusion
        try saveCheckpoint()              // weights + optimizer + schedule + position, one file
        """)
    cell.prose(
        """
        After each epoch the model is evaluated on the test images in *eval mode*: batch norm \
        then normalises with the running statistics it gathered during training instead of \
        the batch's own, and no autograd graph is recorded. The guard stops a run whose loss \
        has become NaN or infinite (a learning rate too high) and says so, before a broken \
        update reaches the checkpoint.
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

// MARK: - 3. Training

notebook.cell("Training") { cell in
    guard let train = trainSet, let test = testSet else {
        throw TrainingError.invalidConfiguration("the data was not loaded (see cell 1)")
    }
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
    let run = try Trainer(config: config, train: train, test: test)
    trainer = run
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
}

// MARK: - 4. Curves

notebook.cell("Training curves") { cell in
    guard let run = trainer else { throw TrainingError.invalidConfiguration("no run (cell 3)") }
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

notebook.cell("Per-class accuracy and the confusion matrix") { cell in
    guard let run = trainer, let evaluation = run.lastEvaluation else {
        throw TrainingError.invalidConfiguration("no run (cell 3)")
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

notebook.cell("Predictions, mistakes in red") { cell in
    guard let run = trainer, let evaluation = run.lastEvaluation, let test = testSet else {
        throw TrainingError.invalidConfiguration("no run (cell 3)")
    }
    let shown = 32
    var mistakes = 0
    let images = (0..<shown).map { i in
        let guess = evaluation.predictions[i]
        let truth = test.labels[i]
        if guess != truth { mistakes += 1 }
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
    let red = images.filter { $0.captionColor == .red }.count
    cell.output("\(mistakes) of the first \(shown) test images are misclassified (red).")
    cell.check("every mistake, and only mistakes, is captioned in red", red == mistakes)
}

// MARK: - 7. Checkpoints

notebook.cell("Checkpoints, and resuming exactly") { cell in
    guard let run = trainer, let train = trainSet, let test = testSet else {
        throw TrainingError.invalidConfiguration("no run (cell 3)")
    }
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
    cell.check(
        "the checkpoint holds this run's final step and weights", checkpoint.state.step == run.step)
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

notebook.finish()
