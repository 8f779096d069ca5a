// Convolution as GEMM: each image is unfolded (im2col) and multiplied by the weight seen as
// a `[outChannels, inChannels·kernelH·kernelW]` matrix. The unfolding reads a zero-padded
// copy of the image (no bounds checks) and is written straight into the GEMM's packed-panel
// order, so it is the only copy the GEMM needs. The data gradient is a GEMM then a fold
// (col2im); the weight gradient is a GEMM of row dot products (`gemmRowDot`), which reads
// the unfolded rows as they are. A 1×1, stride-1, unpadded convolution skips the unfolding:
// the image `[C, H·W]` already is the column matrix.
//
// Parallel over the batch (each worker owns whole output images and its own scratch); with
// fewer images than threads the GEMMs parallelise inside instead. Either way every output
// element is computed by the same arithmetic in the same order, so results are
// bit-identical for any `Parallel.threadCount`.

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
    let pad = PaddedImage(shape: s)
    let packedCount = PackedLayoutB(k: rows, n: pixels).count
    let scratchCount = s.isPointwise ? 0 : packedCount + pad.count + 2 * unfoldRowStride(pad)
    Parallel.forChunks(s.batch) { images in
        ScratchBuffers.with(count: scratchCount) { scratch in
            let padded = scratch + packedCount
            let row = padded + pad.count
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
                let source: GemmSourceB
                if s.isPointwise {
                    source = .matrix(image, ldb: pixels, transposed: false)
                } else {
                    padImage(pad, image: image, into: padded)
                    unfoldPacked(pad, padded: padded, into: scratch, rows: row)
                    source = .packed(scratch)
                }
                gemmWithSourceB(
                    transposeA: false, m: s.outChannels, n: pixels, k: rows, alpha: 1,
                    a: weight, lda: rows, b: source, beta: beta, c: out, ldc: pixels)
            }
        }
    }
}

/// Data gradient: `gradInput[n] = col2im(weightᵀ · gradOutput[n])` per image.
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
    let pad = PaddedImage(shape: s)
    let columnsCount = rows * pixels
    let scratchCount = s.isPointwise ? 0 : columnsCount + pad.count
    Parallel.forChunks(s.batch) { images in
        ScratchBuffers.with(count: scratchCount) { columns in
            let padded = columns + columnsCount
            for n in images {
                let gradImage = gradInput + n * s.inputImageSize
                gemm(
                    transposeA: true, transposeB: false, m: rows, n: pixels, k: s.outChannels,
                    alpha: 1, a: weight, lda: rows, b: gradOutput + n * s.outputImageSize,
                    ldb: pixels, beta: 0, c: s.isPointwise ? gradImage : columns, ldc: pixels)
                if !s.isPointwise {
                    padded.update(repeating: 0, count: pad.count)
                    foldPadded(pad, columns: columns, into: padded)
                    unpadImage(pad, padded: padded, into: gradImage)
                }
            }
        }
    }
}

/// Weight and bias gradients: `gradWeight = Σₙ gradOutput[n] · im2col(input[n])ᵀ` and
/// `gradBias[k] = Σₙ Σ_pixels gradOutput[n, k]`.
///
/// The batch is cut into a fixed number of groups (a function of the batch size only, never
/// of the thread count); each group sums its images in order into its own partial gradient,
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
    let weightSize = s.weightSize
    let groups = weightGradientGroupCount(batch: s.batch)
    let pad = PaddedImage(shape: s)
    let columnsCount = rows * pixels + paddedSlack
    let scratchCount = s.isPointwise ? 0 : pad.count + columnsCount
    ScratchBuffers.with(count: groups * weightSize) { partials in
        Parallel.forChunks(groups) { groupRange in
            ScratchBuffers.with(count: scratchCount) { scratch in
                let columns = scratch + pad.count
                for group in groupRange {
                    let partial = partials + group * weightSize
                    let first = s.batch * group / groups
                    let end = s.batch * (group + 1) / groups
                    for n in first..<end {
                        let image = input + n * s.inputImageSize
                        var b = image
                        if !s.isPointwise {
                            padImage(pad, image: image, into: scratch)
                            for k in 0..<rows {
                                unfoldRow(pad, padded: scratch, row: k, into: columns + k * pixels)
                            }
                            b = UnsafePointer(columns)
                        }
                        // partial[K, CRS] (+)= gradOutput[n] [K, pixels] · columns[CRS, pixels]ᵀ
                        gemmRowDot(
                            m: s.outChannels, n: rows, k: pixels,
                            a: gradOutput + n * s.outputImageSize, lda: pixels, b: b,
                            ldb: pixels, c: partial, ldc: rows, accumulate: n != first)
                    }
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
