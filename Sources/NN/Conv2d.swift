import Checks
import Randomness
import TensorCore

/// A 2-D convolution layer, as PyTorch's `nn.Conv2d` (square kernel, same stride and padding
/// on both axes, no groups or dilation).
///
/// - Parameters (PyTorch names):
///   - `weight`: [K, C, R, R] (out channels, in channels, kernel height, kernel width).
///   - `bias`: [K], or absent (`bias: false`, the usual choice before batch norm).
/// - Input: [N, C, H, W]. Output: [N, K, Ho, Wo] with Ho = (H + 2·padding − R) / stride + 1
///   (likewise Wo).
///
/// Initialised as PyTorch does: `kaiming_uniform_(a: √5)` on the weight, which is
/// U(−1/√fanIn, 1/√fanIn) with fanIn = C·R·R, and the same range for the bias. ResNets
/// replace the weight's initialisation with `Init.kaimingNormal(_:mode: .fanOut, ...)`.
/// Lesson 02 builds the convolution itself.
public final class Conv2d: Module {
    /// C, the channels of the input.
    public let inputChannels: Int
    /// K, the number of filters and so the channels of the output.
    public let outputChannels: Int
    /// R, the side of the square kernel.
    public let kernelSize: Int
    /// The step between output pixels, on both axes (2 halves the image).
    public let stride: Int
    /// The zeros added on every side of the input, on both axes.
    public let padding: Int

    /// Trained: [K, C, R, R].
    public let weight: Tensor
    /// Trained: [K], or nil.
    public let bias: Tensor?

    /// A convolution with its weight, and bias if asked, drawn as PyTorch draws them:
    /// U(−1/√(C·R·R), 1/√(C·R·R)).
    ///
    /// Stops with a message unless the channels, kernel size and stride are > 0 and the
    /// padding ≥ 0.
    ///
    /// - Parameters:
    ///   - inputChannels: C.
    ///   - outputChannels: K, the number of filters.
    ///   - kernelSize: R, the side of the square kernel.
    ///   - stride: the step between output pixels.
    ///   - padding: zeros added on every side.
    ///   - bias: whether the layer has a bias.
    ///   - generator: draws the initial weights (weight first, then bias).
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
        padding: Int = 0, bias: Bool = true, generator: inout SeededGenerator
    ) {
        checkArgument(
            inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0
                && padding >= 0,
            "Conv2d: expected inputChannels, outputChannels, kernelSize and stride > 0 and "
                + "padding ≥ 0, got inputChannels \(inputChannels), outputChannels "
                + "\(outputChannels), kernelSize \(kernelSize), stride \(stride), padding "
                + "\(padding)")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let shape = [outputChannels, inputChannels, kernelSize, kernelSize]
        let bound = 1 / Float(inputChannels * kernelSize * kernelSize).squareRoot()
        weight = Tensor.uniform(
            shape, low: -bound, high: bound, generator: &generator, requiresGrad: true)
        self.bias =
            bias
            ? Tensor.uniform(
                [outputChannels], low: -bound, high: bound, generator: &generator,
                requiresGrad: true)
            : nil
        super.init()
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// Convolves `x` with the layer's filters and adds the bias, if there is one.
    /// - Parameter x: [N, C, H, W].
    /// - Returns: [N, K, Ho, Wo], Ho = (H + 2·padding − R) / stride + 1 (likewise Wo).
    public override func forward(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
