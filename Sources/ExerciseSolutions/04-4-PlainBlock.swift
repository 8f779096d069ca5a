import NN
import Randomness

/// Exercise 04.4's reference solution (see `Lessons/Exercises/04-4-PlainBlock.swift`).
public func makePlainBlock(
    inputChannels: Int, channels: Int, stride: Int, generator: inout SeededGenerator
) throws -> Module {
    Sequential(
        Conv2d(
            inputChannels: inputChannels, outputChannels: channels, kernelSize: 3,
            stride: stride, padding: 1, bias: false, generator: &generator),
        BatchNorm2d(channels),
        ReLU(),
        Conv2d(
            inputChannels: channels, outputChannels: channels, kernelSize: 3, padding: 1,
            bias: false, generator: &generator),
        BatchNorm2d(channels),
        ReLU())
}
