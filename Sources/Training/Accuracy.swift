import Datasets
import TensorCore

/// The fraction of `data` that `forward` classifies correctly: the images in order, in
/// batches of `batchSize`, through `transforms`, without gradients. The caller chooses the
/// mode (`model.eval()` first, for batch norm's running statistics).
///
/// - Parameters:
///   - forward: images [N, C, H, W] → logits [N, classes].
///   - data: the examples to classify, in order.
///   - transforms: applied to each image first (normalisation, say); none by default.
///   - batchSize: images per call of `forward` (default 250).
/// - Returns: correct predictions over `data.count`, in [0, 1] (0 for an empty set).
public func classificationAccuracy(
    of forward: (Tensor) -> Tensor, on data: Dataset, transforms: [Transform] = [],
    batchSize: Int = 250
) -> Double {
    let loader = DataLoader(data, batchSize: batchSize, shuffle: false, transforms: transforms)
    var tally = EvaluationTally()
    for batch in loader.epoch(0) {
        tally.addPredictions(
            logits: Tensor.withoutGrad { forward(batch.images) }, labels: batch.labels)
    }
    return Double(tally.count - tally.wrong) / Double(max(1, data.count))
}
