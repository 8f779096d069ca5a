import Kernels
import TensorCore

/// Max pooling over square windows, as PyTorch's `nn.MaxPool2d`.
///
/// - Input: [N, C, H, W]. Output: [N, C, Ho, Wo], Ho = (H + 2·padding − kernelSize) / stride
///   + 1 (likewise Wo).
public final class MaxPool2d: Module {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int

    /// - Parameters:
    ///   - kernelSize: the window's side.
    ///   - stride: the step between windows; nil means `kernelSize` (PyTorch's default).
    ///   - padding: implicit −∞ border on each side, at most `kernelSize / 2`.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        let stride = stride ?? kernelSize
        checkArgument(
            kernelSize > 0 && stride > 0 && padding >= 0 && padding <= kernelSize / 2,
            "MaxPool2d: expected kernelSize and stride > 0 and 0 ≤ padding ≤ kernelSize / 2, "
                + "got kernelSize \(kernelSize), stride \(stride), padding \(padding)")
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        super.init()
    }

    /// - x: [N, C, H, W]. Returns [N, C, Ho, Wo].
    public override func forward(_ x: Tensor) -> Tensor {
        x.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding)
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
