/// Exercise 07.3's reference solution (see `Lessons/Exercises/07-3-SGDStep.swift`).
public func sgdStep(
    parameter: inout [Float], gradient: [Float], velocity: inout [Float]?,
    learningRate: Float, momentum: Float, weightDecay: Float
) throws {
    var step = zip(gradient, parameter).map { $0 + weightDecay * $1 }
    if momentum != 0 {
        if let old = velocity {
            step = zip(old, step).map { momentum * $0 + $1 }
        }
        velocity = step
    }
    for index in parameter.indices { parameter[index] -= learningRate * step[index] }
}
