/// One training step as it is logged: the loss and accuracy of its batch (measured in
/// training mode, before the update) and the learning rate it used.
public struct StepMetrics: Codable, Equatable, Sendable {
    /// The step's number, from 1.
    public var step: Int
    /// The epoch it belongs to, from 1.
    public var epoch: Int
    /// The batch's mean cross-entropy loss.
    public var loss: Float
    /// The fraction of the batch classified right.
    public var accuracy: Double
    /// The learning rate of the update (of the first parameter group).
    public var learningRate: Double

    /// A step's record, from its fields.
    ///
    /// - Parameters:
    ///   - step: the step's number, from 1.
    ///   - epoch: its epoch, from 1.
    ///   - loss: the batch's mean cross-entropy loss.
    ///   - accuracy: the fraction of the batch classified right.
    ///   - learningRate: the first group's learning rate for the update.
    public init(step: Int, epoch: Int, loss: Float, accuracy: Double, learningRate: Double) {
        self.step = step
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
        self.learningRate = learningRate
    }
}

/// One finished epoch: the training figures averaged over its batches, the evaluation on the
/// test set, and how long it took.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// The epoch's number, from 1.
    public var epoch: Int
    /// Steps taken so far, this epoch's included.
    public var step: Int
    /// Training images seen this epoch (fewer than the set when `maxSteps` cut it short).
    public var trainExamples: Int
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// Mean training loss over the epoch's images (each batch measured before its update).
    public var trainLoss: Double
    /// Fraction of the epoch's training images classified right (before each update).
    public var trainAccuracy: Double
    /// Mean cross-entropy per test image, evaluated at the end of the epoch.
    public var testLoss: Double
    /// Fraction of the test images classified right, at the end of the epoch.
    public var testAccuracy: Double
    /// Test accuracy of each class, indexed by label.
    public var perClassAccuracy: [Double]
    /// `[true class][predicted class]` counts on the test set.
    public var confusionMatrix: [[Int]]
    /// Seconds spent training (not evaluating) in this epoch.
    public var trainSeconds: Double
    /// Seconds spent evaluating.
    public var evaluationSeconds: Double

    /// Training images per second.
    public var imagesPerSecond: Double {
        trainSeconds > 0 ? Double(trainExamples) / trainSeconds : 0
    }
}

/// Everything logged so far: one entry per step and one per epoch.
public struct TrainingHistory: Codable, Equatable, Sendable {
    /// One record per step taken, in order.
    public var steps: [StepMetrics] = []
    /// One record per finished epoch, in order.
    public var epochs: [EpochMetrics] = []

    /// An empty history.
    public init() {}
}

/// The training figures of the epoch in progress, summed as the steps come. Saved in
/// mid-epoch checkpoints so that a resumed epoch reports what an uninterrupted one would.
public struct RunningMetrics: Codable, Equatable, Sendable {
    /// Σ batch loss × batch size.
    public var lossSum: Double = 0
    /// Images classified right.
    public var correct = 0
    /// Images seen.
    public var examples = 0
    /// Seconds spent training.
    public var seconds: Double = 0

    /// Zero sums, for an epoch about to start.
    public init() {}

    /// Mean loss per image so far (NaN before the first step).
    public var meanLoss: Double { lossSum / Double(examples) }

    /// Fraction classified right so far (NaN before the first step).
    public var accuracy: Double { Double(correct) / Double(examples) }
}

/// How a model does on a data set: the mean loss, the confusion matrix, and every prediction.
public struct Evaluation: Sendable {
    /// Mean cross-entropy per image.
    public var loss: Double
    /// `[true class][predicted class]` counts.
    public var confusionMatrix: [[Int]]
    /// The predicted class of each image, in the data set's order.
    public var predictions: [Int]

    /// An evaluation from its figures.
    ///
    /// - Parameters:
    ///   - loss: the mean cross-entropy per image.
    ///   - confusionMatrix: `[true class][predicted class]` counts, classes × classes.
    ///   - predictions: the predicted class of each image, in the data set's order.
    public init(loss: Double, confusionMatrix: [[Int]], predictions: [Int]) {
        self.loss = loss
        self.confusionMatrix = confusionMatrix
        self.predictions = predictions
    }

    /// Images evaluated.
    public var count: Int { predictions.count }

    /// Fraction of all images classified right: the diagonal over the total.
    public var accuracy: Double {
        let right = confusionMatrix.indices.reduce(0) { $0 + confusionMatrix[$1][$1] }
        return count > 0 ? Double(right) / Double(count) : 0
    }

    /// For each class, the fraction of its images classified right (NaN for a class with no
    /// images).
    public var perClassAccuracy: [Double] {
        confusionMatrix.indices.map { label in
            let total = confusionMatrix[label].reduce(0, +)
            return Double(confusionMatrix[label][label]) / Double(total)
        }
    }
}
