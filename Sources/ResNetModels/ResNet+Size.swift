/// What a configuration will cost, worked out from the configuration alone, so that a model
/// too large for the machine is refused before anything is allocated (`resnet-lab` and the
/// trainer check it).
extension ResNet.Configuration {
    /// The sizes of a network, in elements (Float32: 4 bytes each).
    public struct Size: Sendable, Equatable {
        /// Learnable parameters: exactly what `ResNet(self).parameterCount` counts.
        public var parameters: Int
        /// Batch-norm buffers (running mean and variance, the step count): the rest of the
        /// state dict.
        public var buffers: Int
        /// The outputs of every layer for ONE image of the given size: what a training
        /// step keeps for its backward pass, per image, and a bound on what a forward pass
        /// holds at once. Counted as a Double, since absurd inputs overflow an Int.
        public var activationsPerImage: Double
        /// Channels × height × width of the largest single layer output, per image.
        public var largestActivation: Double
        /// Channels × height × width of one input image.
        public var inputPerImage: Double
    }

    /// The sizes for an input of `height` × `width` pixels.
    public func size(height: Int, width: Int) -> Size {
        var size = Size(
            parameters: 0, buffers: 0, activationsPerImage: 0, largestActivation: 0,
            inputPerImage: Double(inputChannels) * Double(height) * Double(width))
        var h = Double(height)
        var w = Double(width)
        func convolution(_ input: Int, _ output: Int, kernel: Int) {
            size.parameters += input * output * kernel * kernel
        }
        func norm(_ channels: Int) {
            size.parameters += 2 * channels
            size.buffers += 2 * channels + 1
        }
        /// `count` layer outputs of `channels` planes at the current size.
        func outputs(_ count: Int, _ channels: Int) {
            let elements = Double(channels) * h * w
            size.activationsPerImage += Double(count) * elements
            size.largestActivation = max(size.largestActivation, elements)
        }
        /// A 3x3 (padding 1) or 1x1 convolution with `stride` halves the size so.
        func stride(_ s: Int) {
            h = ((h - 1) / Double(s)).rounded(.down) + 1
            w = ((w - 1) / Double(s)).rounded(.down) + 1
        }

        let preActivation = block.isPreActivation
        let stem = stageWidths[0]
        switch self.stem {
        case .imagenet:
            convolution(inputChannels, stem, kernel: 7)
            h = ((h - 1) / 2).rounded(.down) + 1  // 7x7, stride 2, padding 3
            w = ((w - 1) / 2).rounded(.down) + 1
        case .cifar:
            convolution(inputChannels, stem, kernel: 3)
        }
        if !preActivation { norm(stem) }
        outputs(preActivation ? 1 : 3, stem)  // conv1, bn1, relu
        if self.stem == .imagenet {
            stride(2)  // 3x3 max pool, stride 2, padding 1
            outputs(1, stem)
        }

        var channels = stem
        for (stage, (width, blocks)) in zip(stageWidths, blocksPerStage).enumerated() {
            let out = width * block.expansion
            for index in 0..<blocks {
                let s = stage > 0 && index == 0 ? 2 : 1
                let changesShape = s != 1 || channels != out
                var projection = false
                if residual {
                    switch shortcut {
                    case .a: break
                    case .b: projection = changesShape
                    case .c: projection = true
                    }
                }
                switch block {
                case .basic:
                    convolution(channels, width, kernel: 3)
                    norm(width)
                    convolution(width, width, kernel: 3)
                    norm(width)
                    stride(s)
                    outputs(7, width)  // conv, bn, relu, conv, bn, add, relu
                case .bottleneck:
                    convolution(channels, width, kernel: 1)
                    norm(width)
                    convolution(width, width, kernel: 3)
                    norm(width)
                    convolution(width, out, kernel: 1)
                    norm(out)
                    outputs(3, width)  // before the stride, at most
                    stride(s)
                    outputs(3, width)
                    outputs(4, out)  // conv3, bn3, add, relu
                case .preActivationBasic:
                    norm(channels)
                    outputs(2, channels)  // bn1, relu at the input's size
                    convolution(channels, width, kernel: 3)
                    norm(width)
                    convolution(width, width, kernel: 3)
                    stride(s)
                    outputs(5, width)  // conv1, bn2, relu, conv2, add
                case .preActivationBottleneck:
                    norm(channels)
                    outputs(2, channels)  // bn1, relu at the input's size
                    convolution(channels, width, kernel: 1)
                    norm(width)
                    outputs(3, width)  // conv1, bn2, relu before the stride
                    convolution(width, width, kernel: 3)
                    norm(width)
                    convolution(width, out, kernel: 1)
                    stride(s)
                    outputs(3, width)  // conv2, bn3, relu
                    outputs(2, out)  // conv3, add
                }
                if projection {
                    convolution(channels, out, kernel: 1)
                    norm(out)
                    outputs(2, out)
                } else if residual && changesShape {
                    outputs(1, out)  // option A's strided, zero-padded input
                }
                channels = out
            }
        }
        if preActivation {
            norm(channels)
            outputs(2, channels)
        }
        size.parameters += channels * classes + classes
        size.activationsPerImage += Double(channels + classes)
        return size
    }
}

extension ResNet.Configuration.Size {
    /// An estimate of the model's bytes in a training run: the parameters, their gradients,
    /// `optimizerBuffers` buffers per parameter (1 for SGD with momentum, 2 for Adam), the
    /// copies the optimizer step and the checkpoint make, and the batch-norm buffers. The
    /// factors come from measurements of `resnet-lab train`'s peak resident memory, which
    /// this estimate exceeds by 4 to 83% (`Docs/TRAINING.md`, "Memory").
    public func modelBytes(optimizerBuffers: Int) -> Double {
        4 * (Double(parameters) * Double(4 + 2 * optimizerBuffers) + Double(buffers))
    }

    /// An estimate of the bytes the activations of a training step on `batch` images take:
    /// the input, what the backward pass keeps, the gradients it makes of them and the convolutions'
    /// scratch space; measured at 0.6 to 0.9 times the input and `activationsPerImage` × 4
    /// bytes for the ablation and CIFAR nets, so one time is used.
    public func activationBytes(batch: Int) -> Double {
        4 * Double(batch) * (inputPerImage + activationsPerImage)
    }

    /// An estimate of the bytes a forward pass of `batch` images with every layer's output
    /// kept (as `summary` does) takes, with the model.
    public func forwardBytes(batch: Int) -> Double {
        4 * (Double(parameters + buffers) + Double(batch) * (inputPerImage + activationsPerImage))
    }
}
