import Checks
import NN
import Randomness
import TensorCore

/// The path that carries a block's input x around its residual branch F to the addition
/// `F(x) + shortcut(x)` (He et al. 2015, equations 1 and 2).
///
/// A block without a shortcut (a plain network, `residual: false`) holds `nil`: there is no
/// dummy layer. Only `.projection` owns a module, which the block registers under
/// torchvision's name `downsample`, so state dicts match torchvision's.
public enum Shortcut {
    /// y = x: input and output shapes agree.
    case identity
    /// Option A, no parameters: `x[:, :, ::stride, ::stride]`, then `before` zero channels
    /// ahead of the input's channels and `after` behind them (`before` is half the extra
    /// channels, rounded down, as `bench/torch_ablation.py`).
    case zeroPadding(stride: Int, before: Int, after: Int)
    /// Option B or C: `downsample`, a `Sequential` of a 1x1 convolution with the block's
    /// stride ("0") and a batch norm ("1").
    case projection(Sequential)

    /// Which of the three kinds this is.
    public var kind: ShortcutKind {
        switch self {
        case .identity: .identity
        case .zeroPadding: .zeroPadding
        case .projection: .projection
        }
    }

    /// The projection module (torchvision's `downsample`), or nil for the parameter-free kinds.
    public var downsample: Sequential? {
        if case .projection(let module) = self { module } else { nil }
    }

    /// Applies the shortcut.
    /// - x: [N, C, H, W], the block's input. Returns [N, C', H', W'], the block's output shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .identity:
            x
        case .zeroPadding(let stride, let before, let after):
            (stride > 1 ? x.subsample(stride: stride) : x).padChannels(before: before, after: after)
        case .projection(let downsample):
            downsample(x)
        }
    }

    /// The shortcut a block needs under `option`, or nil for a plain block.
    ///
    /// - Parameters:
    ///   - option: A, B or C (see `ShortcutOption`).
    ///   - inputChannels: the block's input channels.
    ///   - outputChannels: the block's output channels (`channels × expansion`).
    ///   - stride: the block's stride.
    ///   - residual: false for a plain block, which gets no shortcut at all.
    ///   - block: the block's type name, for error messages.
    ///   - generator: draws the projection's weights (Kaiming normal, fan out).
    public static func make(
        option: ShortcutOption, inputChannels: Int, outputChannels: Int, stride: Int,
        residual: Bool, block: String, generator: inout SeededGenerator
    ) -> Shortcut? {
        // listing: shortcut-options
        guard residual else { return nil }
        let changesShape = stride != 1 || inputChannels != outputChannels
        switch option {
        case .a where changesShape:
            checkArgument(
                outputChannels >= inputChannels,
                "\(block): shortcut option A zero-pads channels, so outputChannels "
                    + "(\(outputChannels)) must be ≥ inputChannels (\(inputChannels)); use "
                    + "option B to shrink channels")
            let extra = outputChannels - inputChannels
            return .zeroPadding(stride: stride, before: extra / 2, after: extra - extra / 2)
        case .b where changesShape, .c:
            return .projection(
                Sequential(
                    conv1x1(
                        inputChannels: inputChannels, outputChannels: outputChannels,
                        stride: stride, generator: &generator),
                    BatchNorm2d(outputChannels)))
        case .a, .b:
            return .identity
        }
        // listing-end: shortcut-options
    }
}
