import NN
import Randomness

// The two convolutions every ResNet block is made of, as torchvision's `conv3x3` and
// `conv1x1`: no bias (the batch norm that follows has its own β, so a bias would be
// redundant) and He et al.'s initialisation, Kaiming normal with fan out
// (std = √(2 / (outputChannels·k·k))), as torchvision's ResNet applies to every convolution.

// listing: conv3x3
/// A 3x3 convolution with padding 1 and no bias, Kaiming-normal initialised (fan out).
/// - Input: [N, inputChannels, H, W]. Output: [N, outputChannels, ⌈H/stride⌉, ⌈W/stride⌉].
public func conv3x3(
    inputChannels: Int, outputChannels: Int, stride: Int = 1, generator: inout SeededGenerator
) -> Conv2d {
    heInitialized(
        Conv2d(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 3,
            stride: stride, padding: 1, bias: false, generator: &generator),
        generator: &generator)
}
// listing-end: conv3x3

/// A 1x1 convolution with no bias, Kaiming-normal initialised (fan out): a per-pixel linear
/// map of the channels (bottleneck reduce/expand, projection shortcut).
/// - Input: [N, inputChannels, H, W]. Output: [N, outputChannels, ⌈H/stride⌉, ⌈W/stride⌉].
public func conv1x1(
    inputChannels: Int, outputChannels: Int, stride: Int = 1, generator: inout SeededGenerator
) -> Conv2d {
    heInitialized(
        Conv2d(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 1,
            stride: stride, padding: 0, bias: false, generator: &generator),
        generator: &generator)
}

// listing: kaiming-fan-out
/// Redraws a convolution's weight as torchvision's ResNet does:
/// `kaiming_normal_(mode="fan_out", nonlinearity="relu")`.
func heInitialized(_ conv: Conv2d, generator: inout SeededGenerator) -> Conv2d {
    Init.kaimingNormal(conv.weight, mode: .fanOut, nonlinearity: .relu, generator: &generator)
    return conv
}
// listing-end: kaiming-fan-out
