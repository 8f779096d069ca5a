// Pooling over windows of each image plane, as PyTorch's `max_pool2d`, `avg_pool2d` and
// `adaptive_avg_pool2d`. Every plane (one channel of one image) is pooled on its own, so the
// work splits over planes and each output element is computed by one thread in a fixed order.
//
// Kernel, stride and padding are (height, width) pairs, as in PyTorch; a single Int means the
// same on both axes. Output size (no ceil mode): Ho = (H + 2·padH − kernelH) / strideH + 1,
// likewise Wo. Window (oh, ow) covers input rows oh·strideH − padH ..< + kernelH (columns
// likewise), clipped to the image.

/// A (height, width) pair: a pooling window's size, its stride or its padding.
public typealias PoolPair = (height: Int, width: Int)

/// The windows of one pooling: sizes of the planes and where each window lies.
struct PoolWindows {
    let planes: Int
    let height: Int
    let width: Int
    let outHeight: Int
    let outWidth: Int
    let kernel: PoolPair
    let stride: PoolPair
    let padding: PoolPair

    var inputPlane: Int { height * width }
    var outputPlane: Int { outHeight * outWidth }
    /// Reads per output element, to size the parallel chunks.
    var work: Int { outputPlane * kernel.height * kernel.width }

    /// Window row `oh`'s first row in padded coordinates, which may be negative.
    @inline(__always)
    func rowStart(_ oh: Int) -> Int { oh * stride.height - padding.height }

    /// Window column `ow`'s first column in padded coordinates.
    @inline(__always)
    func columnStart(_ ow: Int) -> Int { ow * stride.width - padding.width }

    /// Input rows of window row `oh`, clipped to the image.
    @inline(__always)
    func rows(_ oh: Int) -> Range<Int> {
        let first = rowStart(oh)
        return Swift.max(first, 0)..<Swift.min(first + kernel.height, height)
    }

    /// Input columns of window column `ow`, clipped to the image.
    @inline(__always)
    func columns(_ ow: Int) -> Range<Int> {
        let first = columnStart(ow)
        return Swift.max(first, 0)..<Swift.min(first + kernel.width, width)
    }
}

extension Tensor {
    /// The output shape of `maxPool2d` / `avgPool2d` (`op` names which, for messages):
    /// [N, C, Ho, Wo] with Ho = (H + 2·padding.height − kernelSize.height) / stride.height + 1
    /// (likewise Wo).
    ///
    /// - Throws: `ShapeError` unless the input is [N, C, H, W] with H, W > 0, kernel and stride
    ///   are positive, 0 ≤ padding ≤ kernel / 2 on each axis (PyTorch's rule: every window then
    ///   holds a real pixel), and the padded input is at least one kernel large.
    public static func pool2dShape(
        op: String, input: [Int], kernelSize: PoolPair, stride: PoolPair, padding: PoolPair
    ) throws(ShapeError) -> [Int] {
        try checkImageBatch(input, op: op)
        guard input[2] > 0, input[3] > 0 else {
            throw ShapeError("\(op): input \(input) has an empty image; expected H, W > 0")
        }
        /// `3` for (3, 3), `(3, 2)` otherwise.
        func text(_ pair: PoolPair) -> String {
            pair.height == pair.width ? "\(pair.height)" : "(\(pair.height), \(pair.width))"
        }
        guard kernelSize.height > 0, kernelSize.width > 0, stride.height > 0, stride.width > 0
        else {
            throw ShapeError(
                "\(op): kernelSize and stride must be > 0, got kernelSize \(text(kernelSize)), "
                    + "stride \(text(stride))")
        }
        guard padding.height >= 0, padding.width >= 0, padding.height <= kernelSize.height / 2,
            padding.width <= kernelSize.width / 2
        else {
            let half = text((kernelSize.height / 2, kernelSize.width / 2))
            throw ShapeError(
                "\(op): padding must be between 0 and half the kernel size (\(half)), got "
                    + "padding \(text(padding)) for kernelSize \(text(kernelSize))")
        }
        let (height, width) = (input[2], input[3])
        guard height + 2 * padding.height >= kernelSize.height,
            width + 2 * padding.width >= kernelSize.width
        else {
            throw ShapeError(
                "\(op): input \(input) padded by \(text(padding)) is smaller than the "
                    + "\(kernelSize.height)×\(kernelSize.width) kernel; expected H and W + 2·padding "
                    + "≥ kernelSize")
        }
        return [
            input[0], input[1],
            (height + 2 * padding.height - kernelSize.height) / stride.height + 1,
            (width + 2 * padding.width - kernelSize.width) / stride.width + 1,
        ]
    }

