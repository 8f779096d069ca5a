// Reference convolutions: direct loops over every output, input and kernel tap, with no
// im2col and no GEMM. Slow and obviously right; the tests hold the fast kernels to them and
// lesson 2 shows them first.

/// Direct forward convolution (cross-correlation).
///
/// - input: `[batch, inChannels, height, width]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - bias: `[outChannels]` or nil
/// - output: `[batch, outChannels, outHeight, outWidth]`, overwritten
public func conv2dForwardNaive(
    _ s: Conv2dShape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
) {
    let (outHeight, outWidth) = (s.outHeight, s.outWidth)
    // listing: conv-naive
    for n in 0..<s.batch {
        for k in 0..<s.outChannels {
            for oh in 0..<outHeight {
                for ow in 0..<outWidth {
                    var sum: Float = 0
                    for c in 0..<s.inChannels {
                        for r in 0..<s.kernelH {
                            let ih = oh * s.strideH - s.padH + r
                            if ih < 0 || ih >= s.height { continue }
                            for t in 0..<s.kernelW {
                                let iw = ow * s.strideW - s.padW + t
                                if iw < 0 || iw >= s.width { continue }
                                let x = input[
                                    ((n * s.inChannels + c) * s.height + ih) * s.width + iw]
                                let w = weight[
                                    ((k * s.inChannels + c) * s.kernelH + r) * s.kernelW + t]
                                sum += x * w
                            }
                        }
                    }
                    if let bias { sum += bias[k] }
                    output[((n * s.outChannels + k) * outHeight + oh) * outWidth + ow] = sum
                }
            }
        }
    }
    // listing-end: conv-naive
}

/// Direct data gradient: `gradInput = ∂L/∂input` given `gradOutput = ∂L/∂output`.
///
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - gradInput: `[batch, inChannels, height, width]`, overwritten
public func conv2dBackwardDataNaive(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>
) {
    let (outHeight, outWidth) = (s.outHeight, s.outWidth)
    gradInput.update(repeating: 0, count: s.batch * s.inputImageSize)
    for n in 0..<s.batch {
        for k in 0..<s.outChannels {
            for oh in 0..<outHeight {
                for ow in 0..<outWidth {
                    let g = gradOutput[((n * s.outChannels + k) * outHeight + oh) * outWidth + ow]
                    for c in 0..<s.inChannels {
                        for r in 0..<s.kernelH {
                            let ih = oh * s.strideH - s.padH + r
                            if ih < 0 || ih >= s.height { continue }
                            for t in 0..<s.kernelW {
                                let iw = ow * s.strideW - s.padW + t
                                if iw < 0 || iw >= s.width { continue }
                                let w = weight[
                                    ((k * s.inChannels + c) * s.kernelH + r) * s.kernelW + t]
                                gradInput[
                                    ((n * s.inChannels + c) * s.height + ih) * s.width + iw] +=
                                    g * w
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Direct weight (and bias) gradient.
///
/// - input: `[batch, inChannels, height, width]`
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - gradWeight: `[outChannels, inChannels, kernelH, kernelW]`, overwritten
/// - gradBias: `[outChannels]` or nil, overwritten
public func conv2dBackwardWeightNaive(
    _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?
) {
    let (outHeight, outWidth) = (s.outHeight, s.outWidth)
    for k in 0..<s.outChannels {
        for c in 0..<s.inChannels {
            for r in 0..<s.kernelH {
                for t in 0..<s.kernelW {
                    var sum: Float = 0
                    for n in 0..<s.batch {
                        for oh in 0..<outHeight {
                            let ih = oh * s.strideH - s.padH + r
                            if ih < 0 || ih >= s.height { continue }
                            for ow in 0..<outWidth {
                                let iw = ow * s.strideW - s.padW + t
                                if iw < 0 || iw >= s.width { continue }
                                let x = input[
                                    ((n * s.inChannels + c) * s.height + ih) * s.width + iw]
                                let g = gradOutput[
                                    ((n * s.outChannels + k) * outHeight + oh) * outWidth + ow]
                                sum += x * g
                            }
                        }
                    }
                    gradWeight[((k * s.inChannels + c) * s.kernelH + r) * s.kernelW + t] = sum
                }
            }
        }
        if let gradBias {
            var sum: Float = 0
            for n in 0..<s.batch {
                let plane = gradOutput + (n * s.outChannels + k) * outHeight * outWidth
                for p in 0..<(outHeight * outWidth) { sum += plane[p] }
            }
            gradBias[k] = sum
        }
    }
}
