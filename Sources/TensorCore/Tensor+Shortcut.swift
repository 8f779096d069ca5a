// The parameter-free shortcut of He et al. 2015 ("Deep Residual Learning for Image
// Recognition", option A, used for their CIFAR-10 networks): where a stage halves the image
// and widens the channels, the identity is subsampled with stride 2 and zero-padded with the
// extra channels, so the shortcut adds no parameters.
//
//   shortcut(x) = x.subsample(stride: 2).padChannels(before: p, after: p)
//
// Both operations only move elements, so their gradients move them back: subsampling
// scatters the gradient into the kept pixels (zeros elsewhere), channel padding drops the
// gradient of the padded channels.

extension Tensor {
    /// The result shape of `subsample(stride:)`: [N, C, ⌈H/stride⌉, ⌈W/stride⌉].
    /// - Throws: `ShapeError` unless `input` is [N, C, H, W] and `stride` ≥ 1.
    public static func subsampleShape(_ input: [Int], stride: Int) throws(ShapeError) -> [Int] {
        try checkImageBatch(input, op: "subsample")
        guard stride >= 1 else {
            throw ShapeError("subsample: stride must be ≥ 1, got \(stride) for shape \(input)")
        }
        return [
            input[0], input[1], (input[2] + stride - 1) / stride, (input[3] + stride - 1) / stride,
        ]
    }

    /// The result shape of `padChannels(before:after:)`: [N, before + C + after, H, W].
    /// - Throws: `ShapeError` unless `input` is [N, C, H, W] and both counts are ≥ 0.
    public static func padChannelsShape(_ input: [Int], before: Int, after: Int)
        throws(ShapeError) -> [Int]
    {
        try checkImageBatch(input, op: "padChannels")
        guard before >= 0, after >= 0 else {
            throw ShapeError(
                "padChannels: before and after must be ≥ 0, got before \(before), after "
                    + "\(after) for shape \(input)")
        }
        return [input[0], before + input[1] + after, input[2], input[3]]
    }

    /// Keeps every `stride`-th row and column, starting at the first: PyTorch's
    /// `x[:, :, ::stride, ::stride]`.
    ///
    /// - Parameter stride: the step, ≥ 1.
    /// - Returns: [N, C, ⌈H/stride⌉, ⌈W/stride⌉] for self [N, C, H, W].
    ///
    /// ∂/∂x is the output gradient at the kept pixels and 0 at the others.
    public func subsample(stride: Int) -> Tensor {
        let resultShape = validated { () throws(ShapeError) in
            try Tensor.subsampleShape(shape, stride: stride)
        }
        let (height, width) = (shape[2], shape[3])
        let (outHeight, outWidth) = (resultShape[2], resultShape[3])
        let planes = shape[0] * shape[1]
        let outPlane = outHeight * outWidth
        let output = data.withUnsafeBufferPointer { x in
            kernelResult(count: planes * outPlane) { y in
                forEachPlane(planes, workPerPlane: outPlane) { plane in
                    var o = plane * outPlane
                    for oh in 0..<outHeight {
                        let row = plane * height * width + oh * stride * width
                        for ow in 0..<outWidth {
                            y[o] = x[row + ow * stride]
                            o += 1
                        }
                    }
                }
            }
        }
        let inputCount = count
        return Tensor(shape: resultShape, data: output, op: "subsample", inputs: [self]) {
            [self] dy in
            guard self.requiresGrad else { return }
            // Each plane zeroed and its kept pixels written by one task (this was a zeroed
            // array, filled on the calling thread, then written in parallel).
            let dx = dy.withUnsafeBufferPointer { dy in
                kernelResult(count: inputCount) { dx in
                    forEachPlane(planes, workPerPlane: height * width) { plane in
                        (dx + plane * height * width).initialize(
                            repeating: 0, count: height * width)
                        var o = plane * outPlane
                        for oh in 0..<outHeight {
                            let row = plane * height * width + oh * stride * width
                            for ow in 0..<outWidth {
                                dx[row + ow * stride] = dy[o]
                                o += 1
                            }
                        }
                    }
                }
            }
            self.accumulateGradient(dx)
        }
    }

    /// Adds all-zero channels before and after the existing ones: PyTorch's
    /// `F.pad(x, (0, 0, 0, 0, before, after))`.
    ///
    /// - Parameters:
    ///   - before: zero channels inserted ahead of channel 0, ≥ 0.
    ///   - after: zero channels appended after the last channel, ≥ 0.
    /// - Returns: [N, before + C + after, H, W] for self [N, C, H, W].
    ///
    /// ∂/∂x is the output gradient of the original channels (the padding's is dropped).
    public func padChannels(before: Int, after: Int) -> Tensor {
        let resultShape = validated { () throws(ShapeError) in
            try Tensor.padChannelsShape(shape, before: before, after: after)
        }
        let channels = shape[1]
        let plane = shape[2] * shape[3]
        let outChannels = before + channels + after
        // One task per output plane, n·outChannels + k: a copy of input plane
        // n·channels + k − before, or zeros (these were one zeroed array and a copy, both on
        // the calling thread).
        let output = data.withUnsafeBufferPointer { x in
            kernelResult(count: shape[0] * outChannels * plane) { y in
                forEachPlane(shape[0] * outChannels, workPerPlane: plane) { outPlane in
                    let (n, k) = outPlane.quotientAndRemainder(dividingBy: outChannels)
                    let target = y + outPlane * plane
                    if k >= before && k < before + channels {
                        let source = x.baseAddress! + (n * channels + k - before) * plane
                        target.initialize(from: source, count: plane)
                    } else {
                        target.initialize(repeating: 0, count: plane)
                    }
                }
            }
        }
        let inputCount = count
        return Tensor(shape: resultShape, data: output, op: "padChannels", inputs: [self]) {
            [self] dy in
            guard self.requiresGrad else { return }
            let dx = dy.withUnsafeBufferPointer { dy in
                kernelResult(count: inputCount) { dx in
                    forEachPlane(shape[0] * channels, workPerPlane: plane) { inPlane in
                        let (n, c) = inPlane.quotientAndRemainder(dividingBy: channels)
                        (dx + inPlane * plane).initialize(
                            from: dy.baseAddress! + (n * outChannels + before + c) * plane,
                            count: plane)
                    }
                }
            }
            self.accumulateGradient(dx)
        }
    }
}
