import ScalarAutograd

/// Exercise 01.2's reference solution (see `Lessons/Exercises/01-2-Backpropagate.swift`).
public func backpropagate(from output: Value) throws {
    // This call's gradients, kept apart from what earlier calls left in the leaves.
    var pass: [ObjectIdentifier: Double] = [ObjectIdentifier(output): 1]
    for value in output.topologicalOrder().reversed() {
        let upstream = pass[ObjectIdentifier(value), default: 0]
        for (input, local) in zip(value.inputs, value.localGradients) {
            pass[ObjectIdentifier(input), default: 0] += local * upstream
        }
        if value.isLeaf { value.grad += upstream } else { value.grad = upstream }
    }
}
