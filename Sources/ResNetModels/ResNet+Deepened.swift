import Checks
import NN
import Randomness
import TensorCore

extension ResNet {
    /// The paper's constructed solution (He et al. 2015, section 1): a deeper net that
    /// computes what this one computes, its extra layers set to the identity.
    ///
    /// The deeper net has `configuration`, which may differ from this net's only in more
    /// blocks per stage. Its stem, its classifier and the first blocks of each stage are
    /// copies of this net's (the blocks that change the shape come first in a stage, so
    /// they are all copied); each extra block is made to pass its input on:
    ///
    /// - both 3×3 convolutions are identity kernels (a 1 at the centre, from each channel to
    ///   itself);
    /// - in a plain net, both batch norms have as running mean and variance the statistics
    ///   of what the stage's copied blocks hand on while training (`averageBatchStatistics`
    ///   over `batches`, through this net), and γ = √(variance + eps), β = mean, so that in
    ///   eval mode they undo their own normalisation: the deeper net computes this net's
    ///   function up to rounding. In training mode each batch is normalised by its own
    ///   statistics, which are not the averages, so the extra blocks are only close to the
    ///   identity there; no setting of a batch norm makes them exact in both modes;
    /// - in a residual net, the second batch norm's γ is 0 (and β 0), so the branch adds
    ///   exactly 0 and the block returns relu(x) = x for its non-negative input: exact in
    ///   both modes.
    ///
    ///     let plain56 = plain18.deepened(
    ///         to: .ablation(depth: 56, residual: false), statistics: trainingBatches)
    ///
    /// Stops with a message unless both nets are made of basic blocks with the same stem,
    /// widths, shortcut and family, and every stage of `configuration` has at least as many
    /// blocks as this net's.
    ///
    /// - Parameters:
    ///   - configuration: the deeper net's.
    ///   - batches: training images, `[B, C, H, W]` each, for a plain net's statistics
    ///     (unused for a residual one).
    /// - Returns: the deeper net, in training mode; this net is left as it was.
    public func deepened(to configuration: Configuration, statistics batches: [Tensor]) -> ResNet {
        let own = self.configuration
        var sameButDepth = configuration
        sameButDepth.blocksPerStage = own.blocksPerStage
        checkArgument(
            own.block == .basic && sameButDepth == own && own.blocksPerStage.allSatisfy { $0 >= 1 }
                && zip(configuration.blocksPerStage, own.blocksPerStage).allSatisfy(>=),
            "ResNet.deepened(to:statistics:): expected a configuration of basic blocks that "
                + "differs from the net's only by at least as many blocks per stage "
                + "(\(own.blocksPerStage)), got \(configuration.block) blocks "
                + "\(configuration.blocksPerStage)")
        checkArgument(
            !own.residual || own.shortcut != .c,
            "ResNet.deepened(to:statistics:): shortcut option C projects every block's input, "
                + "so an extra block with a zero branch would not pass it on unchanged")
        checkArgument(
            own.residual || !batches.isEmpty,
            "ResNet.deepened(to:statistics:): a plain net's extra blocks need training batches "
                + "for their statistics, got none")

        var generator = SeededGenerator(seed: 0)  // every weight is replaced below
        let deeper = ResNet(configuration, generator: &generator)
        // The stem, fc and each stage's first blocks have the same names in both nets.
        do {
            let keys = try deeper.loadStateDict(stateDict(), strict: false)
            precondition(
                keys.unexpectedKeys.isEmpty,
                "ResNet.deepened(to:statistics:): the deeper net lacks \(keys.unexpectedKeys)")
        } catch {
            preconditionFailure("ResNet.deepened(to:statistics:): \(error)")
        }
        let handedOn =
            own.residual
            ? [] : averageBatchStatistics(of: layers, input: false, over: batches)
        // listing: deepened-extra-blocks
        for (stage, layer) in deeper.layers.enumerated() {
            for case let block as BasicBlock in layer.modules.dropFirst(own.blocksPerStage[stage]) {
                setIdentity(block.conv1)
                setIdentity(block.conv2)
                if own.residual {
                    block.bn2.weight.data = Array(repeating: 0, count: block.bn2.channels)
                    block.bn2.bias.data = Array(repeating: 0, count: block.bn2.channels)
                } else {
                    let (mean, variance) = handedOn[stage]
                    for norm in [block.bn1, block.bn2] {
                        norm.runningMean.data = mean.map { Float($0) }
                        norm.runningVar.data = variance.map { Float($0) }
                        norm.weight.data = variance.map {
                            Float(($0 + Double(norm.eps)).squareRoot())
                        }
                        norm.bias.data = mean.map { Float($0) }
                    }
                }
            }
        }
        // listing-end: deepened-extra-blocks
        deeper.train()
        return deeper
    }
}

/// Makes a convolution that keeps the shape (as many inputs as outputs, stride 1, an odd
/// kernel padded to keep the size) pass each channel through unchanged.
private func setIdentity(_ conv: Conv2d) {
    let (c, k) = (conv.outputChannels, conv.kernelSize)
    precondition(
        conv.inputChannels == c && conv.stride == 1 && k % 2 == 1 && conv.padding == k / 2,
        "ResNet.deepened(to:statistics:): an extra block's convolution changes the shape")
    var weight = [Float](repeating: 0, count: c * c * k * k)
    for channel in 0..<c {
        weight[((channel * c + channel) * k + k / 2) * k + k / 2] = 1
    }
    conv.weight.data = weight
    if let bias = conv.bias { bias.data = Array(repeating: 0, count: bias.data.count) }
}
