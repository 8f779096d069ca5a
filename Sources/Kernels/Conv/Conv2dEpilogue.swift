/// What a convolution does to its outputs after the bias, while they are still in cache: for
/// inference, where a residual block's addition and ReLU need not be passes of their own; and
/// for the data gradient (`conv2dBackwardData`, whose outputs are in the input's layout), where
/// the residual is the gradient the input already has. The arithmetic is that of the separate
/// passes, `(conv + residual)` then `x < 0 ? 0 : x` (TensorCore's `relu`), so the bits are the
/// same.
public struct Conv2dEpilogue: @unchecked Sendable {
    /// Added to the output first: `[batch, outChannels, outHeight, outWidth]`, or nil.
    public var residual: UnsafePointer<Float>?
    /// Then negative outputs set to zero.
    public var relu: Bool

    /// An epilogue that adds `residual` (when given), then applies a ReLU (when `relu`).
    ///
    /// - Parameters:
    ///   - residual: `[batch, outChannels, outHeight, outWidth]`, the output's layout, or nil
    ///     (the default) for no addition. It must stay valid until the convolution returns.
    ///   - relu: whether negative outputs become 0 (default false).
    public init(residual: UnsafePointer<Float>? = nil, relu: Bool = false) {
        self.residual = residual
        self.relu = relu
    }

    /// Nothing after the bias.
    public static let none = Conv2dEpilogue()

    var isNone: Bool { residual == nil && !relu }

    /// Applies to `count` consecutive outputs from flat index `offset` of `output`.
    @inline(__always)
    func apply(to output: UnsafeMutablePointer<Float>, offset: Int, count: Int) {
        let y = output + offset
        if let residual {
            let r = residual + offset
            if relu {
                for i in 0..<count {
                    let v = y[i] + r[i]
                    y[i] = v < 0 ? 0 : v
                }
            } else {
                for i in 0..<count { y[i] += r[i] }
            }
        } else if relu {
            for i in 0..<count { y[i] = y[i] < 0 ? 0 : y[i] }
        }
    }

    /// Applies to the whole output of `s`, in parallel over the batch.
    func apply(to output: UnsafeMutablePointer<Float>, _ s: Conv2dShape) {
        if isNone { return }
        let output = SendablePointer(output)
        Parallel.forChunks(s.batch) { images in
            self.apply(
                to: output.pointer, offset: images.lowerBound * s.outputImageSize,
                count: images.count * s.outputImageSize)
        }
    }
}
