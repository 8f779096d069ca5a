import NN
import Optim
import TensorCore

/// What one training step measured on its batch, as the net was before the update.
public struct StepOutcome: Equatable, Sendable {
    /// The batch's mean cross-entropy loss; NaN or infinite when the step stopped before
    /// the update (see `trainingStep(_:images:labels:optimizer:)`).
    public let loss: Float
    /// The batch's examples whose largest logit is not their label's.
    public let wrong: Int
    /// The batch's examples.
    public let count: Int

    /// The fraction of the batch classified wrong.
    public var error: Float { Float(wrong) / Float(count) }
}

/// One step of supervised training on one batch, the step the library's training loops share
/// (`Trainer`, the ablation's `NetTraining` and its time estimate, `bench train`): forward,
/// cross-entropy, backward, the optimizer's update. The caller sets the learning rate before
/// and decides what a non-finite loss means after.
///
/// - Parameters:
///   - model: the network, in the mode it should train in (training mode, normally).
///   - images: the batch, `[N, C, H, W]`.
///   - labels: the N class indices.
///   - optimizer: updates the parameters it was given, from their gradients.
/// - Returns: the batch's loss and errors before the update. When the loss is NaN or
///   infinite the step stops after the forward pass: no backward, no update, the parameters
///   as they were, and the outcome's `loss` non-finite for the caller to report.
public func trainingStep(
    _ model: Module, images: Tensor, labels: [Int], optimizer: Optimizer
) -> StepOutcome {
    // listing: train-step
    optimizer.zeroGrad()
    let logits = model(images)  // [N, classes]
    let loss = crossEntropy(logits: logits, targets: labels)
    let wrong = zip(logits.argmax(axis: 1), labels).count { $0 != $1 }
    guard loss.scalar.isFinite else {
        return StepOutcome(loss: loss.scalar, wrong: wrong, count: labels.count)
    }
    loss.backward()
    optimizer.step()
    // listing-end: train-step
    return StepOutcome(loss: loss.scalar, wrong: wrong, count: labels.count)
}
