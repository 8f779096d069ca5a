// The unfolding used inside the fast convolutions: from a zero-padded copy of the image, so
// the copies need no bounds checks, and written straight into the layout the next step reads.
// (`im2col` and `col2im` are the plain public versions of the same maps.)

/// A zero-padded copy of one image: `[inChannels, height + 2·padH, width + 2·padW]`, followed
/// by `paddedSlack` floats so vector copies may read a little past the last row.
struct PaddedImage {
    let shape: Conv2dShape
    var rowStride: Int { shape.width + 2 * shape.padW }
    var planeStride: Int { (shape.height + 2 * shape.padH) * rowStride }
    /// Floats to allocate.
    var count: Int { shape.inChannels * planeStride + paddedSlack }
}

/// Floats of slack after buffers that overlapping 8-wide copies may touch.
let paddedSlack = 16

/// Copies `image` `[C, H, W]` into the interior of `padded` and zeros its border (and slack).
func padImage(
    _ p: PaddedImage, image: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>
) {
    let s = p.shape
    let rowStride = p.rowStride
    for c in 0..<s.inChannels {
        let plane = padded + c * p.planeStride
        plane.update(repeating: 0, count: s.padH * rowStride)
        for ih in 0..<s.height {
            let line = plane + (ih + s.padH) * rowStride
            for x in 0..<s.padW {
                line[x] = 0
                line[s.padW + s.width + x] = 0
            }
            copyFloats(image + (c * s.height + ih) * s.width, into: line + s.padW, count: s.width)
        }
        (plane + (s.padH + s.height) * rowStride).update(repeating: 0, count: s.padH * rowStride)
    }
    (padded + s.inChannels * p.planeStride).update(repeating: 0, count: paddedSlack)
}

/// Pads `images` consecutive images of the batch `input`, from image `first` on, into
/// `padded`, one after another `p.count` floats apart: a bundle for the kernels that take
/// several small images at once.
func padImages(
    _ p: PaddedImage, input: UnsafePointer<Float>, first: Int, images: Int,
    into padded: UnsafeMutablePointer<Float>
) {
    for slot in 0..<images {
        padImage(
            p, image: input + (first + slot) * p.shape.inputImageSize,
            into: padded + slot * p.count)
    }
}

/// Row `row` of the im2col matrix (see `im2col`), read from a padded image, written to
/// `out[0..<outHeight·outWidth]`. May also write up to 8 floats past the end (scratch slack).
@inline(__always)
func unfoldRow(
    _ p: PaddedImage, padded: UnsafePointer<Float>, row: Int, into out: UnsafeMutablePointer<Float>
) {
    let s = p.shape
    let tap = row % s.kernelW
    let r = (row / s.kernelW) % s.kernelH
    let c = row / (s.kernelW * s.kernelH)
    let outWidth = s.outWidth
    var source = padded + c * p.planeStride + r * p.rowStride + tap
    let step = s.strideH * p.rowStride
    var target = out
    if s.strideW == 1 {
        // Whole 8-float chunks; the last one runs into the next piece, which overwrites it.
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        for oh in 0..<s.outHeight {
            let fromRow = from + oh * step * 4
            let toRow = to + oh * outWidth * 4
            var ow = 0
            while ow < outWidth {
                toRow.storeBytes(
                    of: fromRow.loadUnaligned(fromByteOffset: ow * 4, as: SIMD8<Float>.self),
                    toByteOffset: ow * 4, as: SIMD8<Float>.self)
                ow += 8
            }
        }
    } else {
        for _ in 0..<s.outHeight {
            for ow in 0..<outWidth { target[ow] = source[ow * s.strideW] }
            source += step
            target += outWidth
        }
    }
}

/// The im2col matrices of `images` padded images (stored one after another, `p.count` floats
/// apart) side by side, `[C·R·S, images · pixels]`, as GEMM operand B in `PackedLayoutB` order
/// (padding columns zero).
///
/// Each row is unfolded into a scratch row, then cut into NR-wide pieces, one per panel.
/// Two scratch rows alternate, so a row is copied out one step after it was written: reading
/// it back at once would stall on the store buffer (wide loads of narrower recent stores).
///
/// - rows: scratch of `2 · unfoldRowStride(p, images:)` floats
func unfoldPacked(
    _ p: PaddedImage, padded: UnsafePointer<Float>, images: Int,
    into packed: UnsafeMutablePointer<Float>, rows scratch: UnsafeMutablePointer<Float>
) {
    let s = p.shape
    let pixels = s.columnCount
    let width = images * pixels
    let layout = PackedLayoutB(k: s.columnRows, n: width)
    let fullPanels = width / gemmNR
    let tail = width - fullPanels * gemmNR
    let stride = unfoldRowStride(p, images: images)

    func copyOut(_ k: Int, from row: UnsafeMutablePointer<Float>) {
        let (pc, offset) = layout.place(row: k)
        let kc = layout.sliceDepth(pc)
        let base = packed + offset
        let source = UnsafeRawPointer(row)
        for panel in 0..<fullPanels {
            UnsafeMutableRawPointer(base + panel * gemmNR * kc).storeBytes(
                of: source.loadUnaligned(
                    fromByteOffset: panel * MemoryLayout<GemmVector>.stride, as: GemmVector.self),
                as: GemmVector.self)
        }
        if tail > 0 {
            let target = base + fullPanels * gemmNR * kc
            for j in 0..<gemmNR { target[j] = j < tail ? row[fullPanels * gemmNR + j] : 0 }
        }
    }

    for k in 0...s.columnRows {
        if k < s.columnRows {
            // Images in order, so each one's overspill is overwritten by the next.
            let row = scratch + (k % 2) * stride
            for image in 0..<images {
                unfoldRow(p, padded: padded + image * p.count, row: k, into: row + image * pixels)
            }
        }
        if k > 0 { copyOut(k - 1, from: scratch + ((k - 1) % 2) * stride) }
    }
}

/// Floats per scratch row of `unfoldPacked`: the pixels, slack, rounded to a cache line.
func unfoldRowStride(_ p: PaddedImage, images: Int) -> Int {
    roundedUpToCacheLine(images * p.shape.columnCount + paddedSlack)
}

/// Adds a column matrix `[C·R·S, outHeight·outWidth]` (row stride `ld`) into a padded image
/// (the adjoint of `unfoldRow` over all rows); the border then holds what fell in the padding.
func foldPadded(
    _ p: PaddedImage, columns: UnsafePointer<Float>, ld: Int,
    into padded: UnsafeMutablePointer<Float>
) {
    let s = p.shape
    let outWidth = s.outWidth
    let step = s.strideH * p.rowStride
    for k in 0..<s.columnRows {
        let tap = k % s.kernelW
        let r = (k / s.kernelW) % s.kernelH
        let c = k / (s.kernelW * s.kernelH)
        var target = padded + c * p.planeStride + r * p.rowStride + tap
        var source = columns + k * ld
        for _ in 0..<s.outHeight {
            if s.strideW == 1 {
                addFloats(source, into: target, count: outWidth)
            } else {
                for ow in 0..<outWidth { target[ow * s.strideW] += source[ow] }
            }
            source += outWidth
            target += step
        }
    }
}

/// Copies the interior of a padded image out to `image` `[C, H, W]`.
func unpadImage(
    _ p: PaddedImage, padded: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>
) {
    let s = p.shape
    for c in 0..<s.inChannels {
        for ih in 0..<s.height {
            copyFloats(
                padded + c * p.planeStride + (ih + s.padH) * p.rowStride + s.padW,
                into: image + (c * s.height + ih) * s.width, count: s.width)
        }
    }
}
