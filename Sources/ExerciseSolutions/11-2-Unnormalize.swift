import TensorCore

/// Exercise 11.2's reference solution (see `Lessons/Exercises/11-2-Unnormalize.swift`).
public func unnormalize(_ x: Tensor, mean: [Float], std: [Float]) throws -> Tensor {
    let channels = x.shape[1]
    let plane = x.shape[2] * x.shape[3]
    return Tensor(
        shape: x.shape,
        data: x.data.enumerated().map { index, value in
            let c = index / plane % channels
            return value * std[c] + mean[c]
        })
}
