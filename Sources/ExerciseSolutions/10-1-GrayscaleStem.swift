import TensorCore

/// Exercise 10.1's reference solution (see `Lessons/Exercises/10-1-GrayscaleStem.swift`).
public func grayscaleFilters(_ rgb: Tensor) throws -> Tensor {
    let (k, c, r, s) = (rgb.shape[0], rgb.shape[1], rgb.shape[2], rgb.shape[3])
    let plane = r * s
    var out = [Float](repeating: 0, count: k * plane)
    for filter in 0..<k {
        for channel in 0..<c {
            for i in 0..<plane {
                out[filter * plane + i] += rgb.data[(filter * c + channel) * plane + i]
            }
        }
    }
    return Tensor(shape: [k, 1, r, s], data: out)
}
