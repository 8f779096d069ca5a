import Datasets

/// Everything that decides a training run: the model, the data, the optimizer and its
/// schedule, the seed, the limits for a quick run and where the files go. Every
/// `resnet-lab train` flag sets one field (named beside it below).
///
/// Codable: each checkpoint stores the configuration, so a resumed run continues with exactly
/// the settings it started with, and `metrics.json` records it beside the results.
///
/// ```swift
/// var config = TrainingConfig()          // cifar-resnet20 on Fashion-MNIST, SGD 0.1, cosine
/// config.epochs = 2
/// config.trainLimit = 5000
/// config.outputDirectory = "runs/first"
/// ```
///
/// The defaults are the course's full run: ResNet-20 (He et al. 2015, CIFAR-style) for 15
/// epochs, batch 128, SGD with momentum 0.9 and weight decay 5e-4 at learning rate 0.1,
/// cosine annealing per step.
public struct TrainingConfig: Codable, Equatable, Sendable {
    /// The update rule.
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
        /// `SGD` with `momentum`, `nesterov` and L2 `weightDecay`.
        case sgd
        /// `Adam`, weight decay added to the gradient (L2).
        case adam
        /// `AdamW`, weight decay applied to the weights directly (decoupled).
        case adamw
    }

    /// How the learning rate moves over the run. Every schedule is stepped once per batch.
    public enum Schedule: String, Codable, Sendable, CaseIterable {
        /// Constant (after the warm-up, if any).
        case none
        /// ×0.1 at 50% and at 75% of the steps (the ResNet paper's steps, in proportion).
        case multistep
        /// Half a cosine from the learning rate down to 0 at the last step.
        case cosine
        /// The 1cycle policy: up to the learning rate over 30% of the steps, then down to
        /// almost 0, with momentum cycled the other way. Has its own warm-up.
        case onecycle
    }

    /// `--model`: a name `ResNet.named` accepts (`cifar-resnet20`, `ablation-res-18`, ...).
    public var model = "cifar-resnet20"
    /// `--dataset`.
    public var dataset: DatasetName = .fashionMNIST
    /// `--data-dir`: where the data set's files are (nil: `$RESIDUAL_DATA_DIR` or
    /// `/usr/share/datasets`).
    public var dataDirectory: String?
    /// Output classes of the model; nil: the data set's class count.
    public var classes: Int?
    /// `--epochs`: passes over the training set.
    public var epochs = 15
    /// `--batch-size`: images per step.
    public var batchSize = 128
    /// `--optimizer`.
    public var optimizer: OptimizerKind = .sgd
    /// `--lr`: the (peak) learning rate.
    public var learningRate = 0.1
    /// `--momentum`: SGD's momentum μ (ignored by Adam and AdamW).
    public var momentum = 0.9
    /// `--nesterov`: SGD with Nesterov momentum.
    public var nesterov = false
    /// `--weight-decay`: λ (L2 for SGD and Adam, decoupled for AdamW).
    public var weightDecay = 5e-4
    /// `--schedule`.
    public var schedule: Schedule = .cosine
    /// `--warmup-epochs`: epochs of linear warm-up from a tenth of the learning rate, before
    /// the schedule (not with `onecycle`, which warms up by itself).
    public var warmupEpochs = 0
    /// `--seed`: decides the initial weights, the order of the examples and the augmentation.
    public var seed: UInt64 = 0
    /// `--threads`: threads for the kernels (nil: `RESIDUAL_THREADS` or every core). The
    /// numbers do not depend on it.
    public var threads: Int?
    /// `--output`: the directory for the checkpoint and the metrics files.
    public var outputDirectory = "runs/train"
    /// `--augment`: random crops (zero padding 2, 4 for 32×32 images) and horizontal flips of
    /// the training images.
    public var augment = false
    /// `--train-limit`: use only the first N training images (nil: all).
    public var trainLimit: Int?
    /// `--test-limit`: evaluate on the first N test images (nil: all).
    public var testLimit: Int?
    /// `--max-steps`: stop after step N (counted from the run's start), even in the middle
    /// of an epoch, with a checkpoint there; the schedule stays the full run's, and
    /// `--resume` continues to the end (nil: run every epoch).
    public var maxSteps: Int?
    /// `--checkpoint-every`: also write the checkpoint every N steps (nil: only at the end of
    /// each epoch).
    public var checkpointEvery: Int?
    /// `--last-batch-of-one`: what to do when the training set leaves one image for the last
    /// batch of every epoch. Batch norm in training mode cannot normalise a single image in
    /// nets whose last stage is 1×1 (the ImageNet family on small images), so by default that
    /// image is left out of every epoch. nil: keep it (how runs saved before this setting
    /// existed were made, so they resume exactly).
    public var lastBatchOfOne: LastBatchOfOne? = .drop
    /// `--init-weights`: a safetensors state dict (saved weights, a checkpoint, or weights
    /// exported from PyTorch) to start from instead of random weights: fine-tuning. Tensors
    /// whose shape differs from the model's (the classifier, for another number of classes)
    /// keep their fresh weights, and the run says which. Read once, when the run starts.
    public var initialWeights: String?
    /// `--freeze`: module paths (`conv1`, `layer1`, `layer2.0`, ...) whose parameters do not
    /// train for the whole run; a path that names no module is an error listing the real ones.
    public var frozenModules: [String]?

    /// See `lastBatchOfOne`.
    public enum LastBatchOfOne: String, Codable, Sendable, CaseIterable {
        /// Leave the single image out of every epoch (said when training starts).
        case drop
        /// Refuse to start, naming --train-limit and --batch-size.
        case error
    }

    /// The defaults described above.
    public init() {}

    /// Checks every setting on its own (the model name is checked when the model is built,
    /// the schedule once the number of steps is known).
    /// - Throws: `TrainingError.invalidConfiguration` naming the setting and its flag.
    public func validate() throws(TrainingError) {
        try requireSetting(!model.isEmpty, "--model must name a model, e.g. cifar-resnet20")
        try requireSetting(epochs >= 1, "--epochs must be at least 1, got \(epochs)")
        try requireSetting(
            batchSize >= 1, "--batch-size must be at least 1, got \(batchSize)")
        try requireSetting(
            learningRate > 0 && learningRate.isFinite,
            "--lr must be a finite number > 0, got \(learningRate)")
        try requireSetting(
            momentum >= 0 && momentum < 1,
            "--momentum must be in [0, 1), got \(momentum)")
        try requireSetting(
            !nesterov || optimizer != .sgd || momentum > 0,
            "--nesterov needs a momentum > 0 (--momentum 0.9)")
        try requireSetting(
            weightDecay >= 0 && weightDecay.isFinite,
            "--weight-decay must be a finite number ≥ 0, got \(weightDecay)")
        try requireSetting(
            warmupEpochs >= 0, "--warmup-epochs must be ≥ 0, got \(warmupEpochs)")
        try requireSetting(
            warmupEpochs == 0 || schedule != .onecycle,
            "--warmup-epochs must be 0 with --schedule onecycle, which warms up "
                + "by itself")
        try requireSetting(
            warmupEpochs < epochs,
            "--warmup-epochs must be shorter than the run (--epochs \(epochs)), "
                + "got \(warmupEpochs)")
        if let classes {
            try requireSetting(classes >= 2, "classes must be at least 2, got \(classes)")
        }
        if let threads {
            try requireSetting(
                threads >= 1, "--threads must be at least 1, got \(threads)")
        }
        try requireSetting(
            !outputDirectory.isEmpty, "--output must name a directory")
        for (value, flag) in [
            (trainLimit, "--train-limit"), (testLimit, "--test-limit"), (maxSteps, "--max-steps"),
            (checkpointEvery, "--checkpoint-every"),
        ] {
            if let value {
                try requireSetting(value >= 1, "\(flag) must be at least 1, got \(value)")
            }
        }
    }
}
