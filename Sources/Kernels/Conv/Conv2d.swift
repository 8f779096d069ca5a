// The three convolutions' entry points. Each first asks whether its shape suits Winograd
// (`usesWinogradForward`, `usesWinogradBackwardData`, `usesWinogradBackwardWeight` in
// Conv/Winograd), then the direct tile (`usesDirectForward`, `usesDirectBackwardData`,
// `usesDirectBackwardWeight` in Conv/Direct); `Conv2dShape.paths` reports the choice. What
// follows in this file is the last path, convolution as GEMM: each image is unfolded
// (im2col) and multiplied by the weight seen as a `[outChannels, inChannels·kernelH·kernelW]`
// matrix. The unfolding reads a zero-padded
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

import Checks

/// Forward convolution of a batch, on Winograd, the direct tile or unfold + GEMM, whichever
/// applies first to the shape (``Conv2dShape/paths`` reports which).
///
/// - input: `[batch, inChannels, height, width]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - bias: `[outChannels]` or nil
/// - output: `[batch, outChannels, outHeight, outWidth]`, overwritten
/// - epilogue: a residual to add and a ReLU, applied after the bias (inference)
/// - inputNormalization: what to make of each input value as it is read; only where
///   ``conv2dTakesInputNormalization(_:)`` (anything else stops the program)
/// - prepared: `weight` made ready once for this layer (``Conv2dForwardWeights``), or nil to
///   prepare it in this call; the same bits either way
public func conv2dForward(
    _ s: Conv2dShape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
    epilogue: Conv2dEpilogue = .none, inputNormalization: Conv2dInputNormalization? = nil,
    prepared: Conv2dForwardWeights? = nil
) {
    if usesWinogradForward(s) {
        conv2dForwardWinograd(
            s, input: input, weight: weight, bias: bias, output: output, epilogue: epilogue,
            inputNormalization: inputNormalization, prepared: prepared)
        return
    }
    checkArgument(
        prepared?.matches(s) ?? true,
        "conv2dForward: \(prepared!) prepared for another layer than \(s)")
    checkArgument(
        inputNormalization == nil,
        "conv2dForward: an input normalization needs Winograd's shapes, got \(s)")
    if usesDirectForward(s) {
        conv2dForwardDirect(
            s, input: input, weight: weight, bias: bias, output: output, epilogue: epilogue)
        return
    }
    defer { epilogue.apply(to: output, s) }
    let pixels = s.columnCount
    let rows = s.columnRows
    let bundle = s.isPointwise ? 1 : imageBundle(pixels: pixels)
    let pad = PaddedImage(shape: s)
    let packedCount = PackedLayoutB(k: rows, n: bundle * pixels).count
    let rowStride = unfoldRowStride(pad, images: bundle)
    let productCount = bundle > 1 ? s.outChannels * bundle * pixels : 0
    let scratchCount =
        s.isPointwise ? 0 : packedCount + bundle * pad.count + 2 * rowStride + productCount
    Parallel.forChunks(s.batch) { chunk in
        ScratchBuffers.with(count: scratchCount) { scratch in
            let padded = scratch + packedCount
            let rowScratch = padded + bundle * pad.count
            let product = rowScratch + 2 * rowStride
            for start in stride(from: chunk.lowerBound, to: chunk.upperBound, by: bundle) {
                let images = min(bundle, chunk.upperBound - start)
                let width = images * pixels
                // C = weight · [columns of the bundle]: [K, images · pixels]; one image writes
                // its output directly.
                let c = images == 1 ? output + start * s.outputImageSize : product
                var beta: Float = 0
                if let bias {
                    for k in 0..<s.outChannels {
                        (c + k * width).update(repeating: bias[k], count: width)
                    }
                    beta = 1
                }
                let source: GemmSourceB
                if s.isPointwise {
                    source = .matrix(
                        input + start * s.inputImageSize, ldb: pixels, transposed: false)
                } else {
                    padImages(pad, input: input, first: start, images: images, into: padded)
                    unfoldPacked(
                        pad, padded: padded, images: images, into: scratch, rows: rowScratch)
                    source = .packed(scratch)
                }
                gemmWithSourceB(
                    transposeA: false, m: s.outChannels, n: width, k: rows, alpha: 1,
                    a: weight, lda: rows, b: source, beta: beta, c: c, ldc: width)
                if images > 1 {
                    for slot in 0..<images {
                        let out = output + (start + slot) * s.outputImageSize
                        for k in 0..<s.outChannels {
                            copyFloats(
                                product + k * width + slot * pixels, into: out + k * pixels,
                                count: pixels)
                        }
                    }
                }
            }
        }
    }
}

