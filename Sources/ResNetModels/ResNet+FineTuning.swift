import Checks
import NN
import Randomness
import TensorCore

// Reusing a trained ResNet for something else (lessons 09 and 10): a new head for a new
// number of classes, and three ways to feed a 3-channel network grayscale images.

extension ResNet {
    /// Replaces the classifier `fc` by a new `Linear` from the pooled features to `classes`
    /// outputs, initialised as PyTorch initialises one. The rest keeps its weights; `fc`'s
    /// parameters are new and trainable.
    public func replaceClassifier(classes: Int, generator: inout SeededGenerator) {
        checkArgument(classes >= 1, "ResNet.replaceClassifier: classes must be ≥ 1, got \(classes)")
        fc = Linear(
            inputFeatures: configuration.featureCount, outputFeatures: classes,
            generator: &generator)
    }

    /// How `grayscaleStem` turns the stem's RGB filters into one-channel ones.
    public enum GrayscalePort: Sendable {
        /// The sum of the three channels' filters: on a gray image repeated three times the
        /// new stem gives exactly what the old one gave (option 1 of lesson 10, folded in).
        case sum
        /// Luminance weights, 0.2989·R + 0.5870·G + 0.1140·B: the filter that responds to a
        /// gray image as the old one responds to the color image that has that luminance.
        case luminance
    }

    // listing: grayscale-stem
    /// Replaces `conv1` by a one-channel convolution with the same geometry, its filters
    /// ported from the RGB ones by `port`. Needs a 3-channel stem.
    public func grayscaleStem(_ port: GrayscalePort) {
        let old = conv1
        checkArgument(
            old.inputChannels == 3,
            "ResNet.grayscaleStem: the stem has \(old.inputChannels) input channels; it ports "
                + "3-channel (RGB) filters")
        let mix: [Float] = port == .sum ? [1, 1, 1] : [0.2989, 0.5870, 0.1140]
        var generator = SeededGenerator(seed: 0)  // every weight is overwritten below
        let new = Conv2d(
            inputChannels: 1, outputChannels: old.outputChannels, kernelSize: old.kernelSize,
            stride: old.stride, padding: old.padding, bias: old.bias != nil,
            generator: &generator)
        let taps = old.kernelSize * old.kernelSize
        let rgb = old.weight.data
        new.weight.data = (0..<old.outputChannels * taps).map { index in
            let (k, tap) = index.quotientAndRemainder(dividingBy: taps)
            return (0..<3).reduce(Float(0)) { $0 + mix[$1] * rgb[(k * 3 + $1) * taps + tap] }
        }
        if let bias = old.bias, let newBias = new.bias { newBias.data = bias.data }
        conv1 = new
    }
    // listing-end: grayscale-stem
}

/// A learnable 1 → 3 channel 1×1 convolution in front of an RGB network, initialised to 1/3
/// per channel (the average of a repeated gray image is that image): option 3 of lesson 10.
/// Its three weights train with the rest, letting the network find its own color mix.
///
/// - Input: [N, 1, H, W]. Output: [N, 3, H, W].
public final class GrayscaleAdapter: Module {
    /// The 1x1 convolution, 1 → 3 channels, no bias: weight [3, 1, 1, 1].
    public let conv: Conv2d

    /// An adapter whose three weights are 1/3 each (it draws nothing at random).
    public override init() {
        var generator = SeededGenerator(seed: 0)  // overwritten below
        conv = Conv2d(
            inputChannels: 1, outputChannels: 3, kernelSize: 1, bias: false,
            generator: &generator)
        conv.weight.data = [1.0 / 3, 1.0 / 3, 1.0 / 3]
        super.init()
    }

    /// The one child, `conv`.
    public override var children: [(name: String, module: Module)] { [("conv", conv)] }

    /// Mixes the gray channel into three.
    /// - Parameter x: [N, 1, H, W].
    /// - Returns: [N, 3, H, W], each channel `conv`'s weight for it times `x`.
    public override func forward(_ x: Tensor) -> Tensor { conv(x) }
}
