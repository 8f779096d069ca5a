import ResNetModels
import TensorCore
import Training

/// A lesion study of one trained net (Veit et al. 2016, "Residual Networks Behave Like
/// Ensembles of Relatively Shallow Networks"): the test error with each block deleted in
/// turn, at test time, without retraining.
///
/// A deleted residual block leaves its shortcut, so the signal still flows around it; a
/// deleted plain block leaves the same parameter-free mapping (identity, or subsampling and
/// zero channels where the block changes the shape), so the two families lose exactly the
/// same layers.
public struct LesionProfile: Codable, Equatable, Sendable {
    /// The net's name: `"plain-56"`, `"res-56"`, ...
    public var net: String
    /// `layer1.0`, `layer1.1`, ...: the deleted block of each entry.
    public var blocks: [String]
    /// The intact net's test score.
    public var intact: Score
    /// The test score with block i deleted.
    public var lesioned: [Score]

    /// Deletes each block of `model` in turn and scores what is left on `set`.
    ///
    /// Scoring runs on a `FoldedResNet` copy, forward only, so `model` is not changed. With
    /// block i deleted, blocks 0..<i see what they see in the intact net, so their outputs
    /// are not computed again: for each batch, one pass through the intact net keeps block
    /// i's input while the lesion of block i runs from there (its bypass, then the blocks
    /// after it). That is about half the work of scoring every lesioned net from the image,
    /// with the same operations on the same inputs, so the same scores to the last bit.
    ///
    /// - Parameters:
    ///   - model: a trained net whose batch norms can be folded (not pre-activation: that
    ///     stops the program).
    ///   - net: the name recorded in the profile.
    ///   - set: the test images, `[B, C, H, W]` batches.
    ///   - shouldStop: asked before each lesioned forward pass; true gives up (nil).
    public init?(
        _ model: ResNet, net: String, on set: EvaluationSet, shouldStop: () -> Bool = { false }
    ) {
        guard let folded = FoldedResNet(model) else {
            // A programming error, not bad input: the ablation's nets all fold.
            fatalError("LesionProfile: \(net) cannot be folded (pre-activation?)")
        }
        self.net = net
        blocks = model.namedModules().filter { $0.module is any ResidualBlock }.map(\.name)
        let tallies = Tensor.withoutGrad { () -> [EvaluationTally]? in
            // tallies[0]: the intact net; tallies[i + 1]: block i deleted.
            var tallies = [EvaluationTally](repeating: .init(), count: folded.blocks.count + 1)
            for (images, labels) in set.batches {
                // On one thread in slices that stay in cache (`forwardInSlices`): the same
                // logits, joined before they are counted.
                let logits = forwardInSlices(images) { images -> [Tensor]? in
                    var logits = [Tensor](repeating: Tensor(0), count: folded.blocks.count + 1)
                    var input = folded.stemOutput(images)  // block i's input in the intact net
                    for (index, block) in folded.blocks.enumerated() {
                        if shouldStop() { return nil }
                        var out = block.bypass(input)
                        for later in folded.blocks[(index + 1)...] { out = later(out) }
                        logits[index + 1] = folded.head(out)
                        input = block(input)
                    }
                    logits[0] = folded.head(input)
                    return logits
                }
                guard let logits else { return nil }
                for (tally, logits) in zip(tallies.indices, logits) {
                    tallies[tally].add(logits: logits, labels: labels)
                }
            }
            return tallies
        }
        guard let tallies else { return nil }
        let scores = tallies.map { Score($0, count: set.count) }
        intact = scores[0]
        lesioned = Array(scores.dropFirst())
    }
}
