import Checks
import Randomness
import TensorCore

/// One step of an image pipeline, as torchvision's `transforms`: a value you can list, print
/// and compare, applied to one `[C, H, W]` image with a generator that decides its random
/// choices.
///
/// A pipeline is an array, applied in order: `[.randomCrop(size: 28, padding: 2),
/// .randomHorizontalFlip(), .normalize(mean: [0.2860], std: [0.3530])]`. `DataLoader` applies
/// it to each example with a generator derived from the seed, epoch, batch and the example's
/// place in the batch.
public enum Transform: Sendable, CustomStringConvertible {
    /// `(x - mean[c]) / std[c]` per channel (one value, or one per channel).
    case normalize(mean: [Float], std: [Float])
    /// Pad by `padding` zeros on every side, then take a random `size × size` window.
    case randomCrop(size: Int, padding: Int = 0)
    /// Mirror left to right with probability `probability`.
    case randomHorizontalFlip(probability: Float = 0.5)
    /// Repeat a single channel three times (grayscale → RGB-shaped).
    case grayscaleToRGB
    /// Bilinear resize, PyTorch `align_corners=False`, no antialiasing.
    case resize(height: Int, width: Int)
    /// The central window, as torchvision `CenterCrop`.
    case centerCrop(height: Int, width: Int)
    /// Your own step: a name for printing, and the function (draw randomness only from the
    /// generator it receives, so results stay reproducible).
    case custom(name: String, @Sendable (Image, inout SeededGenerator) -> Image)

    /// Applies this step to `image`, drawing random choices from `generator`.
    public func apply(to image: Image, generator: inout SeededGenerator) -> Image {
        switch self {
        case .normalize(let mean, let std):
            image.normalized(mean: mean, std: std)
        case .randomCrop(let size, let padding):
            image.randomlyCropped(size: size, padding: padding, generator: &generator)
        case .randomHorizontalFlip(let probability):
            image.randomlyFlipped(probability: probability, generator: &generator)
        case .grayscaleToRGB:
            image.repeatingChannels(3)
        case .resize(let height, let width):
            image.resized(height: height, width: width)
        case .centerCrop(let height, let width):
            image.centerCropped(height: height, width: width)
        case .custom(_, let function):
            function(image, &generator)
        }
    }

    /// Whether this step draws from the generator (an unseeded use would be a mistake).
    public var isRandom: Bool {
        switch self {
        case .randomCrop, .randomHorizontalFlip, .custom: true
        case .normalize, .grayscaleToRGB, .resize, .centerCrop: false
        }
    }

    /// The step as torchvision names it, with its settings: `RandomCrop(28, padding: 2)`,
    /// `Normalize(mean: [0.286], std: [0.353])`; a custom step prints its name.
    public var description: String {
        switch self {
        case .normalize(let mean, let std): "Normalize(mean: \(mean), std: \(std))"
        case .randomCrop(let size, let padding): "RandomCrop(\(size), padding: \(padding))"
        case .randomHorizontalFlip(let probability): "RandomHorizontalFlip(p: \(probability))"
        case .grayscaleToRGB: "GrayscaleToRGB"
        case .resize(let height, let width): "Resize(\(height)×\(width), bilinear)"
        case .centerCrop(let height, let width): "CenterCrop(\(height)×\(width))"
        case .custom(let name, _): name
        }
    }
}

/// A pipeline of transforms, applied in order to one image or to every image of a batch.
extension Array where Element == Transform {
    /// Applies the steps in order to one image.
    ///
    /// - Parameters:
    ///   - image: `[C, H, W]`.
    ///   - generator: decides the random steps' choices, in order.
    /// - Returns: the transformed image, `[C', H', W']` as the steps make it.
    public func apply(to image: Image, generator: inout SeededGenerator) -> Image {
        var result = image
        for step in self { result = step.apply(to: result, generator: &generator) }
        return result
    }

    /// Applies the steps to every image of a `[N, C, H, W]` batch: image `n` gets the `n`-th
    /// generator split from `generator` (`generator.split()`, in order), so each image's
    /// randomness is fixed by its place in the batch. Every image must come out the same
    /// shape.
    ///
    /// - Parameters:
    ///   - batch: `[N, C, H, W]`.
    ///   - generator: split once per image, in order.
    /// - Returns: `[N, C', H', W']`.
    public func apply(toBatch batch: Tensor, generator: inout SeededGenerator) -> Tensor {
        checkArgument(
            batch.shape.count == 4,
            "Transforms.apply(toBatch:): expected [N, C, H, W], got \(batch.shape)")
        let (n, c, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
        let size = c * h * w
        let data = batch.data
        let generators = (0..<n).map { _ in generator.split() }
        let images = (0..<n).map { i in
            var imageGenerator = generators[i]
            return apply(
                to: Image(
                    channels: c, height: h, width: w,
                    pixels: [Float](data[(i * size)..<((i + 1) * size)])),
                generator: &imageGenerator)
        }
        return stackImages(images, op: "Transforms.apply(toBatch:)")
    }
}

/// `[N, C, H, W]` from `N` images of one shape (`[0]` when there are none).
func stackImages(_ images: [Image], op: String) -> Tensor {
    guard let first = images.first else { return Tensor(shape: [0], data: []) }
    var data: [Float] = []
    data.reserveCapacity(images.count * first.pixels.count)
    for image in images {
        checkArgument(
            image.shape == first.shape,
            "\(op): transformed images differ in shape (\(first.shape) and \(image.shape))")
        data += image.pixels
    }
    return Tensor(shape: [images.count] + first.shape, data: data)
}
