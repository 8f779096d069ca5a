import NN

/// Exercise 09.1's reference solution (see `Lessons/Exercises/09-1-FreezeAllBut.swift`).
public func freezeAllBut(_ model: Module, trainable: [String]) throws {
    for (name, parameter) in model.namedParameters() {
        parameter.requiresGrad = trainable.contains { name.hasPrefix($0 + ".") }
    }
}
