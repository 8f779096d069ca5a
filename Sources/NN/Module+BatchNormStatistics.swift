import Kernels
import TensorCore

extension Module {
    /// Replaces the running statistics of every ``BatchNorm2d`` in this module by their
    /// average over `batches` ("precise" batch-norm statistics), for evaluating weights whose
    /// running estimates lag behind them.
    ///
    /// Each batch goes through the module in training mode, so every batch norm normalises
    /// with the batch's own statistics, as in a training step; the mean and the unbiased
    /// variance of each batch norm's input, channel by channel, are averaged over the batches
    /// with equal weights and written as its running mean and variance. Nothing is recorded
    /// for autograd; the module's mode and each `numBatchesTracked` are left as they were.
    ///
    ///     model.reestimateBatchNormStatistics(batches)   // [B, C, H, W] each
    ///     let error = score(model, on: test)             // eval mode, the new statistics
    ///
    /// - Parameter batches: the inputs, `[B, C, H, W]` each, B ≥ 2; no batch, no change.
    public func reestimateBatchNormStatistics(_ batches: [Tensor]) {
        let norms = namedModules().compactMap { $0.module as? BatchNorm2d }
        guard !norms.isEmpty, !batches.isEmpty else { return }
        let sums = norms.map { StatisticsSum(channels: $0.channels) }
        let hooks = zip(norms, sums).map { norm, sum in
            (norm, norm.registerForwardHook { _, input, _ in sum.add(input) })
        }
        let tracked = norms.map { $0.numBatchesTracked.data }
        let modes = namedModules().map(\.module.training)
        train()
        Tensor.withoutGrad {
            for batch in batches { _ = self(batch) }
        }
        // Parents come before their children, so each module's own call is the last to set it.
        for ((_, module), mode) in zip(namedModules(), modes) { module.train(mode) }
        for (norm, id) in hooks { norm.removeForwardHook(id) }
        for ((norm, sum), count) in zip(zip(norms, sums), tracked) {
            norm.runningMean.data = sum.mean.map { Float($0 / Double(sum.batches)) }
            norm.runningVar.data = sum.variance.map { Float($0 / Double(sum.batches)) }
            norm.numBatchesTracked.data = count
        }
    }
}

/// Per channel, the sums over batches of each batch's mean and unbiased variance.
private final class StatisticsSum {
    var mean: [Double]
    var variance: [Double]
    var batches = 0

    init(channels: Int) {
        mean = Array(repeating: 0, count: channels)
        variance = Array(repeating: 0, count: channels)
    }

    /// Adds the statistics of `x`, `[N, C, H, W]`, computed in double precision.
    func add(_ x: Tensor) {
        let (n, c) = (x.shape[0], x.shape[1])
        let plane = x.shape[2] * x.shape[3]
        let count = Double(n * plane)
        x.data.withUnsafeBufferPointer { data in
            for channel in 0..<c {
                let moments = channelMoments(
                    data, channel: channel, channels: c, count: n, planeSize: plane)
                mean[channel] += moments.mean
                variance[channel] += moments.squares / max(count - 1, 1)
            }
        }
        batches += 1
    }
}
