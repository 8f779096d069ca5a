import Checks
import TensorCore

/// Max pooling, as PyTorch's `nn.MaxPool2d`: kernel, stride and padding are (height, width)
/// pairs, or one Int for both.
///
/// - Input: [N, C, H, W]. Output: [N, C, Ho, Wo], Ho = (H + 2·padH − kernelH) / strideH + 1
///   (likewise Wo).
public final class MaxPool2d: Module {
    /// The window's (height, width).
    public let kernelSize: PoolPair
    /// The step between windows, (height, width).
    public let stride: PoolPair
    /// The implicit −∞ border on each side, (height, width).
    public let padding: PoolPair

    /// Max pooling with the window, stride and padding given as (height, width) pairs.
    ///
    /// Stops with a message unless kernel and stride are > 0 and 0 ≤ padding ≤ kernel / 2 on
    /// each axis.
    ///
    /// - Parameters:
    ///   - kernelSize: the window's (height, width).
    ///   - stride: the step between windows; nil means `kernelSize` (PyTorch's default).
    ///   - padding: implicit −∞ border, at most half the kernel on each axis.
    public init(kernelSize: PoolPair, stride: PoolPair? = nil, padding: PoolPair = (0, 0)) {
        let stride = stride ?? kernelSize
        checkPoolGeometry("MaxPool2d", kernelSize: kernelSize, stride: stride, padding: padding)
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        super.init()
    }

    /// Max pooling with a square window, the same stride and padding on both axes:
    /// `MaxPool2d(kernelSize: 3, stride: 2, padding: 1)`.
    ///
    /// - Parameters:
    ///   - kernelSize: the window's side.
    ///   - stride: the step between windows; nil means `kernelSize`.
    ///   - padding: implicit −∞ border, at most `kernelSize / 2`.
    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.init(
            kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) },
            padding: (padding, padding))
    }

    /// The maximum of each window (padding never wins).
    /// - Parameter x: [N, C, H, W].
    /// - Returns: [N, C, Ho, Wo], Ho = (H + 2·padH − kernelH) / strideH + 1 (likewise Wo).
    public override func forward(_ x: Tensor) -> Tensor {
        x.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// Average pooling, as PyTorch's `nn.AvgPool2d` (`count_include_pad` as `countIncludePad`).
///
/// - Input: [N, C, H, W]. Output: [N, C, Ho, Wo], sized as `MaxPool2d`'s.
public final class AvgPool2d: Module {
    /// The window's (height, width).
    public let kernelSize: PoolPair
    /// The step between windows, (height, width).
    public let stride: PoolPair
    /// The implicit zero border on each side, (height, width).
    public let padding: PoolPair
    /// Whether padded zeros count in each window's divisor.
    public let countIncludePad: Bool

    /// Average pooling with the window, stride and padding given as (height, width) pairs.
    ///
    /// Stops with a message unless kernel and stride are > 0 and 0 ≤ padding ≤ kernel / 2 on
    /// each axis.
    ///
    /// - Parameters:
    ///   - kernelSize: the window's (height, width).
    ///   - stride: the step between windows; nil means `kernelSize` (PyTorch's default).
    ///   - padding: implicit zero border, at most half the kernel on each axis.
    ///   - countIncludePad: whether padded zeros count in each window's divisor (PyTorch's
    ///     default: true); without them, only the window's real pixels do.
    public init(
        kernelSize: PoolPair, stride: PoolPair? = nil, padding: PoolPair = (0, 0),
        countIncludePad: Bool = true
    ) {
        let stride = stride ?? kernelSize
        checkPoolGeometry("AvgPool2d", kernelSize: kernelSize, stride: stride, padding: padding)
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.countIncludePad = countIncludePad
        super.init()
    }

    /// The mean of each window.
    /// - Parameter x: [N, C, H, W].
    /// - Returns: [N, C, Ho, Wo], Ho = (H + 2·padH − kernelH) / strideH + 1 (likewise Wo).
    public override func forward(_ x: Tensor) -> Tensor {
        x.avgPool2d(
            kernelSize: kernelSize, stride: stride, padding: padding,
            countIncludePad: countIncludePad)
    }
}

/// Adaptive average pooling to a square output, as PyTorch's `nn.AdaptiveAvgPool2d`.
/// `AdaptiveAvgPool2d(outputSize: 1)` is the global average pooling of a ResNet's head.
///
/// - Input: [N, C, H, W]. Output: [N, C, outputSize, outputSize].
public final class AdaptiveAvgPool2d: Module {
    /// The side of the square output.
    public let outputSize: Int

    /// Adaptive average pooling to `outputSize` × `outputSize`; stops with a message unless
    /// `outputSize` > 0.
    /// - Parameter outputSize: the side of the output (1 for global average pooling).
    public init(outputSize: Int) {
        checkArgument(
            outputSize > 0, "AdaptiveAvgPool2d: expected outputSize > 0, got \(outputSize)")
        self.outputSize = outputSize
        super.init()
    }

    /// Averages `x` over `outputSize` × `outputSize` bins that cover the image, whatever its
    /// size: output row i averages input rows ⌊i·H/outputSize⌋ ..< ⌈(i+1)·H/outputSize⌉
    /// (columns likewise).
    /// - Parameter x: [N, C, H, W].
    /// - Returns: [N, C, outputSize, outputSize].
    public override func forward(_ x: Tensor) -> Tensor {
        x.adaptiveAvgPool2d(outputSize)
    }
}

/// Merges dimensions `startDim...endDim` into one, as PyTorch's `nn.Flatten` (whose default
/// `startDim: 1` keeps the batch dimension).
///
/// - Input: [N, C, H, W]. Output: [N, C·H·W] with the defaults.
public final class Flatten: Module {
    /// The first dimension merged (negative counts from the end).
    public let startDim: Int
    /// The last dimension merged (negative counts from the end).
    public let endDim: Int

    /// A flatten of dimensions `startDim...endDim`; the defaults keep the batch dimension and
    /// merge the rest.
    ///
    /// - Parameters:
    ///   - startDim: the first dimension merged (negative counts from the end).
    ///   - endDim: the last dimension merged (negative counts from the end).
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    /// `x` with dimensions `startDim...endDim` merged into one; the elements keep their order.
    /// - Parameter x: any shape in which `startDim` does not come after `endDim`.
    /// - Returns: [N, C·H·W] for [N, C, H, W] with the defaults.
    public override func forward(_ x: Tensor) -> Tensor {
        x.flattened(startDim: startDim, endDim: endDim)
    }
}

/// Stops with a message naming `layer` unless kernel and stride are positive and
/// 0 ≤ padding ≤ kernel / 2 on each axis (PyTorch's rule for its pooling layers).
private func checkPoolGeometry(
    _ layer: String, kernelSize: PoolPair, stride: PoolPair, padding: PoolPair
) {
    checkArgument(
        kernelSize.height > 0 && kernelSize.width > 0 && stride.height > 0 && stride.width > 0
            && padding.height >= 0 && padding.width >= 0
            && padding.height <= kernelSize.height / 2 && padding.width <= kernelSize.width / 2,
        "\(layer): expected kernelSize and stride > 0 and 0 ≤ padding ≤ kernelSize / 2 on each "
            + "axis, got kernelSize \(kernelSize), stride \(stride), padding \(padding)")
}
