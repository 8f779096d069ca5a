import Checks
import TensorCore

/// Max pooling, as PyTorch's `nn.MaxPool2d`: kernel, stride and padding are (height, width)
/// pairs, or one Int for both.
///
/// - Input: [N, C, H, W]. Output: [N, C, Ho, Wo], Ho = (H + 2·padH − kernelH) / strideH + 1
///   (likewise Wo).
public final class MaxPool2d: Module {
    public let kernelSize: PoolPair
    public let stride: PoolPair
    public let padding: PoolPair

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

    /// A square window: `MaxPool2d(kernelSize: 3, stride: 2, padding: 1)`.
    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.init(
            kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) },
            padding: (padding, padding))
    }

    /// - x: [N, C, H, W]. Returns [N, C, Ho, Wo].
    public override func forward(_ x: Tensor) -> Tensor {
        x.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// Average pooling, as PyTorch's `nn.AvgPool2d` (`count_include_pad` as `countIncludePad`).
///
/// - Input: [N, C, H, W]. Output: [N, C, Ho, Wo], sized as `MaxPool2d`'s.
public final class AvgPool2d: Module {
    public let kernelSize: PoolPair
    public let stride: PoolPair
    public let padding: PoolPair
    public let countIncludePad: Bool

    /// - Parameters: as `MaxPool2d`'s; `countIncludePad`: whether padded zeros count in
    ///   each window's divisor (PyTorch's default: true).
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

    /// - x: [N, C, H, W]. Returns [N, C, Ho, Wo].
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
    public let outputSize: Int

    /// - outputSize: the side of the output (1 for global average pooling).
    public init(outputSize: Int) {
        checkArgument(
            outputSize > 0, "AdaptiveAvgPool2d: expected outputSize > 0, got \(outputSize)")
        self.outputSize = outputSize
        super.init()
    }

    /// - x: [N, C, H, W]. Returns [N, C, outputSize, outputSize].
    public override func forward(_ x: Tensor) -> Tensor {
        x.adaptiveAvgPool2d(outputSize)
    }
}

/// Merges dimensions `startDim...endDim` into one, as PyTorch's `nn.Flatten` (whose default
/// `startDim: 1` keeps the batch dimension).
///
/// - Input: [N, C, H, W]. Output: [N, C·H·W] with the defaults.
public final class Flatten: Module {
    public let startDim: Int
    public let endDim: Int

    /// - Parameters:
    ///   - startDim: the first dimension merged (negative counts from the end).
    ///   - endDim: the last dimension merged (negative counts from the end).
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    /// - x: [N, C, H, W]. Returns [N, C·H·W] with the defaults.
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
