import ResNetModels

/// The bottom lines of a `ModelSummary`: parameter counts, mult-adds and torchinfo's memory
/// estimate (4-byte floats; 1 MB = 10⁶ bytes, as torchinfo).
public struct SummaryTotals: Hashable, Sendable {
    /// Every parameter element of the model (each shared tensor once): `model.parameterCount`.
    public var parameters: Int
    /// Those that require gradients.
    public var trainableParameters: Int
    /// Multiply-accumulates of one forward pass over the whole input batch.
    public var multAdds: Int
    /// The input tensor: its element count × 4.
    public var inputBytes: Int
    /// torchinfo's "Forward/backward pass size": the outputs of the layers that have
    /// parameters (leaf modules only, every call), × 4 bytes, × 2 for their gradients.
    /// Parameter-free layers (ReLU, pooling) and residual additions are not counted, as in
    /// torchinfo.
    public var forwardBackwardBytes: Int
    /// The parameters: `parameters` × 4.
    public var parameterBytes: Int
    /// Residual additions in one forward pass, by kind of shortcut (no entry for a kind that
    /// does not occur; empty for a plain network).
    public var residualAddsByKind: [ShortcutKind: Int]

    /// Residual additions in one forward pass (0 for a plain network).
    public var residualAdds: Int { residualAddsByKind.values.reduce(0, +) }

    /// Parameters that do not require gradients (frozen).
    public var nonTrainableParameters: Int { parameters - trainableParameters }

    /// Input, forward/backward activations and parameters together.
    public var estimatedTotalBytes: Int { inputBytes + forwardBackwardBytes + parameterBytes }
}
