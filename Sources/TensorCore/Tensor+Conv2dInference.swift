import Kernels

/// A convolution for inference, with what follows it in a residual block done in the same
/// pass: `relu(conv2d(x, weight, bias) + residual)`, or without the residual, or without
/// the ReLU. The numbers are exactly those of the separate operations (same arithmetic, same
/// order), but the outputs are finished while they are still in cache, and neither the sum
/// nor the pre-activation is stored. It records nothing for autograd, so it may only be
/// called where no gradient is wanted (`Tensor.withoutGrad`), as `FoldedResNet` does.
///
/// - Parameters:
///   - x: [N, C, H, W].
///   - weight: [K, C, R, S].
///   - bias: [K], or nil.
///   - stride: the step between output pixels, on both axes.
///   - padding: zeros added on every side, on both axes.
///   - residual: [N, K, Ho, Wo] added after the bias, or nil.
///   - relu: whether negative results become 0 (after the residual).
///   - prepared: `weight` made ready once for this layer (`Conv2dForwardWeights`), for a
///     caller that convolves the same weights again and again; nil prepares them in this
///     call. The same bits either way, provided they were made from `weight`'s values: where
///     the layer takes Winograd, the prepared weights are the ones convolved.
/// - Returns: [N, K, Ho, Wo] with Ho = (H + 2·padding − R) / stride + 1 (likewise Wo).
public func conv2dInference(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
    adding residual: Tensor? = nil, relu: Bool = false, prepared: Conv2dForwardWeights? = nil
) -> Tensor {
    let geometry = validated { () throws(ShapeError) in
        try Tensor.conv2dGeometry(
            input: x.shape, weight: weight.shape, bias: bias?.shape, stride: (stride, stride),
            padding: (padding, padding))
    }
    let shape = [geometry.batch, geometry.outChannels, geometry.outHeight, geometry.outWidth]
    validated { () throws(ShapeError) in
        if let residual, residual.shape != shape {
            throw ShapeError(
                "conv2dInference: the residual has shape \(residual.shape), the convolution's "
                    + "output \(shape)")
        }
        let needsGradient = [x, weight, bias, residual].contains { $0?.requiresGrad == true }
        if Tensor.isGradEnabled && needsGradient {
            throw ShapeError(
                "conv2dInference records no gradient, and an input requires one: call it "
                    + "inside Tensor.withoutGrad, or use conv2d")
        }
        if let prepared, !prepared.matches(geometry) {
            throw ShapeError(
                "conv2dInference: \(prepared) were prepared for another layer than the weight "
                    + "\(weight.shape) with stride \(stride) and padding \(padding)")
        }
    }
    let output = convolved(
        .stored(x.data), weight.data, bias: bias?.data, geometry, residual: residual?.data,
        relu: relu, prepared: prepared)
    return Tensor(shape: shape, data: output)
}
