// Bilinear resizing with PyTorch's `align_corners=False` convention.

import Checks

extension Image {
    /// The image resized to `height × width` by bilinear interpolation, each channel alone.
    ///
    /// Same numbers as `torch.nn.functional.interpolate(x, size: (height, width),
    /// mode: "bilinear", align_corners: false, antialias: false)`, and as torchvision's
    /// `Resize` when enlarging (when shrinking, torchvision ≥ 0.17 antialiases by default and
    /// differs). Pixel centres line up: output pixel `i` samples the input at
    /// `(i + 0.5) · (in / out) - 0.5`, clamped below at 0; its two neighbours `⌊s⌋` and
    /// `min(⌊s⌋ + 1, in - 1)` are mixed with weights `1 - f` and `f`, `f = s - ⌊s⌋`.
    public func resized(height newHeight: Int, width newWidth: Int) -> Image {
        checkArgument(
            newHeight > 0 && newWidth > 0 && height > 0 && width > 0,
            "Image.resized: sizes must be positive, got \(height)×\(width) → "
                + "\(newHeight)×\(newWidth)")
        let rows = bilinearTaps(from: height, to: newHeight)
        let columns = bilinearTaps(from: width, to: newWidth)
        var out = [Float](repeating: 0, count: channels * newHeight * newWidth)
        for c in 0..<channels {
            let plane = c * height * width
            for y in 0..<newHeight {
                let row = rows[y]
                let upper = plane + row.low * width
                let lower = plane + row.high * width
                let target = (c * newHeight + y) * newWidth
                for x in 0..<newWidth {
                    let column = columns[x]
                    let top =
                        pixels[upper + column.low] * (1 - column.fraction)
                        + pixels[upper + column.high] * column.fraction
                    let bottom =
                        pixels[lower + column.low] * (1 - column.fraction)
                        + pixels[lower + column.high] * column.fraction
                    out[target + x] = top * (1 - row.fraction) + bottom * row.fraction
                }
            }
        }
        return Image(channels: channels, height: newHeight, width: newWidth, pixels: out)
    }
}

/// Where output pixel `i` of a resized axis reads: the two input pixels and the weight of the
/// second.
struct BilinearTap: Equatable {
    var low: Int
    var high: Int
    var fraction: Float
}

/// The taps for resizing an axis of `inputSize` pixels to `outputSize`, `align_corners=False`
/// (PyTorch's `area_pixel_compute_source_index` with scale `in / out`).
func bilinearTaps(from inputSize: Int, to outputSize: Int) -> [BilinearTap] {
    let scale = Float(inputSize) / Float(outputSize)
    return (0..<outputSize).map { i in
        let source = max(0, (Float(i) + 0.5) * scale - 0.5)
        let low = min(Int(source), inputSize - 1)
        let high = min(low + 1, inputSize - 1)
        return BilinearTap(low: low, high: high, fraction: source - Float(low))
    }
}
