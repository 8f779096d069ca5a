import Checks
import TensorCore

/// One image: `[C, H, W]` Float32 pixels, row-major (channels outermost), as one item of an
/// NCHW batch. Pixel values are in [0, 1] as loaded, any range after normalisation.
///
/// The transforms (`Image+Geometry.swift`, `Image+Resize.swift`, `Image+Channels.swift`) are
/// methods returning a new image; the random ones take the generator that decides them.
public struct Image: Sendable, Equatable {
    /// Number of channels (1 for grayscale, 3 for RGB).
    public let channels: Int
    /// Height in pixels.
    public let height: Int
    /// Width in pixels.
    public let width: Int
    /// The pixels, row-major `[C, H, W]`: `pixels[(c * height + y) * width + x]`.
    public private(set) var pixels: [Float]

    /// Creates an image from `[C, H, W]` row-major pixels.
    /// Stops with a message when `pixels.count != channels * height * width`.
    public init(channels: Int, height: Int, width: Int, pixels: [Float]) {
        checkArgument(
            channels >= 0 && height >= 0 && width >= 0
                && pixels.count == channels * height * width,
            "Image(channels:height:width:pixels:): [\(channels), \(height), \(width)] holds "
                + "\(channels * height * width) pixels but \(pixels.count) were given")
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
    }

    /// An image of one value everywhere (black for 0).
    public init(channels: Int, height: Int, width: Int, repeating value: Float = 0) {
        self.init(
            channels: channels, height: height, width: width,
            pixels: [Float](repeating: value, count: max(0, channels * height * width)))
    }

    /// An image from a `[C, H, W]` tensor (or `[1, C, H, W]`).
    public init(_ tensor: Tensor) {
        let shape =
            tensor.shape.count == 4 && tensor.shape[0] == 1
            ? Array(tensor.shape.dropFirst()) : tensor.shape
        checkArgument(
            shape.count == 3, "Image(_: Tensor): expected shape [C, H, W], got \(tensor.shape)")
        self.init(channels: shape[0], height: shape[1], width: shape[2], pixels: tensor.data)
    }

    /// `[channels, height, width]`.
    public var shape: [Int] { [channels, height, width] }

    /// The pixel at channel `c`, row `y`, column `x`.
    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { pixels[index(c, y, x)] }
        set { pixels[index(c, y, x)] = newValue }
    }

    /// This image as a `[C, H, W]` tensor.
    public var tensor: Tensor { Tensor(shape: shape, data: pixels) }

    /// The position of a pixel in `pixels`, with a clear message when it is outside the image.
    private func index(_ c: Int, _ y: Int, _ x: Int) -> Int {
        checkArgument(
            c >= 0 && c < channels && y >= 0 && y < height && x >= 0 && x < width,
            "Image subscript: [\(c), \(y), \(x)] is outside an image of shape \(shape)")
        return (c * height + y) * width + x
    }
}
