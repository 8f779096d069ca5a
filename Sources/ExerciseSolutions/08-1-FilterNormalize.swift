import TensorCore

/// Exercise 08.1's reference solution (see `Lessons/Exercises/08-1-FilterNormalize.swift`).
public func filterNormalized(_ direction: Tensor, like weight: Tensor) throws -> Tensor {
    guard weight.shape.count >= 2 else {
        return Tensor(shape: weight.shape, data: [Float](repeating: 0, count: weight.count))
    }
    let filters = weight.shape[0]
    let size = weight.count / filters
    var d = direction.data
    for f in 0..<filters {
        let range = (f * size)..<((f + 1) * size)
        let weightNorm = weight.data[range].reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        let directionNorm = d[range].reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        let scale = directionNorm > 0 ? Float(weightNorm / directionNorm) : 0
        for i in range { d[i] *= scale }
    }
    return Tensor(shape: weight.shape, data: d)
}
