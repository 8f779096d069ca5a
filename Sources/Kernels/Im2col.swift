/// Unfolds one image into the matrix that turns a convolution into a GEMM.
///
/// - image: `[inChannels, height, width]` (one image of the batch)
/// - columns: `[inChannels · kernelH · kernelW, outHeight · outWidth]`, overwritten. Row
///   `(c·kernelH + r)·kernelW + s` holds, for every output pixel `(oh, ow)`, the input value
///   under kernel tap `(r, s)` of channel `c`: `image[c, oh·strideH − padH + r,
///   ow·strideW − padW + s]`, or 0 where that falls in the padding.
///
/// Then `output[K, outHeight·outWidth] = weight[K, C·R·S] · columns`.
public func im2col(
    _ s: Conv2dShape, image: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>
) {
    let outHeight = s.outHeight
    let outWidth = s.outWidth
    let pixels = outHeight * outWidth
    for c in 0..<s.inChannels {
        let plane = image + c * s.height * s.width
        for r in 0..<s.kernelH {
            for tap in 0..<s.kernelW {
                let row = columns + ((c * s.kernelH + r) * s.kernelW + tap) * pixels
                let valid = validOutputRange(
                    offset: tap - s.padW, stride: s.strideW, input: s.width, output: outWidth)
                for oh in 0..<outHeight {
                    let ih = oh * s.strideH - s.padH + r
                    let out = row + oh * outWidth
                    if ih < 0 || ih >= s.height {
                        out.update(repeating: 0, count: outWidth)
                        continue
                    }
                    let line = plane + ih * s.width + (tap - s.padW)
                    for ow in 0..<valid.lowerBound { out[ow] = 0 }
                    if s.strideW == 1 {
                        let count = valid.count
                        if count > 0 {
                            (out + valid.lowerBound).update(
                                from: line + valid.lowerBound, count: count)
                        }
                    } else {
                        for ow in valid { out[ow] = line[ow * s.strideW] }
                    }
                    for ow in valid.upperBound..<outWidth { out[ow] = 0 }
                }
            }
        }
    }
}

/// Folds a column matrix back into an image, *adding* each entry to the pixel it came from:
/// the adjoint (transpose) of `im2col`, used by the data gradient.
///
/// - columns: `[inChannels · kernelH · kernelW, outHeight · outWidth]`
/// - image: `[inChannels, height, width]`, accumulated into (zero it first for a plain fold).
///   Entries that `im2col` took from the padding are dropped.
public func col2im(
    _ s: Conv2dShape, columns: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>
) {
    let outHeight = s.outHeight
    let outWidth = s.outWidth
    let pixels = outHeight * outWidth
    for c in 0..<s.inChannels {
        let plane = image + c * s.height * s.width
        for r in 0..<s.kernelH {
            for tap in 0..<s.kernelW {
                let row = columns + ((c * s.kernelH + r) * s.kernelW + tap) * pixels
                let valid = validOutputRange(
                    offset: tap - s.padW, stride: s.strideW, input: s.width, output: outWidth)
                if valid.isEmpty { continue }
                for oh in 0..<outHeight {
                    let ih = oh * s.strideH - s.padH + r
                    if ih < 0 || ih >= s.height { continue }
                    let line = plane + ih * s.width + (tap - s.padW)
                    let source = row + oh * outWidth
                    if s.strideW == 1 {
                        for ow in valid { line[ow] += source[ow] }
                    } else {
                        for ow in valid { line[ow * s.strideW] += source[ow] }
                    }
                }
            }
        }
    }
}

/// The output positions `o` in `0..<output` whose input index `o·stride + offset` lies in
/// `0..<input`.
@inline(__always)
func validOutputRange(offset: Int, stride: Int, input: Int, output: Int) -> Range<Int> {
    // o·stride + offset ≥ 0  ⇔  o ≥ ceil(−offset / stride)
    let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
    // o·stride + offset ≤ input − 1  ⇔  o ≤ floor((input − 1 − offset) / stride)
    let lastIndex = input - 1 - offset
    let high = lastIndex < 0 ? 0 : lastIndex / stride + 1
    let lower = min(low, output)
    return lower..<max(lower, min(high, output))
}