/// Data gradient: `gradInput[n] = col2im(weightᵀ · gradOutput[n])` per image.
///
/// Winograd or the direct tile compute it where they apply (``Conv2dShape/paths``);
/// otherwise a GEMM then a fold, with a few images side by side in one GEMM on small maps.
///
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - gradInput: `[batch, inChannels, height, width]`, overwritten
/// - epilogue: applied to the gradient as it is written, in the input's layout: a residual
///   added there is how the autograd engine adds this gradient to one that a tensor already
///   has (`gradient + residual`, each element the one addition a separate pass would do)
public func conv2dBackwardData(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>, epilogue: Conv2dEpilogue = .none
) {
    if usesWinogradBackwardData(s) {
        conv2dBackwardDataWinograd(
            s, gradOutput: gradOutput, weight: weight, gradInput: gradInput, epilogue: epilogue)
        return
    }
    if usesDirectBackwardData(s) {
        conv2dBackwardDataDirect(
            s, gradOutput: gradOutput, weight: weight, gradInput: gradInput, epilogue: epilogue)
        return
    }
    conv2dBackwardDataUnfolded(
        s, gradOutput: gradOutput, weight: weight, gradInput: gradInput, epilogue: epilogue)
}

/// Data gradient as a GEMM then a fold (col2im), for any shape: the path of
/// `conv2dBackwardData` where neither Winograd nor the direct tile applies, and the sums
/// whose bits the direct tile's strided data gradient keeps (tests compare the two).
///
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - gradInput: `[batch, inChannels, height, width]`, overwritten
/// - epilogue: applied to each image's gradient once it is written, in the input's layout
public func conv2dBackwardDataUnfolded(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>, epilogue: Conv2dEpilogue = .none
) {
    let pixels = s.columnCount
    let rows = s.columnRows
    let bundle = s.isPointwise ? 1 : imageBundle(pixels: pixels)
    let pad = PaddedImage(shape: s)
    let columnsCount = rows * bundle * pixels
    let gradientsCount = bundle > 1 ? s.outChannels * bundle * pixels : 0
    let scratchCount = s.isPointwise ? 0 : columnsCount + pad.count + gradientsCount
    Parallel.forChunks(s.batch) { chunk in
        ScratchBuffers.with(count: scratchCount) { columns in
            let padded = columns + columnsCount
            let gradients = padded + pad.count
            for start in stride(from: chunk.lowerBound, to: chunk.upperBound, by: bundle) {
                let images = min(bundle, chunk.upperBound - start)
                let width = images * pixels
                // B = [gradOutput of the bundle]: [K, images · pixels].
                var b = gradOutput + start * s.outputImageSize
                if images > 1 {
                    for slot in 0..<images {
                        let gradImage = gradOutput + (start + slot) * s.outputImageSize
                        for k in 0..<s.outChannels {
                            copyFloats(
                                gradImage + k * pixels, into: gradients + k * width + slot * pixels,
                                count: pixels)
                        }
                    }
                    b = UnsafePointer(gradients)
                }
                let c = s.isPointwise ? gradInput + start * s.inputImageSize : columns
                gemm(
                    transposeA: true, transposeB: false, m: rows, n: width, k: s.outChannels,
                    alpha: 1, a: weight, lda: rows, b: b, ldb: width, beta: 0, c: c, ldc: width)
                if !s.isPointwise {
                    for slot in 0..<images {
                        padded.update(repeating: 0, count: pad.count)
                        foldPadded(pad, columns: columns + slot * pixels, ld: width, into: padded)
                        unpadImage(
                            pad, padded: padded,
                            into: gradInput + (start + slot) * s.inputImageSize)
                    }
                }
                epilogue.apply(
                    to: gradInput, offset: start * s.inputImageSize,
                    count: images * s.inputImageSize)
            }
        }
    }
}

