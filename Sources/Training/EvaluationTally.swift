import TensorCore

/// The running totals of a forward-only evaluation on labelled batches: the loss, the
/// mistakes and the predictions, batch by batch. The library's evaluations add their
/// batches here (`Trainer.evaluate()`, `classificationAccuracy`, the ablation's scoring), so
/// that a loss or an error means the same thing everywhere.
public struct EvaluationTally: Sendable {
    /// The sum over examples of the cross-entropy loss (each batch's mean times its size).
    public private(set) var lossSum = 0.0
    /// The examples whose largest logit is not their label's.
    public private(set) var wrong = 0
    /// The examples added.
    public private(set) var count = 0
    /// Each example's predicted class (the index of its largest logit), in order.
    public private(set) var predictions: [Int] = []

    /// No examples yet.
    public init() {}

    /// Adds one batch: its loss, mistakes and predictions.
    /// - Parameters:
    ///   - logits: the model's output for the batch, `[N, classes]`.
    ///   - labels: the N class indices, each below `classes` (the loss needs it).
    public mutating func add(logits: Tensor, labels: [Int]) {
        let loss = crossEntropy(logits: logits, targets: labels).scalar
        lossSum += Double(loss) * Double(labels.count)
        addPredictions(logits: logits, labels: labels)
    }

    /// Adds one batch's mistakes and predictions but not its loss, for accuracy alone: no
    /// cross-entropy is computed, and a label the logits have no class for is simply a
    /// mistake. `lossSum` does not count these examples.
    /// - Parameters:
    ///   - logits: the model's output for the batch, `[N, classes]`.
    ///   - labels: the N class indices.
    public mutating func addPredictions(logits: Tensor, labels: [Int]) {
        let predicted = logits.argmax(axis: 1)
        wrong += zip(predicted, labels).count { $0 != $1 }
        predictions += predicted
        count += labels.count
    }

    /// The mean loss per example (NaN before any example).
    public var meanLoss: Double { lossSum / Double(count) }
    /// The fraction of the examples classified wrong (NaN before any example).
    public var error: Double { Double(wrong) / Double(count) }
}