    /// The output shape of `maxPool2d` / `avgPool2d` with a square kernel, stride and
    /// padding: [N, C, Ho, Wo] with Ho = (H + 2·padding − kernelSize) / stride + 1.
    ///
    /// - Throws: `ShapeError` naming `op` when the (height, width) version would: the input
    ///   not [N, C, H, W] with H, W > 0, a kernel or stride below 1, a padding outside
    ///   0...kernelSize / 2, or a padded input smaller than the kernel.
    public static func pool2dShape(
        op: String, input: [Int], kernelSize: Int, stride: Int, padding: Int
    ) throws(ShapeError) -> [Int] {
        try pool2dShape(
            op: op, input: input, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
            padding: (padding, padding))
    }

    /// The checked windows of a pooling op over this tensor.
    private func poolWindows(op: String, kernelSize: PoolPair, stride: PoolPair, padding: PoolPair)
        -> (shape: [Int], windows: PoolWindows)
    {
        let shape = validated { () throws(ShapeError) in
            try Tensor.pool2dShape(
                op: op, input: self.shape, kernelSize: kernelSize, stride: stride,
                padding: padding)
        }
        let windows = PoolWindows(
            planes: shape[0] * shape[1], height: self.shape[2], width: self.shape[3],
            outHeight: shape[2], outWidth: shape[3], kernel: kernelSize, stride: stride,
            padding: padding)
        return (shape, windows)
    }

    /// The result of a pooling op and its backward node: `backward(dy, dx, plane)` adds one
    /// plane's share of the input gradient into `dx` (planes are disjoint, so they run in
    /// parallel). The scaffolding every pooling op shares.
    func pooled(
        shape: [Int], data output: [Float], op: String, planes: Int, workPerPlane: Int,
        backward:
            @escaping (
                _ dy: UnsafeBufferPointer<Float>, _ dx: UnsafeMutableBufferPointer<Float>,
                _ plane: Int
            ) -> Void
    ) -> Tensor {
        let inputCount = count
        return Tensor(shape: shape, data: output, op: op, inputs: [self]) { [self] dy in
            guard self.requiresGrad else { return }
            var dx = [Float](repeating: 0, count: inputCount)
            dy.withUnsafeBufferPointer { dy in
                dx.withUnsafeMutableBufferPointer { dx in
                    forEachPlane(planes, workPerPlane: workPerPlane) { plane in
                        backward(dy, dx, plane)
                    }
                }
            }
            self.accumulateGradient(dx)
        }
    }

