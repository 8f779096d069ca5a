import Kernels

// 2-D convolution on Kernels' `conv2dForward`, `conv2dBackwardData` and `conv2dBackwardWeight`
// (their naive references sit beside them in Kernels). Each chooses its path by shape, as
// `Conv2dShape.paths` reports:
// - a 3×3, stride-1, padding-1 convolution with input channels in sixteens and 8 or more
//   output channels runs Winograd's F(4×4, 3×3) forward, for the data gradient (when the
//   output channels come in sixteens too) and for the weight gradient, its products on the
//   direct tile (Kernels/Conv/Winograd);
// - a pointwise convolution (1×1, stride 1, no padding) is a GEMM on the image as it is;
// - otherwise the direct register tile, when there are 8 or more output channels (the data
//   gradient needs 8 or more input channels instead and, with stride 1, padding below the
//   kernel, or, strided, at most 512 output channels, when it runs phase by phase; the weight
//   gradient 32 or more taps);
// - otherwise unfold (im2col) + GEMM, and for the data gradient a GEMM and a fold (col2im).
// Like PyTorch's `conv2d` it is a cross-correlation: the kernel is not flipped.
//
//   y[n, k, oh, ow] = b[k] + Σ_c Σ_r Σ_s x[n, c, oh·strideH − padH + r, ow·strideW − padW + s]
//                                         · w[k, c, r, s]          (zeros outside the image)
//
// Backward, for an upstream gradient dy shaped like y:
//   dx = the transposed convolution of dy with w (for stride 1, a convolution of the padded dy
//        with the flipped kernel; otherwise wᵀ·dy folded back, overlaps added),
//   dw = Σ_n dy[n] · unfold(x[n])ᵀ,    db[k] = Σ over n, oh, ow of dy[n, k, oh, ow].

extension Tensor {
    /// The geometry of `conv2d(input, weight:, bias:, stride:, padding:)`, checked.
    ///
    /// - Throws: `ShapeError` unless input is [N, C, H, W], weight [K, C, R, S] with the same
    ///   C, bias (if any) [K], strides positive, paddings ≥ 0, and the padded input at least as
    ///   large as the kernel. The message names `conv2d`, the shapes and what was expected.
    public static func conv2dGeometry(
        input: [Int], weight: [Int], bias: [Int]?, stride: (height: Int, width: Int),
        padding: (height: Int, width: Int)
    ) throws(ShapeError) -> Conv2dShape {
        guard input.count == 4 else {
            throw ShapeError("conv2d: input must be [N, C, H, W], got shape \(input)")
        }
        guard weight.count == 4 else {
            throw ShapeError("conv2d: weight must be [K, C, R, S], got shape \(weight)")
        }
        guard input[1] == weight[1] else {
            throw ShapeError(
                "conv2d: input \(input) has \(input[1]) channels but weight \(weight) = "
                    + "[K, C, R, S] expects C = \(weight[1])")
        }
        if let bias, bias != [weight[0]] {
            throw ShapeError(
                "conv2d: bias must be [\(weight[0])] to match weight \(weight), got \(bias)")
        }
        do {
            return try Conv2dShape(
                batch: input[0], inChannels: input[1], height: input[2], width: input[3],
                outChannels: weight[0], kernelH: weight[2], kernelW: weight[3],
                strideH: stride.height, strideW: stride.width, padH: padding.height,
                padW: padding.width)
        } catch {
            throw ShapeError(
                "conv2d: input \(input), weight \(weight), stride \(stride), padding "
                    + "\(padding): \(error.field) = \(error.value) is invalid; expected "
                    + "\(error.expected)")
        }
    }
}

/// A 2-D convolution (cross-correlation), as PyTorch's `F.conv2d`, with square stride and
/// padding. Any kernel size, 1×1 and 7×7 included.
///
/// - Parameters:
///   - x: [N, C, H, W].
///   - weight: [K, C, R, S] (out channels, in channels, kernel height, kernel width).
///   - bias: [K], or nil.
///   - stride: the step between output pixels, on both axes.
///   - padding: zeros added on every side, on both axes.
/// - Returns: [N, K, Ho, Wo] with Ho = (H + 2·padding − R) / stride + 1 (likewise Wo).
///
/// Lesson 02 builds it from im2col and a matrix product.
public func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0
) -> Tensor {
    conv2d(x, weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding))
}