/// Weight and bias gradients: `gradWeight = Σₙ gradOutput[n] · im2col(input[n])ᵀ` and
/// `gradBias[k] = Σₙ Σ_pixels gradOutput[n, k]`.
///
/// Winograd or the direct tile compute the weight gradient where they apply
/// (``Conv2dShape/paths``), otherwise row dot products of the unfolded images.
/// The batch is cut into a fixed number of groups (a function of the batch size only, never
/// of the thread count); each group sums its images in order into its own partial gradient
/// (a few images at a time on small maps, as one longer dot product), and the partials are
/// then added in group order. So the summation order, and the bits of the result, are the
/// same on any number of threads.
///
/// - input: `[batch, inChannels, height, width]`
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - gradWeight: `[outChannels, inChannels, kernelH, kernelW]`, overwritten
/// - gradBias: `[outChannels]` or nil, overwritten
/// - inputNormalization: what the forward pass made of each input value as it read it;
///   only where ``conv2dTakesInputNormalization(_:)`` (anything else stops the program)
public func conv2dBackwardWeight(
    _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
    inputNormalization: Conv2dInputNormalization? = nil
) {
    if usesWinogradBackwardWeight(s) {
        conv2dBackwardWeightWinograd(
            s, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
            inputNormalization: inputNormalization)
        if let gradBias { convBiasGradient(s, gradOutput: gradOutput, gradBias: gradBias) }
        return
    }
    checkArgument(
        inputNormalization == nil,
        "conv2dBackwardWeight: an input normalization needs Winograd's shapes, got \(s)")
    if usesDirectBackwardWeight(s) {
        conv2dBackwardWeightDirect(
            s, input: input, gradOutput: gradOutput, gradWeight: gradWeight)
        if let gradBias { convBiasGradient(s, gradOutput: gradOutput, gradBias: gradBias) }
        return
    }
    let pixels = s.columnCount
    let rows = s.columnRows
    let weightSize = s.weightSize
    let groups = weightGradientGroupCount(batch: s.batch)
    let pad = PaddedImage(shape: s)
    // A bundle of images shares one long dot product per weight (see `imageBundle`);
    // its rows are `bundle · pixels` long, plus slack for the unfold's overlapping copies.
    let bundle = imageBundle(pixels: pixels)
    let stride = bundle * pixels + paddedSlack
    let columnsCount = rows * stride
    let gradientsCount = s.outChannels * stride
    let scratchCount = pad.count + columnsCount + gradientsCount
    ScratchBuffers.with(count: groups * weightSize) { partials in
        Parallel.forChunks(groups) { groupRange in
            ScratchBuffers.with(count: scratchCount) { scratch in
                let columns = scratch + pad.count
                let gradients = columns + columnsCount
                for group in groupRange {
                    let partial = partials + group * weightSize
                    let first = s.batch * group / groups
                    let end = s.batch * (group + 1) / groups
                    for start in Swift.stride(from: first, to: end, by: bundle) {
                        let images = start..<min(end, start + bundle)
                        // columns[CRS, images · pixels], gradients[K, images · pixels]; image
                        // order ascending, so an unfold's overspill lands where a later image
                        // (or the slack) is written.
                        for (slot, n) in images.enumerated() {
                            let image = input + n * s.inputImageSize
                            let offset = slot * pixels
                            if s.isPointwise {
                                for c in 0..<rows {
                                    copyFloats(
                                        image + c * pixels, into: columns + c * stride + offset,
                                        count: pixels)
                                }
                            } else {
                                padImage(pad, image: image, into: scratch)
                                for k in 0..<rows {
                                    unfoldRow(
                                        pad, padded: scratch, row: k,
                                        into: columns + k * stride + offset)
                                }
                            }
                            let gradImage = gradOutput + n * s.outputImageSize
                            for k in 0..<s.outChannels {
                                copyFloats(
                                    gradImage + k * pixels, into: gradients + k * stride + offset,
                                    count: pixels)
                            }
                        }
                        // partial[K, CRS] (+)= gradients[K, P] · columns[CRS, P]ᵀ
                        gemmRowDot(
                            m: s.outChannels, n: rows, k: images.count * pixels, a: gradients,
                            lda: stride, b: columns, ldb: stride, c: partial, ldc: rows,
                            accumulate: start != first)
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
    if let gradBias { convBiasGradient(s, gradOutput: gradOutput, gradBias: gradBias) }
}

/// `gradBias[k] = Σₙ Σ_pixels gradOutput[n, k]`, one channel per iteration, in order (the
/// bias gradient `conv2dBackwardWeight` computes; also on its own, for a frozen weight).
///
/// - gradOutput: `[batch, outChannels, outHeight, outWidth]`
/// - gradBias: `[outChannels]`, overwritten
public func convBiasGradient(
    _ s: Conv2dShape, gradOutput: UnsafePointer<Float>, gradBias: UnsafeMutablePointer<Float>
) {
    let pixels = s.columnCount
    Parallel.forEach(s.outChannels) { k in
        var sum: Float = 0
        for n in 0..<s.batch {
            let plane = gradOutput + n * s.outputImageSize + k * pixels
            for p in 0..<pixels { sum += plane[p] }
        }
        gradBias[k] = sum
    }
}

/// The most groups a weight gradient's batch is cut into, each image's contributions summed
/// into its group's own partial: 16 keeps two to sixteen threads busy on a batch of 16 or
/// more images, and fixes the order of summation whatever the thread count.
let weightGradientMaximumGroups = 16

/// Groups the weight gradient's batch is cut into: a function of the batch alone.
func weightGradientGroupCount(batch: Int) -> Int { min(batch, weightGradientMaximumGroups) }

/// Images processed side by side on small maps: their unfolded columns are laid end to end,
/// so the forward and data GEMMs get `images · pixels` columns (7×7 = 49 columns would fill
/// only 77% of the 16-wide register tiles) and the weight gradient one long dot product per
/// weight instead of short ones dominated by set-up and horizontal sums. About 1024 columns,
/// at most 8 images; a function of the map size alone.
///
/// Forward and data results do not depend on the bundling (each output element is the same
/// dot product either way); the weight gradient's summation order does, which is why the
/// bundle must never depend on the thread count.
func imageBundle(pixels: Int) -> Int {
    max(1, min(imageBundleMaximumImages, imageBundleColumns / max(pixels, 1)))
}

/// The columns (pixels) a bundle of small images aims at: `imageBundle`.
let imageBundleColumns = 1024
/// The most images in one bundle: `imageBundle`.
let imageBundleMaximumImages = 8
