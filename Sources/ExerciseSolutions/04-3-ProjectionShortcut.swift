import NN
import Randomness

/// Exercise 04.3's reference solution (see `Lessons/Exercises/04-3-ProjectionShortcut.swift`).
public func projectionShortcut(
    inputChannels: Int, outputChannels: Int, stride: Int, generator: inout SeededGenerator
) throws -> Sequential {
    Sequential([
        Conv2d(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 1,
            stride: stride, bias: false, generator: &generator),
        BatchNorm2d(outputChannels),
    ])
}
