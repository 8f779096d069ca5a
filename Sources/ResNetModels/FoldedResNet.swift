import Kernels
import NN
import Randomness
import TensorCore

/// A trained ResNet prepared for fast forward-only evaluation: every batch norm folded into
/// the convolution before it, nothing recorded for autograd.
///
/// In eval mode a batch norm is an affine map per channel, y = s·z + t with
/// s = γ/√(runningVar + eps) and t = β − s·runningMean, and it follows a convolution z = w∗x
/// (+ b). The two make one convolution with weights s·w and bias s·b + t, so each
/// conv → batch norm pair costs one pass over the activations instead of two. The results
/// equal `model.eval()` then `model(x)` up to Float rounding (tests hold them within 1e-4).
///
/// Blocks can be observed (their outputs, for response statistics) and deleted one at a time
/// (a lesion, Veit et al. 2016): a deleted block passes its input through its shortcut, or,
/// in a plain net, through the parameter-free mapping of option A (identity, or stride-2
/// subsampling and zero channels where the shape changes).
///
/// Supports basic and bottleneck blocks with every shortcut option, both stems, and a `fc`
/// that is a `Linear` or `Identity`; pre-activation networks (whose batch norms come before
/// their convolutions) are not folded: `init` returns nil.
///
/// The folded copy does not follow later changes to the model's weights: fold again.
/// Lesson 08 scores lesions and loss landscapes with it.
public struct FoldedResNet: Sendable {
    /// A convolution with its batch norm folded in: `conv2d(x, weight, bias)`.
    public struct Conv: Sendable {
        /// The convolution's weight scaled per filter by s = γ/√(runningVar + eps):
        /// [K, C, R, R].
        public let weight: Tensor
        /// s·(b − runningMean) + β, with b the convolution's bias (0 when it has none): [K].
        public let bias: Tensor
        /// The convolution's stride.
        public let stride: Int
        /// The convolution's padding.
        public let padding: Int
        /// `weight` made ready once for the forward kernel (transformed for Winograd where the
        /// layer takes it), so that a net scored slice after slice does not transform its
        /// weights again for every slice.
        public let prepared: Conv2dForwardWeights

        /// Folds `norm` (with its running statistics) into `conv`.
        ///
        /// The two are copied: later changes to either do not reach the folded convolution.
        /// - Parameters:
        ///   - conv: the convolution, [K, C, R, R].
        ///   - norm: the batch norm that follows it, over K channels.
        public init(_ conv: Conv2d, _ norm: BatchNorm2d) {
            let channels = conv.outputChannels
            let perFilter = conv.weight.count / channels
            var weight = conv.weight.data
            var bias = [Float](repeating: 0, count: channels)
            for k in 0..<channels {
                let scale =
                    norm.weight.data[k] / (norm.runningVar.data[k] + norm.eps).squareRoot()
                for i in k * perFilter..<(k + 1) * perFilter { weight[i] *= scale }
                let convBias = conv.bias?.data[k] ?? 0
                bias[k] = norm.bias.data[k] + scale * (convBias - norm.runningMean.data[k])
            }
            self.weight = Tensor(shape: conv.weight.shape, data: weight)
            self.bias = Tensor(shape: [channels], data: bias)
            stride = conv.stride
            padding = conv.padding
            prepared = weight.withUnsafeBufferPointer {
                Conv2dForwardWeights(
                    $0.baseAddress!, outChannels: channels, inChannels: conv.inputChannels,
                    kernelSize: conv.kernelSize, stride: conv.stride, padding: conv.padding)
            }
        }

        /// The convolution, then `residual` added and a ReLU when asked, in one pass
        /// (`conv2dInference`: the numbers of the separate operations, no autograd).
        ///
        /// - Parameters:
        ///   - x: [N, C, H, W].
        ///   - residual: [N, K, Ho, Wo] added after the bias, or nil.
        ///   - relu: whether negative results become 0 (after the addition).
        /// - Returns: [N, K, Ho, Wo], Ho = (H + 2·padding − R) / stride + 1 (likewise Wo).
        public func callAsFunction(_ x: Tensor, adding residual: Tensor? = nil, relu: Bool = false)
            -> Tensor
        {
            conv2dInference(
                x, weight: weight, bias: bias, stride: stride, padding: padding,
                adding: residual, relu: relu, prepared: prepared)
        }
    }

    /// How a folded block carries its input to the addition.
    public enum Path: Sendable {
        /// The input itself: the shape is kept.
        case identity
        /// Option A: subsample by `stride`, then zero channels before and after.
        case zeroPadding(stride: Int, before: Int, after: Int)
        /// Options B and C: a folded 1x1 convolution.
        case projection(Conv)

        /// The path applied to a block's input.
        /// - Parameter x: [N, inputChannels, H, W].
        /// - Returns: [N, outputChannels, ⌈H/stride⌉, ⌈W/stride⌉].
        public func callAsFunction(_ x: Tensor) -> Tensor {
            switch self {
            case .identity: x
            case .zeroPadding(let stride, let before, let after):
                Shortcut.zeroPadding(stride: stride, before: before, after: after)(x)
            case .projection(let conv): conv(x)
            }
        }
    }

    /// One block: its branch (2 convolutions for a basic block, 3 for a bottleneck, a ReLU
    /// after each but the last), its shortcut (nil in a plain net) and what replaces the
    /// block when it is deleted.
    public struct Block: Sendable {
        /// The folded convolutions of the residual branch, in order.
        public let branch: [Conv]
        /// What is added to the branch's output; nil in a plain net.
        public let shortcut: Path?
        /// The mapping a deleted block leaves: its shortcut, or option A in a plain net.
        public let bypass: Path