    /// Max pooling, as PyTorch's `F.max_pool2d(x, kernelSize, stride, padding)`.
    ///
    /// Padding counts as −∞, so it never wins a maximum. Ties go to the first maximum in
    /// row-major scan order of the window (as PyTorch), and so does the gradient: ∂/∂x is the
    /// output gradient at each window's chosen element, 0 elsewhere (summed where windows
    /// overlap). A NaN in a window wins it, as in PyTorch.
    ///
    /// - Parameters:
    ///   - kernelSize: the window's (height, width).
    ///   - stride: the step between windows; nil means `kernelSize` (PyTorch's default).
    ///   - padding: implicit −∞ border, at most half the kernel on each axis.
    /// - Returns: [N, C, Ho, Wo] for self [N, C, H, W], with
    ///   Ho = (H + 2·padding.height − kernelSize.height) / stride.height + 1 (likewise Wo).
    public func maxPool2d(
        kernelSize: PoolPair, stride: PoolPair? = nil, padding: PoolPair = (0, 0)
    ) -> Tensor {
        let (shape, w) = poolWindows(
            op: "maxPool2d", kernelSize: kernelSize, stride: stride ?? kernelSize,
            padding: padding)
        let outCount = w.planes * w.outputPlane
        var output = [Float](repeating: 0, count: outCount)
        // For each output element, the position in `data` of the input element it copies.
        var chosen = [Int](repeating: 0, count: outCount)
        data.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                chosen.withUnsafeMutableBufferPointer { chosen in
                    forEachPlane(w.planes, workPerPlane: w.work) { plane in
                        let input = plane * w.inputPlane
                        var o = plane * w.outputPlane
                        for oh in 0..<w.outHeight {
                            let rows = w.rows(oh)
                            for ow in 0..<w.outWidth {
                                let columns = w.columns(ow)
                                var best = -Float.infinity
                                var bestIndex =
                                    input + rows.lowerBound * w.width + columns.lowerBound
                                for ih in rows {
                                    for iw in columns {
                                        let index = input + ih * w.width + iw
                                        let value = x[index]
                                        if value > best || value.isNaN {
                                            best = value
                                            bestIndex = index
                                        }
                                    }
                                }
                                y[o] = best
                                chosen[o] = bestIndex
                                o += 1
                            }
                        }
                    }
                }
            }
        }
        let positions = chosen
        return pooled(
            shape: shape, data: output, op: "maxPool2d", planes: w.planes,
            workPerPlane: w.outputPlane
        ) { dy, dx, plane in
            // A window's element lies in the window's own plane: planes are disjoint.
            for o in plane * w.outputPlane..<(plane + 1) * w.outputPlane {
                dx[positions[o]] += dy[o]
            }
        }
    }

    /// Max pooling with a square kernel, stride and padding, as PyTorch's
    /// `F.max_pool2d(x, kernelSize, stride, padding)`: the (height, width) version with both
    /// entries equal.
    ///
    /// - Parameters:
    ///   - kernelSize: the window's side.
    ///   - stride: the step between windows; nil means `kernelSize`.
    ///   - padding: implicit −∞ border, at most `kernelSize / 2`.
    /// - Returns: [N, C, Ho, Wo] for self [N, C, H, W], with
    ///   Ho = (H + 2·padding − kernelSize) / stride + 1 (likewise Wo).
    public func maxPool2d(kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        maxPool2d(
            kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) },
            padding: (padding, padding))
    }

    /// Average pooling, as PyTorch's `F.avg_pool2d(x, kernelSize, stride, padding,
    /// count_include_pad=countIncludePad)`.
    ///
    /// Each output is the sum of its window's pixels divided by the window size: with
    /// `countIncludePad` (PyTorch's default) the padded zeros count, so the divisor is the
    /// window clipped to the padded image (the whole kernel here, since padding ≤ kernel/2);
    /// without it, only real pixels count. ∂/∂x spreads each output gradient evenly over its
    /// window's real pixels, divided by the same divisor.
    ///
    /// - Parameters:
    ///   - kernelSize: the window's (height, width).
    ///   - stride: the step between windows; nil means `kernelSize` (PyTorch's default).
    ///   - padding: implicit zero border, at most half the kernel on each axis.
    ///   - countIncludePad: whether padded zeros count in the divisor.
    /// - Returns: [N, C, Ho, Wo] for self [N, C, H, W], with
    ///   Ho = (H + 2·padding.height − kernelSize.height) / stride.height + 1 (likewise Wo).
    public func avgPool2d(
        kernelSize: PoolPair, stride: PoolPair? = nil, padding: PoolPair = (0, 0),
        countIncludePad: Bool = true
    ) -> Tensor {
        let (shape, w) = poolWindows(
            op: "avgPool2d", kernelSize: kernelSize, stride: stride ?? kernelSize,
            padding: padding)
        /// The divisor of window (oh, ow).
        @inline(__always)
        func divisor(_ oh: Int, _ ow: Int) -> Float {
            if countIncludePad {
                let rows =
                    Swift.min(w.rowStart(oh) + kernelSize.height, w.height + padding.height)
                    - w.rowStart(oh)
                let columns =
                    Swift.min(w.columnStart(ow) + kernelSize.width, w.width + padding.width)
                    - w.columnStart(ow)
                return Float(rows * columns)
            }
            return Float(w.rows(oh).count * w.columns(ow).count)
        }
        let output = data.withUnsafeBufferPointer { x in
            kernelResult(count: w.planes * w.outputPlane) { y in
                forEachPlane(w.planes, workPerPlane: w.work) { plane in
                    let input = plane * w.inputPlane
                    var o = plane * w.outputPlane
                    for oh in 0..<w.outHeight {
                        for ow in 0..<w.outWidth {
                            var sum: Float = 0
                            for ih in w.rows(oh) {
                                for iw in w.columns(ow) { sum += x[input + ih * w.width + iw] }
                            }
                            y[o] = sum / divisor(oh, ow)
                            o += 1
                        }
                    }
                }
            }
        }
        return pooled(
            shape: shape, data: output, op: "avgPool2d", planes: w.planes, workPerPlane: w.work
        ) { dy, dx, plane in
            let input = plane * w.inputPlane
            var o = plane * w.outputPlane
            for oh in 0..<w.outHeight {
                for ow in 0..<w.outWidth {
                    let share = dy[o] / divisor(oh, ow)
                    for ih in w.rows(oh) {
                        for iw in w.columns(ow) { dx[input + ih * w.width + iw] += share }
                    }
                    o += 1
                }
            }
        }
    }

    /// Average pooling with a square kernel, stride and padding, as PyTorch's
    /// `F.avg_pool2d(x, kernelSize, stride, padding)`: the (height, width) version with both
    /// entries equal.
    ///
    /// - Parameters:
    ///   - kernelSize: the window's side.
    ///   - stride: the step between windows; nil means `kernelSize`.
    ///   - padding: implicit zero border, at most `kernelSize / 2`.
    ///   - countIncludePad: whether padded zeros count in the divisor (default true).
    /// - Returns: [N, C, Ho, Wo] for self [N, C, H, W], with
    ///   Ho = (H + 2·padding − kernelSize) / stride + 1 (likewise Wo).
    public func avgPool2d(
        kernelSize: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true
    ) -> Tensor {
        avgPool2d(
            kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) },
            padding: (padding, padding), countIncludePad: countIncludePad)
    }

    /// Adaptive average pooling to a fixed output size, as PyTorch's
    /// `F.adaptive_avg_pool2d(x, (height, width))`.
    ///
    /// Output row i averages input rows ⌊i·H/Ho⌋ ..< ⌈(i+1)·H/Ho⌉ (columns likewise), so the
    /// bins cover the image whatever its size. Sums run in Double. ∂/∂x spreads each output
    /// gradient evenly over its bin.
    ///
    /// - Parameters:
    ///   - outHeight: the output's rows, Ho ≥ 1 (the `height:` argument).
    ///   - outWidth: the output's columns, Wo ≥ 1 (the `width:` argument).
    /// - Returns: [N, C, height, width] for self [N, C, H, W].
    public func adaptiveAvgPool2d(height outHeight: Int, width outWidth: Int) -> Tensor {
        validated { () throws(ShapeError) in
            try checkImageBatch(shape, op: "adaptiveAvgPool2d")
            guard shape[2] > 0, shape[3] > 0 else {
                throw ShapeError(
                    "adaptiveAvgPool2d: input \(shape) has an empty image; expected H, W > 0")
            }
            guard outHeight > 0, outWidth > 0 else {
                throw ShapeError(
                    "adaptiveAvgPool2d: output size must be positive, got (\(outHeight), "
                        + "\(outWidth)) for input \(shape)")
            }
        }
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        let outPlane = outHeight * outWidth
        func bin(_ i: Int, outSize: Int, size: Int) -> Range<Int> {
            (i * size / outSize)..<(((i + 1) * size + outSize - 1) / outSize)
        }
        let rowBins = (0..<outHeight).map { bin($0, outSize: outHeight, size: height) }
        let columnBins = (0..<outWidth).map { bin($0, outSize: outWidth, size: width) }
        let output = data.withUnsafeBufferPointer { x in
            kernelResult(count: planes * outPlane) { y in
                forEachPlane(planes, workPerPlane: height * width) { plane in
                    var o = plane * outPlane
                    for rows in rowBins {
                        for columns in columnBins {
                            var sum: Double = 0
                            for ih in rows {
                                let row = plane * height * width + ih * width
                                for iw in columns { sum += Double(x[row + iw]) }
                            }
                            y[o] = Float(sum / Double(rows.count * columns.count))
                            o += 1
                        }
                    }
                }
            }
        }
        let resultShape = [shape[0], shape[1], outHeight, outWidth]
        return pooled(
            shape: resultShape, data: output, op: "adaptiveAvgPool2d", planes: planes,
            workPerPlane: height * width
        ) { dy, dx, plane in
            var o = plane * outPlane
            for rows in rowBins {
                for columns in columnBins {
                    let share = dy[o] / Float(rows.count * columns.count)
                    for ih in rows {
                        let row = plane * height * width + ih * width
                        for iw in columns { dx[row + iw] += share }
                    }
                    o += 1
                }
            }
        }
    }

    /// Adaptive average pooling to a square output, as `F.adaptive_avg_pool2d(x, outputSize)`.
    /// `adaptiveAvgPool2d(1)` is global average pooling.
    /// - Returns: [N, C, outputSize, outputSize] for self [N, C, H, W].
    public func adaptiveAvgPool2d(_ outputSize: Int) -> Tensor {
        adaptiveAvgPool2d(height: outputSize, width: outputSize)
    }

    /// Global average pooling: the mean of each plane, as the ResNet head uses before its
    /// linear layer. The same as `adaptiveAvgPool2d(1)`.
    /// - Returns: [N, C, 1, 1] for self [N, C, H, W].
    public func globalAveragePool() -> Tensor {
        adaptiveAvgPool2d(height: 1, width: 1)
    }
}
