import TensorCore

/// Exercise 07.2's reference solution (see `Lessons/Exercises/07-2-PaddedCrop.swift`).
public func paddedCrop(_ image: Tensor, padding: Int, top: Int, left: Int) throws -> Tensor {
    let (channels, height, width) = (image.shape[0], image.shape[1], image.shape[2])
    var out = [Float](repeating: 0, count: image.count)
    for c in 0..<channels {
        for i in 0..<height {
            let row = i + top - padding
            guard row >= 0 && row < height else { continue }
            for j in 0..<width {
                let column = j + left - padding
                guard column >= 0 && column < width else { continue }
                out[(c * height + i) * width + j] = image.data[(c * height + row) * width + column]
            }
        }
    }
    return Tensor(shape: image.shape, data: out)
}
