import Checks
import Randomness

// Flips and crops, as torchvision's RandomHorizontalFlip, RandomCrop (with zero padding) and
// CenterCrop.

extension Image {
    /// The image mirrored left to right: column x becomes column W-1-x.
    public func horizontallyFlipped() -> Image {
        var out = [Float](repeating: 0, count: pixels.count)
        for row in 0..<(channels * height) {
            let base = row * width
            for x in 0..<width { out[base + x] = pixels[base + width - 1 - x] }
        }
        return Image(channels: channels, height: height, width: width, pixels: out)
    }

    /// The `height × width` window whose top-left corner is at row `top`, column `left`.
    ///
    /// The window may reach outside the image (negative `top`/`left`, or past the far edge):
    /// those pixels are 0, which is exactly zero padding followed by a crop.
    public func cropped(top: Int, left: Int, height newHeight: Int, width newWidth: Int) -> Image {
        checkArgument(
            newHeight >= 0 && newWidth >= 0,
            "Image.cropped: size must be ≥ 0, got \(newHeight)×\(newWidth)")
        var out = [Float](repeating: 0, count: channels * newHeight * newWidth)
        // The columns of the window that fall inside the image.
        let firstX = max(0, -left)
        let lastX = min(newWidth, width - left)
        if firstX < lastX {
            for c in 0..<channels {
                for y in 0..<newHeight where top + y >= 0 && top + y < height {
                    let source = (c * height + top + y) * width + left
                    let target = (c * newHeight + y) * newWidth
                    for x in firstX..<lastX { out[target + x] = pixels[source + x] }
                }
            }
        }
        return Image(channels: channels, height: newHeight, width: newWidth, pixels: out)
    }

    /// The image with `padding` rows/columns of zeros added on every side.
    public func padded(_ padding: Int) -> Image {
        checkArgument(padding >= 0, "Image.padded: padding must be ≥ 0, got \(padding)")
        return cropped(
            top: -padding, left: -padding, height: height + 2 * padding,
            width: width + 2 * padding)
    }

    /// The central `height × width` window, placed as torchvision's `CenterCrop`: the offset is
    /// `round((H - h) / 2)` with round-half-to-even (Python's `round`), and a crop larger
    /// than the image pads it with zeros, `(h - H) / 2` rows above (rounded down).
    public func centerCropped(height newHeight: Int, width newWidth: Int) -> Image {
        cropped(
            top: centerOffset(size: height, crop: newHeight),
            left: centerOffset(size: width, crop: newWidth), height: newHeight, width: newWidth)
    }

    /// A random `size × size` window of the image padded with `padding` zeros on every side
    /// (torchvision `RandomCrop(size, padding)`): the top and left offsets are uniform over
    /// every position where the window fits inside the padded image, drawn in that order.
    public func randomlyCropped(
        size: Int, padding: Int = 0, generator: inout SeededGenerator
    ) -> Image {
        randomlyCropped(height: size, width: size, padding: padding, generator: &generator)
    }

    /// `randomlyCropped(size:padding:generator:)` for a rectangular window.
    public func randomlyCropped(
        height newHeight: Int, width newWidth: Int, padding: Int = 0,
        generator: inout SeededGenerator
    ) -> Image {
        let paddedHeight = height + 2 * padding
        let paddedWidth = width + 2 * padding
        checkArgument(
            padding >= 0 && newHeight <= paddedHeight && newWidth <= paddedWidth,
            "Image.randomlyCropped: a \(newHeight)×\(newWidth) window does not fit a "
                + "\(height)×\(width) image padded by \(padding) (padding must be ≥ 0)")
        let top = uniformInt(below: paddedHeight - newHeight + 1, using: &generator) - padding
        let left = uniformInt(below: paddedWidth - newWidth + 1, using: &generator) - padding
        return cropped(top: top, left: left, height: newHeight, width: newWidth)
    }

    /// The image flipped left to right with probability `probability`, else unchanged
    /// (torchvision `RandomHorizontalFlip(p)`). Draws one uniform Float in [0, 1) and flips
    /// when it is below `probability`.
    public func randomlyFlipped(probability: Float = 0.5, generator: inout SeededGenerator)
        -> Image
    {
        generator.nextUnitFloat() < probability ? horizontallyFlipped() : self
    }
}

/// torchvision's `CenterCrop` offset along one axis (negative when the crop is larger).
func centerOffset(size: Int, crop: Int) -> Int {
    if crop > size { return -((crop - size) / 2) }
    return Int((Double(size - crop) / 2).rounded(.toNearestOrEven))
}
