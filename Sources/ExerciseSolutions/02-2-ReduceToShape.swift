import TensorCore

/// Exercise 02.2's reference solution (see `Lessons/Exercises/02-2-ReduceToShape.swift`).
public func reduceToShape(_ gradient: Tensor, _ shape: [Int]) throws -> Tensor {
    let full = gradient.shape
    // The target shape aligned from the right: missing leading axes have size 1.
    let aligned = Array(repeating: 1, count: full.count - shape.count) + shape
    var result = [Float](repeating: 0, count: aligned.reduce(1, *))
    var strides = [Int](repeating: 1, count: aligned.count)
    for axis in stride(from: aligned.count - 2, through: 0, by: -1) {
        strides[axis] = strides[axis + 1] * aligned[axis + 1]
    }
    var index = [Int](repeating: 0, count: full.count)
    for value in gradient.data {
        // Where this element lands: its index, with 0 on every axis of size 1.
        var target = 0
        for axis in 0..<full.count where aligned[axis] != 1 {
            target += index[axis] * strides[axis]
        }
        result[target] += value
        // The next index, row-major.
        var axis = full.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < full[axis] { break }
            index[axis] = 0
            axis -= 1
        }
    }
    return Tensor(shape: shape, data: result)
}
