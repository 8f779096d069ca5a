// Batch norm's output is computed by whatever reads it first: the ReLU after it computes each
// normalised value as it writes its own result, so the normalised values are never stored
// and read back (one pass over memory fewer per batch norm: measured in Docs/PERFORMANCE.md,
// "Batch norm's output left to the ReLU or addition that reads it"). A residual block's sum of
// its branch's batch norm and its shortcut is deferred in turn, and the block's last ReLU
// computes the normalised values, the sum and its own result in one pass. The ReLU of a batch
// norm's output (not of a sum) is deferred too: the 3×3 convolution that reads it computes it
// in its own copy of each image, reading the batch norm's input (`Conv2dInputNormalization`),
// so it is never stored. Any other read of `Tensor.data` computes and keeps the values. Every
// way computes each value with `normalized`, and a sum with the same addition in the same
// order, so the bits are the same.

import Kernels

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
/// (`Tensor.deferredNormalization`), and `+` of such a result another (with an `addend`).
/// The operation that reads the result first computes the values as it goes (`values(_:)`):
/// `relu` writes its own result in the same pass, a read of `data` stores them.
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
    /// Whether the values are rectified, relu(y[i]): a ReLU's output not read yet
    /// (`Tensor.relu` of a batch norm's output), whose first reader computes it; a
    /// convolution that can (`conv2dTakesInputNormalization`) reads `input` instead and
    /// normalises and rectifies each value in its own copy of the image, so the ReLU's output
    /// is never stored. Never set together with `addend`.
    var rectified = false

    /// Another tensor's elements added to each y[i]: a residual block's sum not read yet
    /// (`Tensor.+` of a batch norm's output), whose first reader (the block's last ReLU)
    /// computes the normalised values and the sum in one pass. Nil for batch norm's output.
    var addend: Addend? = nil

    /// The other operand of a deferred sum.
    struct Addend {
        /// Its elements, [N, C, H, W].
        let values: [Float]
        /// Whether it is the left operand: other[i] + y[i] (else y[i] + other[i]).
        let onLeft: Bool
    }

    /// This output plus `other`'s elements, in that order or, `onLeft`, the other: the sum
    /// deferred in turn.
    func adding(_ other: [Float], onLeft: Bool) -> DeferredNormalization {
        var sum = self
        sum.addend = Addend(values: other, onLeft: onLeft)
        return sum
    }

    /// What is made of each value y[i] as it is computed.
    enum Use {
        /// y[i] itself.
        case store
        /// relu(y[i]), as `Tensor.relu` computes it.
        case relu
    }

    /// The number of elements, N·C·H·W.
    var count: Int { input.count }

    /// `body(x, normalization)`: the batch norm's input and the per-channel values a
    /// convolution needs to compute the rectified output from it
    /// (`Conv2dInputNormalization`), valid during `body`.
    func withInputNormalization<T>(
        _ body: (UnsafePointer<Float>, Conv2dInputNormalization) -> T
    ) -> T {
        withBuffers(input, mean, invStd) { x, mean, invStd in
            withBuffers(gamma, beta) { gamma, beta in
                body(
                    x.baseAddress!,
                    Conv2dInputNormalization(
                        mean: mean.baseAddress!, invStd: invStd.baseAddress!,
                        gamma: gamma.baseAddress!, beta: beta.baseAddress!))
            }
        }
    }

    /// The ReLU of this batch norm's output, deferred in turn.
    func rectifying() -> DeferredNormalization {
        var output = self
        output.rectified = true
        return output
    }

    /// `use` of every value (with `addend`'s element added, for a deferred sum; rectified
    /// whatever `use` says, for a deferred ReLU), into a new array.
    func values(_ use: Use) -> [Float] {
        guard pixels > 0, channels > 0, !input.isEmpty else { return [] }
        let use = rectified ? .relu : use
        guard let addend else { return values(use, .none) }
        return addend.values.withUnsafeBufferPointer { other in
            values(use, addend.onLeft ? .left(other.baseAddress!) : .right(other.baseAddress!))
        }
    }

    /// The other operand of the sum being computed, as the loops read it.
    private enum Operand {
        /// None: batch norm's output itself.
        case none
        /// y[i] + other[i].
        case right(UnsafePointer<Float>)
        /// other[i] + y[i].
        case left(UnsafePointer<Float>)
    }

    /// `use` of every value, plus `operand`'s element: in parallel over the (image, channel)
    /// planes, one loop per case, so that each is vectorised.
    private func values(_ use: Use, _ operand: Operand) -> [Float] {
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
                        switch (use, operand) {
                        case (.store, .none):
                            for i in range { y[i] = value(i) }
                        case (.relu, .none):
                            for i in range {
                                let v = value(i)
                                y[i] = v < 0 ? 0 : v
                            }
                        case (.store, .right(let other)):
                            for i in range { y[i] = value(i) + other[i] }
                        case (.store, .left(let other)):
                            for i in range { y[i] = other[i] + value(i) }
                        case (.relu, .right(let other)):
                            for i in range {
                                let v = value(i) + other[i]
                                y[i] = v < 0 ? 0 : v
                            }
                        case (.relu, .left(let other)):
                            for i in range {
                                let v = other[i] + value(i)
                                y[i] = v < 0 ? 0 : v
                            }
                        }
                    }
                }
            }
        }
    }
}