        /// relu(branch(x) + shortcut(x)), or relu(branch(x)) in a plain net. Each ReLU, and
        /// the addition, is done by the convolution before it, in the same pass.
        /// - Parameter x: [N, inputChannels, H, W], the block's input.
        /// - Returns: [N, outputChannels, ⌈H/stride⌉, ⌈W/stride⌉].
        public func callAsFunction(_ x: Tensor) -> Tensor {
            let skip = shortcut?(x)
            var out = x
            for (index, conv) in branch.enumerated() {
                out = conv(out, adding: index == branch.count - 1 ? skip : nil, relu: true)
            }
            return out
        }
    }

    /// The stem's convolution with `bn1` folded in; its ReLU runs in the same pass.
    public let stem: Conv
    /// The ImageNet stem's max pool (kernel, stride, padding), nil for the CIFAR stem.
    public let maxPool: (kernel: PoolPair, stride: PoolPair, padding: PoolPair)?
    /// Every block, stage by stage (the order of `ResNet.blocks`).
    public let blocks: [Block]
    /// The classifier's weight [classes, features] and bias, nil when `fc` is `Identity`.
    public let classifier: (weight: Tensor, bias: Tensor?)?

    /// Folds `model`'s current weights and running statistics; nil for a model it cannot
    /// fold (pre-activation blocks, a `fc` other than `Linear` or `Identity`).
    public init?(_ model: ResNet) {
        guard let bn1 = model.bn1, model.bn == nil else { return nil }
        if let linear = model.fc as? Linear {
            classifier = (linear.weight, linear.bias)
        } else if model.fc is Identity {
            classifier = nil
        } else {
            return nil
        }
        stem = Conv(model.conv1, bn1)
        maxPool = model.maxpool.map { ($0.kernelSize, $0.stride, $0.padding) }
        var blocks: [Block] = []
        for block in model.blocks {
            let branch: [Conv]
            if let basic = block as? BasicBlock {
                branch = [Conv(basic.conv1, basic.bn1), Conv(basic.conv2, basic.bn2)]
            } else if let bottleneck = block as? Bottleneck {
                branch = [
                    Conv(bottleneck.conv1, bottleneck.bn1), Conv(bottleneck.conv2, bottleneck.bn2),
                    Conv(bottleneck.conv3, bottleneck.bn3),
                ]
            } else {
                return nil
            }
            let shortcut = block.shortcut.map(Self.path)
            // Option A draws no weights, so any generator will do.
            var unused = SeededGenerator(seed: 0)
            let optionA = Shortcut.make(
                option: .a, inputChannels: block.inputChannels,
                outputChannels: block.outputChannels, stride: block.stride, residual: true,
                block: "FoldedResNet", generator: &unused
            ).map(Self.path)
            blocks.append(Block(branch: branch, shortcut: shortcut, bypass: shortcut ?? optionA!))
        }
        self.blocks = blocks
    }

    private static func path(_ shortcut: Shortcut) -> Path {
        switch shortcut {
        case .identity: return .identity
        case .zeroPadding(let stride, let before, let after):
            return .zeroPadding(stride: stride, before: before, after: after)
        case .projection(let downsample):
            // torchvision's downsample: a 1x1 convolution ("0") and a batch norm ("1").
            return .projection(
                Conv(downsample.modules[0] as! Conv2d, downsample.modules[1] as! BatchNorm2d))
        }
    }

    /// The network's output for `x`, without recording anything for autograd.
    ///
    /// - Parameters:
    ///   - x: [N, inputChannels, H, W].
    ///   - deleting: the index (into `blocks`) of a block to replace by its bypass; nil: none.
    ///   - observe: called with each block's index and output, in order.
    /// - Returns: [N, classes] logits (or [N, features] when `fc` is `Identity`).
    public func callAsFunction(
        _ x: Tensor, deleting: Int? = nil, observe: ((Int, Tensor) -> Void)? = nil
    ) -> Tensor {
        Tensor.withoutGrad {
            var out = stemOutput(x)
            for (index, block) in blocks.enumerated() {
                out = index == deleting ? block.bypass(out) : block(out)
                observe?(index, out)
            }
            return head(out)
        }
    }

    /// The stem: its folded convolution and ReLU, then the max pool where there is one. The
    /// first block's input; `callAsFunction` is `head` of the blocks applied to this.
    ///
    /// - Parameter x: [N, inputChannels, H, W].
    /// - Returns: [N, C, H', W']: C the stem's channels; H' = H for the CIFAR stem, about H/4
    ///   for the ImageNet one (its stride-2 convolution, then its stride-2 pool).
    public func stemOutput(_ x: Tensor) -> Tensor {
        Tensor.withoutGrad {
            let out = stem(x, relu: true)
            guard let maxPool else { return out }
            return out.maxPool2d(
                kernelSize: maxPool.kernel, stride: maxPool.stride, padding: maxPool.padding)
        }
    }

    /// The head: global average pooling, then the classifier where there is one.
    ///
    /// - Parameter features: [N, C, H, W], the last block's output.
    /// - Returns: [N, classes] logits, or [N, C] when `fc` is `Identity`.
    public func head(_ features: Tensor) -> Tensor {
        Tensor.withoutGrad {
            let pooled = features.globalAveragePool().flattened(startDim: 1)
            guard let classifier else { return pooled }
            return linear(pooled, weight: classifier.weight, bias: classifier.bias)
        }
    }
}
