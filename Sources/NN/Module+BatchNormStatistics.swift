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
        let statistics = averageBatchStatistics(of: norms, input: true, over: batches)
        for (norm, moments) in zip(norms, statistics) {
            norm.runningMean.data = moments.mean.map { Float($0) }
            norm.runningVar.data = moments.variance.map { Float($0) }
        }
    }

    /// Per channel, the average over `batches` of each batch's mean and unbiased variance of
    /// what each module of `modules` receives (`input`) or returns, with every batch passed
    /// through this module in training mode (each batch norm normalising by the batch's own
    /// statistics, as in a training step) and no autograd. The module is left as it was: its
    /// modes, and every buffer (the running statistics, which the passes move, included).
    ///
    ///     // the mean and variance of what each stage of a net hands on, while it trains
    ///     let stages = net.averageBatchStatistics(of: net.layers, input: false, over: batches)
    ///
    /// - Parameters:
    ///   - modules: submodules of this module (or itself), each called once per forward
    ///     (a module called twice, as `BasicBlock`'s `relu` is, would mix two tensors into
    ///     one average); each must see `[B, C, H, W]`.
    ///   - input: true for what each module receives, false for what it returns.
    ///   - batches: the inputs, `[B, C, H, W]` each, B ≥ 2.
    /// - Returns: one mean and one variance per channel for each module, in Double; empty
    ///   arrays for a module that no batch reached.
    public func averageBatchStatistics(
        of modules: [Module], input: Bool, over batches: [Tensor]
    ) -> [(mean: [Double], variance: [Double])] {
        let sums = modules.map { _ in StatisticsSum() }
        let hooks = zip(modules, sums).map { module, sum in
            (module, module.registerForwardHook { _, x, y in sum.add(input ? x : y) })
        }
        let modes = namedModules().map(\.module.training)
        train()
        preservingBuffers {
            Tensor.withoutGrad {
                for batch in batches { _ = self(batch) }
            }
        }
        // Parents come before their children, so each module's own call is the last to set it.
        for ((_, module), mode) in zip(namedModules(), modes) { module.train(mode) }
        for (module, id) in hooks { module.removeForwardHook(id) }
        return sums.map { sum in
            let n = Double(max(sum.batches, 1))
            return (sum.mean.map { $0 / n }, sum.variance.map { $0 / n })
        }
    }
}

/// Per channel, the sums over batches of each batch's mean and unbiased variance.
private final class StatisticsSum {
    var mean: [Double] = []
    var variance: [Double] = []
    var batches = 0

    /// Adds the statistics of `x`, `[N, C, H, W]`, computed in double precision.
    func add(_ x: Tensor) {
        let (n, c) = (x.shape[0], x.shape[1])
        let plane = x.shape[2] * x.shape[3]
        let count = Double(n * plane)
        if batches == 0 {
            mean = Array(repeating: 0, count: c)
            variance = Array(repeating: 0, count: c)
        }
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