/// A 2-D convolution with separate (height, width) stride and padding, as PyTorch's
/// `F.conv2d(x, w, b, stride=(sh, sw), padding=(ph, pw))`.
///
/// - Parameters:
///   - x: [N, C, H, W].
///   - weight: [K, C, R, S].
///   - bias: [K], or nil.
///   - stride: (height, width) steps.
///   - padding: (height, width) zeros on each side.
/// - Returns: [N, K, Ho, Wo], Ho = (H + 2·padding.height − R) / stride.height + 1, and
///   likewise Wo.
public func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (height: Int, width: Int),
    padding: (height: Int, width: Int) = (0, 0)
) -> Tensor {
    let geometry = validated { () throws(ShapeError) in
        try Tensor.conv2dGeometry(
            input: x.shape, weight: weight.shape, bias: bias?.shape, stride: stride,
            padding: padding)
    }
    let filters = weight.data
    let input: ConvolutionInput
    if let deferred = x.deferredNormalization, deferred.rectified,
        conv2dTakesInputNormalization(geometry)
    {
        // The ReLU of a batch norm's output, not stored: the kernels read the batch norm's
        // input and compute the ReLU's values in their copy of each image.
        input = .rectified(deferred)
    } else {
        input = .stored(x.data)
    }
    let output = convolved(input, filters, bias: bias?.data, geometry)
    let shape = [geometry.batch, geometry.outChannels, geometry.outHeight, geometry.outWidth]
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Tensor(shape: shape, data: output, op: "conv2d", inputs: inputs) { dy in
        conv2dBackward(
            geometry, gradOutput: dy, input: input, filters: filters, x: x, weight: weight,
            bias: bias)
    }
}

/// What a convolution reads: its input's values, or the batch norm's input and statistics
/// its input (a ReLU's output not stored) is computed from.
enum ConvolutionInput {
    case stored([Float])
    case rectified(DeferredNormalization)

    /// `body(x, normalization)` with the values' storage and, for `rectified`, what the
    /// kernel computes the values with (`Conv2dInputNormalization`).
    func withPointer<T>(_ body: (UnsafePointer<Float>, Conv2dInputNormalization?) -> T) -> T {
        switch self {
        case .stored(let values):
            return values.withUnsafeBufferPointer { body($0.baseAddress!, nil) }
        case .rectified(let deferred):
            return deferred.withInputNormalization { body($0, $1) }
        }
    }
}

/// The forward kernel on the tensors' storage: `[N, K, Ho, Wo]` for `geometry`, with
/// `residual` (the same shape) added and a ReLU after the bias when asked (see
/// `Conv2dEpilogue`). `conv2d` and `conv2dInference` both compute their output here.
func convolved(
    _ input: ConvolutionInput, _ filters: [Float], bias: [Float]?, _ geometry: Conv2dShape,
    residual: [Float]? = nil, relu: Bool = false, prepared: Conv2dForwardWeights? = nil
) -> [Float] {
    kernelResult(count: geometry.batch * geometry.outputImageSize) { output in
        withBuffers(filters, bias ?? [], residual ?? []) { filters, b, r in
            input.withPointer { x, normalization in
                conv2dForward(
                    geometry, input: x, weight: filters.baseAddress!,
                    bias: bias == nil ? nil : b.baseAddress!, output: output,
                    epilogue: Conv2dEpilogue(
                        residual: residual == nil ? nil : r.baseAddress!, relu: relu),
                    inputNormalization: normalization, prepared: prepared)
            }
        }
    }
}

/// The backward rule of `conv2d`: adds ∂L/∂x, ∂L/∂weight and ∂L/∂bias (each only when that
/// tensor requires gradients) for the upstream gradient `gradOutput` ([N, K, Ho, Wo]).
///
/// The kernels overwrite their outputs, so each gradient is computed into a fresh array and
/// then handed to `accumulateGradient`, which adds it to whatever other uses contributed; ∂L/∂x
/// adds what x already has (a residual block's shortcut) as it is written, through the data
/// gradient's epilogue, instead of in a pass of its own.
private func conv2dBackward(
    _ geometry: Conv2dShape, gradOutput: [Float], input: ConvolutionInput, filters: [Float],
    x: Tensor, weight: Tensor, bias: Tensor?
) {
    let wantsBias = bias?.requiresGrad ?? false
    gradOutput.withUnsafeBufferPointer { dy in
        let dy = dy.baseAddress!
        x.accumulateComputedGradient { running in
            kernelResult(count: x.count) { dx in
                filters.withUnsafeBufferPointer { w in
                    conv2dBackwardData(
                        geometry, gradOutput: dy, weight: w.baseAddress!, gradInput: dx,
                        epilogue: Conv2dEpilogue(residual: running))
                }
            }
        }
        if weight.requiresGrad {
            var db = [Float](repeating: 0, count: wantsBias ? geometry.outChannels : 0)
            let dw = kernelResult(count: weight.count) { dw in
                input.withPointer { input, normalization in
                    db.withUnsafeMutableBufferPointer { db in
                        conv2dBackwardWeight(
                            geometry, input: input, gradOutput: dy, gradWeight: dw,
                            gradBias: wantsBias ? db.baseAddress : nil,
                            inputNormalization: normalization)
                    }
                }
            }
            weight.accumulateGradient(dw)
            if wantsBias { bias?.accumulateGradient(db) }
        } else if wantsBias {
            // Only the bias learns (a frozen weight): the kernel's own bias sum, alone.
            var db = [Float](repeating: 0, count: geometry.outChannels)
            db.withUnsafeMutableBufferPointer { db in
                convBiasGradient(geometry, gradOutput: dy, gradBias: db.baseAddress!)
            }
            bias?.accumulateGradient(db)
        }
    }
}
