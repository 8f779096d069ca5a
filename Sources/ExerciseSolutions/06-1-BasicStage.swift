import NN
import Randomness
import ResNetModels

/// Exercise 06.1's reference solution (see `Lessons/Exercises/06-1-BasicStage.swift`).
public func makeBasicStage(
    inputChannels: Int, channels: Int, blocks: Int, stride: Int,
    generator: inout SeededGenerator
) throws -> Sequential {
    var modules: [Module] = []
    for index in 0..<blocks {
        modules.append(
            BasicBlock(
                inputChannels: index == 0 ? inputChannels : channels, channels: channels,
                stride: index == 0 ? stride : 1, shortcut: .b, generator: &generator))
    }
    return Sequential(modules)
}
