import Checks
import TensorCore

/// Batch normalisation over the channels of an NCHW batch (Ioffe & Szegedy 2015), as
/// PyTorch's `nn.BatchNorm2d` with its defaults (affine, tracking running statistics).
///
/// In training mode (`training == true`) each channel is normalised with the batch's mean and
/// biased variance, and the running estimates move toward the batch mean and the *unbiased*
/// batch variance by `momentum` (0.1, as PyTorch):
/// `running ← (1 − momentum)·running + momentum·batch`. In eval mode the running estimates
/// normalise and nothing changes. `y = weight·(x − μ)/√(σ² + eps) + bias`.
///
/// - Input: [N, C, H, W]. Output: [N, C, H, W].
/// - Parameters (trained by backprop): `weight` γ [C] (ones), `bias` β [C] (zeros).
/// - Buffers (saved, not trained): `running_mean` [C] (zeros), `running_var` [C] (ones),
///   `num_batches_tracked` [] (a scalar counting training-mode forward passes; PyTorch stores
///   it as int64, here it is a Float).
///
/// The computation is TensorCore's `batchNorm2d`.
public final class BatchNorm2d: Module {
    /// C, the number of channels normalised (each with its own statistics, γ and β).
    public let channels: Int
    /// The weight of each new batch statistic in the running estimates.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let eps: Float

    // Parameters: trained by backprop.
    /// γ, [C].
    public let weight: Tensor
    /// β, [C].
    public let bias: Tensor

    // Buffers: running statistics, updated by the forward pass in training mode.
    /// [C], the running estimate of each channel's mean.
    public let runningMean: Tensor
    /// [C], the running estimate of each channel's (unbiased) variance.
    public let runningVar: Tensor
    /// [], the number of training-mode forward passes so far.
    public let numBatchesTracked: Tensor

    /// A batch norm over `channels` channels with γ = 1, β = 0, running mean 0, running
    /// variance 1 and no batches tracked, in training mode.
    ///
    /// Stops with a message unless `channels` > 0, `momentum` is in 0...1 and `eps` ≥ 0.
    ///
    /// - Parameters:
    ///   - channels: C.
    ///   - momentum: the weight of the batch statistics in the running estimates.
    ///   - eps: added to the variance before the square root.
    public init(_ channels: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        checkArgument(channels > 0, "BatchNorm2d: expected channels > 0, got \(channels)")
        checkArgument(
            momentum >= 0 && momentum <= 1 && eps >= 0,
            "BatchNorm2d: expected momentum in 0...1 and eps ≥ 0, got momentum \(momentum), "
                + "eps \(eps)")
        self.channels = channels
        self.momentum = momentum
        self.eps = eps
        weight = Tensor.ones([channels], requiresGrad: true)
        bias = Tensor.zeros([channels], requiresGrad: true)
        runningMean = Tensor.zeros([channels])
        runningVar = Tensor.ones([channels])
        numBatchesTracked = Tensor(0)
        super.init()
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight), ("bias", bias)]
    }

    public override var ownBuffers: [(name: String, tensor: Tensor)] {
        [
            ("running_mean", runningMean), ("running_var", runningVar),
            ("num_batches_tracked", numBatchesTracked),
        ]
    }

    /// Normalises each channel of `x`: with the batch's statistics in training mode (which
    /// also updates the running estimates and counts the batch), with the running estimates
    /// in eval mode.
    /// - Parameter x: [N, C, H, W].
    /// - Returns: [N, C, H, W].
    public override func forward(_ x: Tensor) -> Tensor {
        if training { numBatchesTracked.data[0] += 1 }
        return batchNorm2d(
            x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
            training: training, momentum: momentum, eps: eps)
    }
}
