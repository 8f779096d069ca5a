import ArgumentParser
import Datasets
import Foundation
import Kernels
import TextFormat
import Training

/// `resnet-lab train`: trains a ResNet on Fashion-MNIST (or MNIST, CIFAR-10), with a
/// checkpoint to resume from and the metrics in CSV and JSON.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a ResNet on Fashion-MNIST, with checkpoints and exact resume.",
        discussion: """
            Each epoch trains on every batch, then evaluates on the test set. After each epoch \
            the output directory gets metrics.csv (one row per epoch), steps.csv (one row per \
            step), metrics.json (everything, with per-class accuracy and confusion matrices) \
            and checkpoint.safetensors (the weights under PyTorch names, plus the optimizer, \
            schedule and data position). A run stopped at any point continues with --resume \
            and ends exactly as if it had never stopped.

            Examples:
              # the full run: ResNet-20, 15 epochs, SGD + cosine
              swift run -c release resnet-lab train --output runs/resnet20
              # a quick look: 2,000 images, one epoch
              resnet-lab train --train-limit 2000 --epochs 1 --output runs/quick
              # Adam with a one-epoch warm-up; after a stop, carry on
              resnet-lab train --optimizer adam --lr 0.001 --warmup-epochs 1 \\
                  --output runs/adam
              resnet-lab train --resume runs/adam/checkpoint.safetensors

            Fashion-MNIST is read from /usr/share/datasets/fashion-mnist \
            (sudo apt-get install dataset-fashion-mnist), $RESIDUAL_DATA_DIR/fashion-mnist, \
            or --data-dir.
            """)

    private static let defaults = TrainingConfig()

    @Option(help: "The model, as `resnet-lab summary` names them (default: cifar-resnet20).")
    var model: String?

    @OptionGroup var data: DataOptions

    @Option(
        parsing: .unconditional, help: "Passes over the training set (default: \(defaults.epochs))."
    )
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Images per step (default: \(defaults.batchSize)).")
    var batchSize: Int?

    @Option(help: "The update rule (default: sgd).")
    var optimizer: TrainingConfig.OptimizerKind?

    @Option(
        name: .customLong("lr"), parsing: .unconditional,
        help: "The learning rate, the peak one with a schedule (default: \(defaults.learningRate))."
    )
    var learningRate: Double?

    @Option(parsing: .unconditional, help: "SGD's momentum (default: \(defaults.momentum)).")
    var momentum: Double?

    @Flag(help: "Use Nesterov momentum with SGD.")
    var nesterov = false

    @Option(
        parsing: .unconditional,
        help: "Weight decay: L2 for sgd and adam, decoupled for adamw (default: 5e-4).")
    var weightDecay: Double?

    @Option(
        help: ArgumentHelp(
            "How the learning rate moves, per step (default: cosine).",
            discussion: "multistep: ×0.1 at 50% and 75% of the steps; onecycle: 1cycle policy."))
    var schedule: TrainingConfig.Schedule?

    @Option(
        parsing: .unconditional,
        help: "Epochs of linear warm-up from lr/10 before the schedule (default: 0).")
    var warmupEpochs: Int?

    @Flag(
        help:
            "Random crops (zero padding 2; 4 for CIFAR-10's 32×32 images) and horizontal flips of the training images."
    )
    var augment = false

    @Option(
        parsing: .unconditional,
        help: "Seed for the initial weights, the example order and augmentation (default: 0).")
    var seed: UInt64?

    @OptionGroup var threading: ThreadsOption
    /// `--threads`, if given.
    var threads: Int? { threading.threads }

    @Option(
        help: "Directory for the checkpoint and metrics (default: \(defaults.outputDirectory)).")
    var output: String?

    @Option(help: "Continue the run saved in this checkpoint, with its own settings.")
    var resume: String?

    @Flag(
        help:
            "Start a new run in an --output that already holds one, deleting its checkpoint and metrics."
    )
    var overwrite = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Stop after step N, even inside an epoch, with a checkpoint (default: run to the end).",
            discussion: """
                The schedule stays that of the whole run, so --resume continues it to the end \
                (or to a later --max-steps) exactly as if it had never stopped.
                """))
    var maxSteps: Int?

    @Option(
        parsing: .unconditional,
        help: "Also write the checkpoint every N steps (default: only after each epoch).")
    var checkpointEvery: Int?

    @Option(
        help: ArgumentHelp(
            "When the training images leave a last batch of one: drop it, or error (default: drop).",
            discussion: "Batch norm cannot train on a single image in nets whose last stage is 1×1."
        ))
    var lastBatchOfOne: TrainingConfig.LastBatchOfOne?

    @Option(
        help: ArgumentHelp(
            "Start from these weights (a safetensors state dict) instead of random ones.",
            discussion: """
                Fine-tuning: saved weights, a checkpoint, or weights exported from PyTorch. \
                Tensors of another shape (the classifier, when the data set has another number \
                of classes) keep fresh weights, and the run says which.
                """))
    var initWeights: String?

    @Option(help: "Module paths that do not train, comma-separated (e.g. conv1,bn1,layer1).")
    var freeze: String?

    /// The configuration the flags describe (defaults for the flags not given).
    func makeConfig() -> TrainingConfig {
        var config = TrainingConfig()
        if let model { config.model = model }
        if let dataset = data.dataset { config.dataset = dataset }
        config.dataDirectory = data.dataDir
        if let epochs { config.epochs = epochs }
        if let batchSize { config.batchSize = batchSize }
        if let optimizer { config.optimizer = optimizer }
        if let learningRate { config.learningRate = learningRate }
        if let momentum { config.momentum = momentum }
        config.nesterov = nesterov
        if let weightDecay { config.weightDecay = weightDecay }
        if let schedule { config.schedule = schedule }
        if let warmupEpochs { config.warmupEpochs = warmupEpochs }
        config.augment = augment
        if let seed { config.seed = seed }
        config.threads = threads
        if let output { config.outputDirectory = output }
        config.trainLimit = data.trainLimit
        config.testLimit = data.testLimit
        config.maxSteps = maxSteps
        config.checkpointEvery = checkpointEvery
        if let lastBatchOfOne { config.lastBatchOfOne = lastBatchOfOne }
        config.initialWeights = initWeights
        config.frozenModules = freeze.map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        }
        return config
    }

    /// The run-setting flags given together with --resume, which the checkpoint overrides.
    var flagsIgnoredByResume: [String] {
        let given: [(String, Bool)] = [
            ("--model", model != nil), ("--dataset", data.dataset != nil),
            ("--data-dir", data.dataDir != nil),
            ("--epochs", epochs != nil), ("--batch-size", batchSize != nil),
            ("--optimizer", optimizer != nil), ("--lr", learningRate != nil),
            ("--momentum", momentum != nil), ("--nesterov", nesterov),
            ("--weight-decay", weightDecay != nil), ("--schedule", schedule != nil),
            ("--warmup-epochs", warmupEpochs != nil), ("--augment", augment),
            ("--seed", seed != nil), ("--output", output != nil),
            ("--train-limit", data.trainLimit != nil), ("--test-limit", data.testLimit != nil),
            ("--checkpoint-every", checkpointEvery != nil),
            ("--overwrite", overwrite), ("--last-batch-of-one", lastBatchOfOne != nil),
            ("--init-weights", initWeights != nil), ("--freeze", freeze != nil),
        ]
        return given.filter(\.1).map(\.0)
    }

    func validate() throws {
        if resume == nil {
            do {
                try makeConfig().validate()
            } catch {
                throw ValidationError(error.description)
            }
        } else {
            if let maxSteps, maxSteps < 1 {
                throw ValidationError("--max-steps must be at least 1, got \(maxSteps)")
            }
        }
    }

    func run() throws {
        let trainer: Trainer
        if let resume {
            let checkpoint = try Checkpoint.read(from: resume)
            let ignored = flagsIgnoredByResume
            if !ignored.isEmpty {
                print(
                    "note: --resume continues the saved run with its own settings; ignoring "
                        + ignored.joined(separator: ", "))
            }
            let data = try loadData(checkpoint.state.config)
            trainer = try Trainer(
                resuming: checkpoint, from: resume, train: data.train, test: data.test,
                threads: threads, maxSteps: maxSteps)
            print("resuming \(resume) at step \(trainer.step) of \(trainer.totalSteps)")
        } else {
            let config = makeConfig()
            let replaced = try claimOutput(config.outputDirectory)
            // Everything is checked (data, weights, --freeze, memory) before anything is
            // deleted, and the old run's files go only when the new run writes its first.
            let data = try loadData(config)
            trainer = try Trainer(config: config, train: data.train, test: data.test)
            if !replaced.isEmpty {
                let directory = config.outputDirectory
                trainer.beforeFirstWrite = { () throws(TrainingError) in
                    try MetricsFiles.removeRunFiles(in: directory)
                    print(
                        "--overwrite: removed the old run's \(replaced.joined(separator: ", ")) "
                            + "from \(directory)")
                }
            }
        }
        print(describe(trainer))
        let interrupt = Interrupt.install()
        let summary = try trainer.run(shouldStop: { interrupt.wasRequested })
        print(summary)
        if !summary.finished {
            let reason = summary.stoppedAtMaxSteps ? " (--max-steps)" : ""
            print(
                "stopped at step \(summary.step) of \(summary.totalSteps)\(reason); the checkpoint "
                    + "is written. Continue with:\n  resnet-lab train --resume "
                    + "\(summary.checkpointPath)")
            // Stopping where asked is a success; a signal is not.
            if !summary.stoppedAtMaxSteps { throw ExitCode(interrupt.exitStatus) }
        }
    }

    /// Refuses an output directory that holds a run (its checkpoint or metrics), unless
    /// `--overwrite` says to replace it. Deletes nothing: returns the old run's files, which
    /// the new run removes right before it writes its own, so no old file is left beside
    /// them and a new run that fails to start leaves the old one whole.
    private func claimOutput(_ directory: String) throws -> [String] {
        let existing = MetricsFiles.runFiles(in: directory)
        guard !existing.isEmpty else { return [] }
        guard overwrite else {
            let checkpoint = (directory as NSString).appendingPathComponent(Checkpoint.fileName)
            let resume =
                existing.contains(Checkpoint.fileName)
                ? "continue it with `resnet-lab train --resume \(checkpoint)`, " : ""
            throw ValidationError(
                "--output '\(directory)' already holds a run (\(existing.joined(separator: ", "))): "
                    + "\(resume)start a new one there with --overwrite (which deletes those files "
                    + "once the new run is under way), "
                    + "or choose another --output. Nothing was changed")
        }
        return existing
    }

    /// Both splits of the configured data set; a missing file names --data-dir and, for
    /// Fashion-MNIST, the package that installs it.
    private func loadData(_ config: TrainingConfig) throws -> (train: Dataset, test: Dataset) {
        do {
            return try DatasetName.load(for: config)
        } catch {
            guard error.kind == .missingFile else { throw error }
            var message = error.message
            if config.dataset == .fashionMNIST && !message.contains("apt-get") {
                message +=
                    ". Fashion-MNIST installs with `sudo apt-get install dataset-fashion-mnist` "
                    + "(then leave out --data-dir)"
            }
            throw MissingData(message: message)
        }
    }

    /// Two lines saying what is about to be trained, on what, how.
    private func describe(_ trainer: Trainer) -> String {
        let config = trainer.config
        let optimizer: String
        switch config.optimizer {
        case .sgd:
            optimizer =
                "SGD lr \(config.learningRate), momentum \(config.momentum)"
                + (config.nesterov ? " (Nesterov)" : "") + ", weight decay \(config.weightDecay)"
        case .adam, .adamw:
            optimizer =
                "\(config.optimizer == .adam ? "Adam" : "AdamW") lr \(config.learningRate), "
                + "weight decay \(config.weightDecay)"
        }
        let warmup =
            config.warmupEpochs > 0
            ? " after \(Format.count(config.warmupEpochs, "warm-up epoch"))" : ""
        let parameters = Format.grouped(trainer.model.parameterCount)
        let trainCount = Format.grouped(trainer.trainLoader.dataset.count)
        let testCount = Format.grouped(trainer.testLoader.dataset.count)
        let threads = config.threads ?? Parallel.threadCount
        return "\(config.model) (\(parameters) parameters) on \(config.dataset.rawValue): "
            + "\(trainCount) training and \(testCount) test images"
            + (config.augment ? ", augmented" : "") + "\n"
            + "\(Format.count(trainer.totalEpochs, "epoch")) × "
            + "\(Format.count(trainer.trainLoader.batchesPerEpoch, "step")) of "
            + "\(config.batchSize); \(optimizer); schedule \(config.schedule.rawValue)\(warmup); "
            + "threads \(threads); output \(config.outputDirectory)"
            + (trainer.trainLoader.dropLast
                ? "\nnote: \(trainCount) images leave a last batch of one, which batch norm cannot "
                    + "train on: that image is left out of every epoch (--last-batch-of-one error "
                    + "refuses instead)" : "")
            + (config.initialWeights.map { path in
                "\nstarting from \(path)"
                    + (trainer.skippedInitialWeights.isEmpty
                        ? ""
                        : "; fresh (another shape): "
                            + trainer.skippedInitialWeights.joined(separator: ", "))
            } ?? "")
            + (config.frozenModules.map { "\nfrozen: \($0.joined(separator: ", ")); " } ?? "")
            + (config.frozenModules != nil ? trainer.optimizer.summary : "")
    }
}

/// The data set's files are not where the run looked: the message says where it looked and
/// how to get them.
struct MissingData: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension DatasetName: ExpressibleByArgument {}
extension TrainingConfig.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfig.Schedule: ExpressibleByArgument {}
extension TrainingConfig.LastBatchOfOne: ExpressibleByArgument {}
