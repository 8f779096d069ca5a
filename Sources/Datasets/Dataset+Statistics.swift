import Checks
import Kernels
import Randomness

extension Dataset {
    /// The mean and standard deviation of each channel over every pixel of every image, in
    /// Float32 [0, 1] units: the numbers for `Transform.normalize` (compute them on the
    /// training set only, then use them for every split).
    ///
    /// The standard deviation is the population one (divide by the number of pixels); with
    /// millions of pixels it agrees with PyTorch's default `std()` (divide by count − 1) to
    /// every printed digit. Sums run in Double in a fixed order, so the result is reproducible.
    /// Byte data sets are counted through a 256-bin histogram per channel, which is exact.
    ///
    /// - Returns: `mean` and `std`, one entry per channel (`[0.2860]`, `[0.3530]` for
    ///   Fashion-MNIST's training set).
    public func channelStatistics() -> (mean: [Float], std: [Float]) {
        let planeSize = height * width
        var mean = [Float](repeating: 0, count: channels)
        var std = [Float](repeating: 0, count: channels)
        let pixelsPerChannel = Double(count * planeSize)
        guard pixelsPerChannel > 0 else { return (mean, std) }
        switch storage {
        case .bytes(let bytes):
            for c in 0..<channels {
                var histogram = [Int](repeating: 0, count: 256)
                bytes.withUnsafeBufferPointer { pixels in
                    for n in 0..<count {
                        let start = (n * channels + c) * planeSize
                        for i in start..<(start + planeSize) { histogram[Int(pixels[i])] += 1 }
                    }
                }
                var sum = 0.0
                for value in 0..<256 {
                    sum += Double(histogram[value]) * Double(byteToUnitFloat[value])
                }
                let m = sum / pixelsPerChannel
                var squares = 0.0
                for value in 0..<256 {
                    let d = Double(byteToUnitFloat[value]) - m
                    squares += Double(histogram[value]) * d * d
                }
                mean[c] = Float(m)
                std[c] = Float((squares / pixelsPerChannel).squareRoot())
            }
        case .floats(let floats):
            floats.withUnsafeBufferPointer { pixels in
                for c in 0..<channels {
                    let moments = channelMoments(
                        pixels, channel: c, channels: channels, count: count,
                        planeSize: planeSize)
                    mean[c] = Float(moments.mean)
                    std[c] = Float((moments.squares / pixelsPerChannel).squareRoot())
                }
            }
        }
        return (mean, std)
    }

    /// A copy with every image normalised, `(x - mean[c]) / std[c]` (held as Floats).
    /// Equivalent to `applying([.normalize(mean: mean, std: std)])`; do it once here or per
    /// batch in a `DataLoader`, not both.
    public func normalized(mean: [Float], std: [Float]) -> Dataset {
        applying([.normalize(mean: mean, std: std)])
    }

    /// A copy with `transforms` applied to every image once (held as Floats): for fixed
    /// preprocessing such as `[.grayscaleToRGB, .resize(height: 32, width: 32)]`.
    ///
    /// Random steps draw from a generator derived from `seed` and the example's index, so the
    /// result is the same on every run. (For augmentation that changes every epoch, give the
    /// transforms to a `DataLoader` instead.)
    public func applying(_ transforms: [Transform], seed: UInt64 = 0) -> Dataset {
        guard count > 0 else { return self }
        var first = SeededGenerator(seed: derivedSeed(seed, .datasetTransform, 0))
        let shape = transforms.apply(to: image(at: 0), generator: &first).shape
        let size = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count * size)
        out.withUnsafeMutableBufferPointer { buffer in
            let target = SendablePointer(buffer.baseAddress!)
            Parallel.forChunks(count) { range in
                for n in range {
                    var generator = SeededGenerator(seed: derivedSeed(seed, .datasetTransform, n))
                    let result = transforms.apply(to: image(at: n), generator: &generator)
                    checkArgument(
                        result.shape == shape,
                        "Dataset.applying: image \(n) came out \(result.shape), image 0 "
                            + "\(shape); transforms must give every image one shape")
                    result.pixels.withUnsafeBufferPointer {
                        (target.pointer + n * size).update(from: $0.baseAddress!, count: size)
                    }
                }
            }
        }
        return try! Dataset(
            name: name, storage: .floats(out), labels: labels, channels: shape[0],
            height: shape[1], width: shape[2], classNames: classNames, path: nil)
    }
}
