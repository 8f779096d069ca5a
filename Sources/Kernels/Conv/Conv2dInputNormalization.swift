/// What a convolution makes of each input value as it reads it, per input channel c:
///
///     relu(((x − mean[c]) · invStd[c]) · gamma[c] + beta[c])
///
/// a batch norm and the ReLU after it, so that their output need never be stored: the
/// convolution reads the batch norm's input instead (TensorCore's ReLU of a batch norm's
/// output leaves its values to the convolution that reads them). The arithmetic, operation by
/// operation, of TensorCore's `normalized` and `relu`, so the bits are those of the values
/// stored. Winograd's forward pass and weight gradient take it
/// (``conv2dTakesInputNormalization(_:)``), in their channel-last copy of each image.
public struct Conv2dInputNormalization: @unchecked Sendable {
    /// μ per input channel, `[inChannels]`.
    public var mean: UnsafePointer<Float>
    /// 1/σ̂ per input channel.
    public var invStd: UnsafePointer<Float>
    /// γ per input channel.
    public var gamma: UnsafePointer<Float>
    /// β per input channel.
    public var beta: UnsafePointer<Float>

    /// The per-channel values, each `[inChannels]`; they must stay valid until the
    /// convolution returns.
    public init(
        mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>
    ) {
        (self.mean, self.invStd, self.gamma, self.beta) = (mean, invStd, gamma, beta)
    }
}

/// Whether `conv2dForward` and `conv2dBackwardWeight` take a `Conv2dInputNormalization` for
/// this shape: where both run on Winograd (3×3, stride 1, padding 1, input channels in
/// sixteens).
public func conv2dTakesInputNormalization(_ s: Conv2dShape) -> Bool {
    usesWinogradForward(s) && usesWinogradBackwardWeight(s)
}
