/// A convolution's weights made ready once for the forward pass (`conv2dForward`), for a
/// caller that runs the same weights over many batches: a folded net scoring a test set, or
/// one point of a loss landscape, a slice of images after another.
///
/// Where the layer's shape takes Winograd (``winogradApplies(_:)``), the filters are
/// transformed (U = G g Gᵀ) and packed here, as the forward pass would do on every call: the
/// same transform, so the same bits. Other shapes keep nothing (their paths read the weights
/// as they are, or pack them per call as before). The weights are copied: changing the
/// original afterwards does not reach these.
public struct Conv2dForwardWeights: Sendable, CustomStringConvertible {
    /// The layer these are for: K, C, the kernel, stride and padding (one value for both axes).
    let outChannels: Int
    let inChannels: Int
    let kernelSize: Int
    let stride: Int
    let padding: Int
    /// `U[ξ][panel][c][16]` as `F4x4.packWeights` writes it, or nil where Winograd does not
    /// take the layer.
    let winograd: [Float]?

    /// The weights of a square convolution made ready for its forward pass.
    ///
    /// - Parameters:
    ///   - weight: `[outChannels, inChannels, kernelSize, kernelSize]`.
    ///   - outChannels: K.
    ///   - inChannels: C.
    ///   - kernelSize: the kernel's height and width.
    ///   - stride: the step between output pixels, on both axes.
    ///   - padding: zeros on every side, on both axes.
    public init(
        _ weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int, kernelSize: Int,
        stride: Int, padding: Int
    ) {
        self.outChannels = outChannels
        self.inChannels = inChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        // Winograd's choice depends on the layer alone, not on the images: any image size
        // the kernel fits in asks the same question.
        let probe = try? Conv2dShape(
            batch: 1, inChannels: inChannels, height: kernelSize, width: kernelSize,
            outChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding)
        if let probe, usesWinogradForward(probe) {
            winograd = F4x4.packWeights(
                probe, weight: weight, panelCount: (outChannels + directNR - 1) / directNR)
        } else {
            winograd = nil
        }
    }

    /// The layer they were made for: `weights [32, 16, 3, 3], stride 1, padding 1`.
    public var description: String {
        "weights [\(outChannels), \(inChannels), \(kernelSize), \(kernelSize)], stride \(stride), "
            + "padding \(padding)"
    }

    /// Whether these weights are for the layer of `s` (any batch and image size).
    public func matches(_ s: Conv2dShape) -> Bool {
        s.outChannels == outChannels && s.inChannels == inChannels && s.kernelH == kernelSize
            && s.kernelW == kernelSize && s.strideH == stride && s.strideW == stride
            && s.padH == padding && s.padW == padding
    }
}
