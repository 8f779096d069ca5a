import NN
import Randomness
import ResNetModels

/// Exercise 09.2's reference solution (see `Lessons/Exercises/09-2-NewHead.swift`).
public func replaceHead(of net: ResNet, classes: Int, generator: inout SeededGenerator) throws {
    net.fc = Linear(
        inputFeatures: net.featureCount, outputFeatures: classes, generator: &generator)
}
