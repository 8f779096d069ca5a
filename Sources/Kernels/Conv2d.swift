/// Convolution as GEMM: each image is unfolded by `im2col` and multiplied by the weight
/// seen as a `[outChannels, inChannels·kernelH·kernelW]` matrix. A 1×1, stride-1, unpadded
/// convolution skips the unfolding: the image `[C, H·W]` already is the column matrix.
///
/// Parallel over the batch (each worker owns whole output images and its own column buffer);
/// with fewer images than threads the GEMMs parallelise inside instead. Either way every
/// output element is computed by the same arithmetic in the same order, so results are
/// bit-identical for any `Parallel.threadCount`.

/// Forward convolution.
///
/// - input: `[batch, inChannels, height, width]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - bias: `[outChannels]` or nil
/// - output: `[batch, outChannels, outHeight, outWidth]`, overwritten
public func conv2dForward(
    _ s: Conv2dShape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
) {
    let pixels = s.columnCount
    let rows = s.columnRows
    let pointwise = s.isPointwise
    Parallel.forChunks(s.batch) { images in
        let columns = pointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: rows * pixels)
        defer { columns?.deallocate() }
        for n in images {
            let out = output + n * s.outputImageSize
            var beta: Float = 0
            if let bias {
                for k in 0..<s.outChannels {
                    (out + k * pixels).update(repeating: bias[k], count: pixels)
                }
                beta = 1
            }
            let image = input + n * s.inputImageSize
            let b: UnsafePointer<Float>
            if let columns {
                im2col(s, image: image, columns: columns)
                b = UnsafePointer(columns)
            } else {
                b = image
            }
            gemm(
                transposeA: false, transposeB: false, m: s.outChannels, n: pixels, k: rows,
                alpha: 1, a: weight, lda: rows, b: b, ldb: pixels, beta: beta, c: out,
                ldc: pixels)
        }
    }
}

/// Data gradient: `gradInput = col2im(weightᵀ · gradOutput)` per image.
///
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - gradInput: `[batch, inChannels, height, width]`, overwritten
public func conv2dBackwardData(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>
) {
    let pixels = s.columnCount
    let rows = s.columnRows
    let pointwise = s.isPointwise
    Parallel.forChunks(s.batch) { images in
        let columns = pointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: rows * pixels)
        defer { columns?.deallocate() }
        for n in images {
            let gradImage = gradInput + n * s.inputImageSize
            let target = columns ?? gradImage
            gemm(
                transposeA: true, transposeB: false, m: rows, n: pixels, k: s.outChannels,
                alpha: 1, a: weight, lda: rows, b: gradOutput + n * s.outputImageSize,
                ldb: pixels, beta: 0, c: target, ldc: pixels)
            if let columns {
                gradImage.update(repeating: 0, count: s.inputImageSize)
                col2im(s, columns: columns, image: gradImage)
            }
        }
    }
}

/// Weight and bias gradients: `gradWeight = Σₙ gradOutput[n] · im2col(input[n])ᵀ` and
/// `gradBias[k] = Σₙ Σ_pixels gradOutput[n, k]`.
///
/// The batch is cut into a fixed number of groups (it depends on the batch size only, never
/// on the thread count); each group sums its images in order into its own partial gradient,
/// and the partials are then added in group order. So the summation order, and the bits of
/// the result, are the same on any number of threads.
///
/// - input: `[batch, inChannels, height, width]`
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - gradWeight: `[outChannels, inChannels, kernelH, kernelW]`, overwritten
/// - gradBias: `[outChannels]` or nil, overwritten
public func conv2dBackwardWeight(
    _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?
) {
    let pixels = s.columnCount
    let rows = s.columnRows
    let pointwise = s.isPointwise
    let weightSize = s.weightSize
    let groups = weightGradientGroupCount(batch: s.batch)
    let partials = UnsafeMutablePointer<Float>.allocate(capacity: groups * weightSize)
    defer { partials.deallocate() }
    Parallel.forChunks(groups) { groupRange in
        let columns = pointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: rows * pixels)
        defer { columns?.deallocate() }
        for group in groupRange {
            let partial = partials + group * weightSize
            let first = s.batch * group / groups
            let end = s.batch * (group + 1) / groups
            for n in first..<end {
                let image = input + n * s.inputImageSize
                let b: UnsafePointer<Float>
                if let columns {
                    im2col(s, image: image, columns: columns)
                    b = UnsafePointer(columns)
                } else {
                    b = image
                }
                gemm(
                    transposeA: false, transposeB: true, m: s.outChannels, n: rows, k: pixels,
                    alpha: 1, a: gradOutput + n * s.outputImageSize, lda: pixels, b: b,
                    ldb: pixels, beta: n == first ? 0 : 1, c: partial, ldc: rows)
            }
        }
    }
    // Add the partials in group order; split over the elements written.
    Parallel.forChunks(weightSize, minimumChunk: 4096) { elements in
        for i in elements {
            var sum = partials[i]
            for group in 1..<groups { sum += partials[group * weightSize + i] }
            gradWeight[i] = sum
        }
    }
    if let gradBias {
        Parallel.forEach(s.outChannels) { k in
            var sum: Float = 0
            for n in 0..<s.batch {
                let plane = gradOutput + n * s.outputImageSize + k * pixels
                for p in 0..<pixels { sum += plane[p] }
            }
            gradBias[k] = sum
        }
    }
}

/// Groups the weight gradient's batch is cut into: a function of the batch alone.
func weightGradientGroupCount(batch: Int) -> Int { min(batch, 16) }
