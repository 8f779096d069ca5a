import NN
import Randomness
import ResNetModels

/// Exercise 08.2's reference solution (see `Lessons/Exercises/08-2-PlainTwin.swift`).
public func plainTwin(of net: ResNet) throws -> ResNet {
    var configuration = net.configuration
    configuration.residual = false
    var generator = SeededGenerator(seed: 0)  // every weight is overwritten next
    let twin = ResNet(configuration, generator: &generator)
    try twin.loadStateDict(net.stateDict())
    twin.train(net.training)
    return twin
}
