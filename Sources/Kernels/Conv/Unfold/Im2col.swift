// The plain, one-image `im2col` and `col2im`: the maps lesson 02 teaches convolution with, and
// the references the tests compare against. The kernels themselves use faster versions of the
// same maps (`ConvUnfold.swift`: from a padded copy, straight into the GEMM's packed order),
// and only where the direct tile does not apply.

/// Unfolds one image into the matrix that turns a convolution into a GEMM.
///
/// - image: `[inChannels, height, width]` (one image of the batch)
/// - columns: `[inChannels · kernelH · kernelW, outHeight · outWidth]`, overwritten. Row
///   `(c·kernelH + r)·kernelW + t` holds, for every output pixel `(oh, ow)`, the input value
///   under kernel tap `(r, t)` of channel `c`: `image[c, oh·strideH − padH + r,
///   ow·strideW − padW + t]`, or 0 where that falls in the padding.
///
/// Then `output[K, outHeight·outWidth] = weight[K, C·R·S] · columns`.
public func im2col(
    _ s: Conv2dShape, image: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>
) {
    let pixels = s.columnCount
    for row in 0..<s.columnRows {
        im2colRow(s, image: image, row: row, into: columns + row * pixels)
    }
}

/// Folds a column matrix back into an image, *adding* each entry to the pixel it came from:
/// the adjoint (transpose) of `im2col`, which the GEMM path's data gradient applies (as
/// `foldPadded`).
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
                        addFloats(
                            source + valid.lowerBound, into: line + valid.lowerBound,
                            count: valid.count)
                    } else {
                        for ow in valid { line[ow * s.strideW] += source[ow] }
                    }
                }
            }
        }
    }
}

/// Row `row` of the im2col matrix of `image` (see `im2col`), written to `out[0..<pixels]`.
@inline(__always)
func im2colRow(
    _ s: Conv2dShape, image: UnsafePointer<Float>, row: Int, into out: UnsafeMutablePointer<Float>
) {
    let tap = row % s.kernelW
    let r = (row / s.kernelW) % s.kernelH
    let c = row / (s.kernelW * s.kernelH)
    let outWidth = s.outWidth
    let plane = image + c * s.height * s.width
    let valid = validOutputRange(
        offset: tap - s.padW, stride: s.strideW, input: s.width, output: outWidth)
    var target = out
    for oh in 0..<s.outHeight {
        let ih = oh * s.strideH - s.padH + r
        if ih < 0 || ih >= s.height {
            for ow in 0..<outWidth { target[ow] = 0 }
        } else {
            let line = plane + ih * s.width + (tap - s.padW)
            for ow in 0..<valid.lowerBound { target[ow] = 0 }
            if s.strideW == 1 {
                copyFloats(
                    line + valid.lowerBound, into: target + valid.lowerBound, count: valid.count)
            } else {
                for ow in valid { target[ow] = line[ow * s.strideW] }
            }
            for ow in valid.upperBound..<outWidth { target[ow] = 0 }
        }
        target += outWidth
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

/// Copies `count` floats with 8-wide vector moves (short rows: a `memmove` call costs more).
@inline(__always)
func copyFloats(
    _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int
) {
    var i = 0
    let from = UnsafeRawPointer(source)
    let to = UnsafeMutableRawPointer(target)
    while i + 8 <= count {
        to.storeBytes(
            of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
            toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        target[i] = source[i]
        i += 1
    }
}

/// `target[i] += source[i]` for `i < count`, 8 lanes at a time.
@inline(__always)
func addFloats(
    _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int
) {
    var i = 0
    let from = UnsafeRawPointer(source)
    let to = UnsafeMutableRawPointer(target)
    while i + 8 <= count {
        let sum =
            to.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            + from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        to.storeBytes(of: sum, toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        target[i] += source[i]
        i += 1
    }
}
