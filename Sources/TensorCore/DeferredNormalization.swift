// Batch norm's output is computed by whatever reads it first: the ReLU after it, or the
// addition of a residual block's branch to its shortcut, computes each normalised value as
// it writes its own result, so the normalised values are never stored and read back (one pass
// over memory fewer per batch norm: measured in Docs/PERFORMANCE.md, "Batch norm's output
// left to the ReLU or addition that reads it"). Any other read of `Tensor.data` computes and
// keeps them. Every way computes each value with `normalized`, so the bits are the same.

/// y = γ·(x − μ)/σ̂ + β of one value: the one place it is computed, forward (every use of a
/// `DeferredNormalization`) and backward (batch norm's backward through a ReLU recomputes y
/// with it to find where y > 0).
@inline(__always)
func normalized(_ x: Float, mean: Float, invStd: Float, gamma: Float, beta: Float) -> Float {
    (x - mean) * invStd * gamma + beta
}

/// A batch norm's output before it is computed: y = γ·(x − μ)/σ̂ + β of every element of
/// `input`, with μ, 1/σ̂, γ and β per channel.
///
/// `batchNorm2d` returns its result with this in place of elements
/// (`Tensor.deferredNormalization`). The operation that reads the result first computes the
/// values as it goes (`values(_:)`): `relu` and `+` write their own result in the same pass,
/// a read of `data` stores them.
struct DeferredNormalization {
    /// x, [N, C, H, W].
    let input: [Float]
    /// μ per channel, [C]: the batch's mean in training, the running mean in eval.
    let mean: [Float]
    /// 1/√(σ² + eps) per channel, [C].
    let invStd: [Float]
    /// γ, [C] (ones without an affine scale).
    let gamma: [Float]
    /// β, [C] (zeros without a shift).
    let beta: [Float]
    /// C.
    let channels: Int
    /// H·W.
    let pixels: Int

    /// What is made of each value y[i] as it is computed.
    enum Use {
        /// y[i] itself.
        case store
        /// relu(y[i]), as `Tensor.relu` computes it.
        case relu
        /// y[i] + other[i]: batch norm's output on the left of a sum.
        case addedBefore(UnsafePointer<Float>)
        /// other[i] + y[i]: on the right.
        case addedAfter(UnsafePointer<Float>)
    }

    /// The number of elements, N·C·H·W.
    var count: Int { input.count }

    /// `use` of every value, into a new array: in parallel over the (image, channel) planes,
    /// one loop per use, so that each is vectorised.
    func values(_ use: Use) -> [Float] {
        guard pixels > 0, channels > 0, !input.isEmpty else { return [] }
        let (channels, pixels) = (self.channels, self.pixels)
        return withBuffers(input, mean, invStd) { x, mean, invStd in
            withBuffers(gamma, beta) { gamma, beta in
                kernelResult(count: x.count) { y in
                    forEachPlane(x.count / pixels, workPerPlane: pixels) { plane in
                        let c = plane % channels
                        let (mu, scale) = (mean[c], invStd[c])
                        let (g, shift) = (gamma[c], beta[c])
                        let range = plane * pixels..<(plane + 1) * pixels
                        @inline(__always) func value(_ i: Int) -> Float {
                            normalized(x[i], mean: mu, invStd: scale, gamma: g, beta: shift)
                        }
                        switch use {
                        case .store:
                            for i in range { y[i] = value(i) }
                        case .relu:
                            for i in range {
                                let v = value(i)
                                y[i] = v < 0 ? 0 : v
                            }
                        case .addedBefore(let other):
                            for i in range { y[i] = value(i) + other[i] }
                        case .addedAfter(let other):
                            for i in range { y[i] = other[i] + value(i) }
                        }
                    }
                }
            }
        }
    }
}
