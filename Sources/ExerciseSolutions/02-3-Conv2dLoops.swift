import TensorCore

/// Exercise 02.3's reference solution (see `Lessons/Exercises/02-3-Conv2dLoops.swift`).
public func conv2dLoops(
    _ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int
) throws -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (k, r, s) = (weight.shape[0], weight.shape[2], weight.shape[3])
    let outHeight = (h + 2 * padding - r) / stride + 1
    let outWidth = (w + 2 * padding - s) / stride + 1
    var out = [Float](repeating: 0, count: n * k * outHeight * outWidth)
    for image in 0..<n {
        for filter in 0..<k {
            for i in 0..<outHeight {
                for j in 0..<outWidth {
                    var sum = bias?.data[filter] ?? 0
                    for channel in 0..<c {
                        for dy in 0..<r {
                            let row = i * stride + dy - padding
                            guard row >= 0 && row < h else { continue }
                            for dx in 0..<s {
                                let column = j * stride + dx - padding
                                guard column >= 0 && column < w else { continue }
                                sum +=
                                    x.data[((image * c + channel) * h + row) * w + column]
                                    * weight.data[((filter * c + channel) * r + dy) * s + dx]
                            }
                        }
                    }
                    out[((image * k + filter) * outHeight + i) * outWidth + j] = sum
                }
            }
        }
    }
    return Tensor(shape: [n, k, outHeight, outWidth], data: out)
}
