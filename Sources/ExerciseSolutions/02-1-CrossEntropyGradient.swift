import Foundation
import TensorCore

/// Exercise 02.1's reference solution (see `Lessons/Exercises/02-1-CrossEntropyGradient.swift`).
public func crossEntropyGradient(logits: Tensor, targets: [Int]) throws -> Tensor {
    let (samples, classes) = (logits.shape[0], logits.shape[1])
    var gradient = [Float](repeating: 0, count: samples * classes)
    for n in 0..<samples {
        let row = Array(logits.data[(n * classes)..<((n + 1) * classes)])
        let largest = row.max() ?? 0
        let exponentials = row.map { Foundation.exp(Double($0 - largest)) }
        let total = exponentials.reduce(0, +)
        for k in 0..<classes {
            let probability = exponentials[k] / total
            let target: Double = k == targets[n] ? 1 : 0
            gradient[n * classes + k] = Float((probability - target) / Double(samples))
        }
    }
    return Tensor(shape: logits.shape, data: gradient)
}
