import TensorCore

/// Exercise 10.2's reference solution (see `Lessons/Exercises/10-2-RepeatChannels.swift`).
public func repeatToRGB(_ gray: Tensor) throws -> Tensor {
    let (n, plane) = (gray.shape[0], gray.shape[2] * gray.shape[3])
    var out: [Float] = []
    out.reserveCapacity(3 * gray.data.count)
    for image in 0..<n {
        let pixels = gray.data[image * plane..<(image + 1) * plane]
        for _ in 0..<3 { out.append(contentsOf: pixels) }
    }
    return Tensor(shape: [n, 3, gray.shape[2], gray.shape[3]], data: out)
}

/// Exercise 10.2's reference solution, the backward: each gray pixel gathers its three copies'.
public func repeatToRGBBackward(_ upstream: Tensor) throws -> Tensor {
    let (n, plane) = (upstream.shape[0], upstream.shape[2] * upstream.shape[3])
    var out = [Float](repeating: 0, count: n * plane)
    for image in 0..<n {
        for channel in 0..<3 {
            let start = (image * 3 + channel) * plane
            for pixel in 0..<plane { out[image * plane + pixel] += upstream.data[start + pixel] }
        }
    }
    return Tensor(shape: [n, 1, upstream.shape[2], upstream.shape[3]], data: out)
}
