import NN
import ResNetModels
import TensorCore
import Training

/// Error and loss of a model on a fixed set of images.
public struct Score: Codable, Equatable, Sendable {
    /// Fraction of the images classified wrong.
    public var error: Double
    /// Mean cross-entropy loss per image.
    public var loss: Double

    /// A score of `error` (a fraction) and `loss` (mean per image).
    public init(error: Double, loss: Double) {
        self.error = error
        self.loss = loss
    }
}

/// Scores `forward` (a function from [B, C, H, W] images to [B, classes] logits) on every
/// batch of `set`, without recording gradients.
public func score(on set: EvaluationSet, _ forward: (Tensor) -> Tensor) -> Score {
    Tensor.withoutGrad {
        var tally = EvaluationTally()
        for (images, labels) in set.batches {
            tally.add(logits: forward(images), labels: labels)
        }
        return Score(tally, count: set.count)
    }
}

extension Score {
    /// The score of `count` images counted in `tally`.
    init(_ tally: EvaluationTally, count: Int) {
        self.init(error: Double(tally.wrong) / Double(count), loss: tally.lossSum / Double(count))
    }
}

/// Forward-only evaluation of a model as it is now: batch norm with its running statistics
/// (eval mode, so one image's result does not depend on the others in its batch), nothing
/// recorded for autograd, and each batch norm folded into its convolution (`FoldedResNet`)
/// where the architecture allows. The model's mode is left as it was.
public func score(_ model: ResNet, on set: EvaluationSet) -> Score {
    if let folded = FoldedResNet(model) {
        return score(on: set) { folded($0) }
    }
    let wasTraining = model.training
    model.eval()
    defer { model.train(wasTraining) }
    return score(on: set) { model($0) }
}
