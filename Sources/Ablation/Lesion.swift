import ResNetModels

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
    /// Scoring runs on a `FoldedResNet` copy, forward only, so `model` is not changed.
    ///
    /// - Parameters:
    ///   - model: a trained net whose batch norms can be folded (not pre-activation: that
    ///     stops the program).
    ///   - net: the name recorded in the profile.
    ///   - set: the test images, `[B, C, H, W]` batches.
    ///   - shouldStop: asked before each lesioned scoring; true gives up (nil).
    public init?(
        _ model: ResNet, net: String, on set: EvaluationSet, shouldStop: () -> Bool = { false }
    ) {
        guard let folded = FoldedResNet(model) else {
            // A programming error, not bad input: the ablation's nets all fold.
            fatalError("LesionProfile: \(net) cannot be folded (pre-activation?)")
        }
        self.net = net
        blocks = model.namedModules().filter { $0.module is any ResidualBlock }.map(\.name)
        intact = score(on: set) { folded($0) }
        lesioned = []
        for index in folded.blocks.indices {
            if shouldStop() { return nil }
            lesioned.append(score(on: set) { folded($0, deleting: index) })
        }
    }
}
