import Checks
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
/// batch of `set`, without recording gradients. On one thread each batch goes through
/// `forward` in slices of `scoringSlice` images (`forwardInSlices`): `forward` must treat each
/// image alone (batch norm in eval mode or folded, as ``score(_:on:)`` has it), and then the
/// score is the same bits either way.
public func score(on set: EvaluationSet, _ forward: (Tensor) -> Tensor) -> Score {
    scores(on: set, firstBatches: set.batches.count, forward).whole
}

/// As ``score(on:_:)``, and the score of the first `firstBatches` batches alone, from the same
/// pass: the bits of scoring those batches as a set of their own (the same logits, the loss
/// summed in the same order), for a smaller set that is the start of a larger one.
func scores(on set: EvaluationSet, firstBatches: Int, _ forward: (Tensor) -> Tensor)
    -> (first: Score, whole: Score)
{
    checkArgument(
        (0...set.batches.count).contains(firstBatches),
        "scores(on:firstBatches:): \(firstBatches) batches of a set of \(set.batches.count)")
    return Tensor.withoutGrad {
        var tally = EvaluationTally()
        var first: Score?
        for (index, (images, labels)) in set.batches.enumerated() {
            if index == firstBatches { first = Score(tally, count: tally.count) }
            tally.add(logits: forwardInSlices(images, forward), labels: labels)
        }
        let whole = Score(tally, count: set.count)
        return (first ?? whole, whole)
    }
}

/// Images per forward pass when one thread scores a batch: a slice's activations stay in
/// cache from one layer to the next, where a batch of 500 streams each layer's through
/// memory. Folded evaluation on one thread of the Zen 4 of Docs/PERFORMANCE.md ("Scoring in
/// slices of 64 images on one thread"): 1.10-1.18× as fast at 64 images as at 500 on the
/// six ablation nets. On two threads whole batches stay faster (the parallel loops need the
/// work), so they are left whole.
public let scoringSlice = 64

/// `forward(images)` for `images` [B, C, H, W], the batch cut into slices of `scoringSlice`
/// images on one thread (`Tensor.threadCount` 1) with no gradients recorded
/// (`Tensor.withoutGrad`), and the outputs joined in order; otherwise one pass.
///
/// The same bits as one pass over the whole batch when `forward` treats each image alone
/// (batch norm in eval mode or folded: each kernel sums in an order that does not depend on
/// the batch), which the tests check. A training-mode batch norm would normalise each slice
/// by its own statistics: do not slice such a `forward`.
///
/// - Returns: [B, …], `forward`'s output for the whole batch.
public func forwardInSlices(_ images: Tensor, _ forward: (Tensor) -> Tensor) -> Tensor {
    forwardInSlices(images, outputs: { [forward($0)] })![0]
}

/// As ``forwardInSlices(_:_:)``, for a `forward` that gives several outputs, each [B, …] for
/// its B images, or nil to give up (then so does this).
///
/// - Returns: `forward`'s outputs for the whole batch, each joined from the slices in order.
public func forwardInSlices(_ images: Tensor, outputs forward: (Tensor) -> [Tensor]?)
    -> [Tensor]?
{
    let count = images.shape.first ?? 0
    guard Tensor.threadCount == 1, !Tensor.isGradEnabled, count > scoringSlice else {
        return forward(images)
    }
    let imageShape = Array(images.shape.dropFirst())
    let imageSize = images.count / count
    let pixels = images.data
    var joined: [[Float]] = []
    var shapes: [[Int]] = []
    for start in stride(from: 0, to: count, by: scoringSlice) {
        let end = min(count, start + scoringSlice)
        let slice = Tensor(
            shape: [end - start] + imageShape,
            data: Array(pixels[start * imageSize..<end * imageSize]))
        guard let outputs = forward(slice) else { return nil }
        if joined.isEmpty {
            joined = Array(repeating: [], count: outputs.count)
            shapes = Array(repeating: [], count: outputs.count)
        }
        precondition(
            outputs.count == joined.count,
            "forwardInSlices: \(outputs.count) outputs for one slice, \(joined.count) for another")
        for (index, output) in outputs.enumerated() {
            precondition(
                output.shape.first == end - start,
                "forwardInSlices: \(end - start) images gave an output of shape \(output.shape)")
            shapes[index] = Array(output.shape.dropFirst())
            joined[index] += output.data
        }
    }
    return zip(joined, shapes).map { Tensor(shape: [count] + $1, data: $0) }
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
    scores(model, on: set, firstBatches: set.batches.count).whole
}

/// As ``score(_:on:)``, and the score of the first `firstBatches` batches alone, from the
/// same pass (``scores(on:firstBatches:_:)``).
func scores(_ model: ResNet, on set: EvaluationSet, firstBatches: Int)
    -> (first: Score, whole: Score)
{
    if let folded = FoldedResNet(model) {
        return scores(on: set, firstBatches: firstBatches) { folded($0) }
    }
    let wasTraining = model.training
    model.eval()
    defer { model.train(wasTraining) }
    return scores(on: set, firstBatches: firstBatches) { model($0) }
}
