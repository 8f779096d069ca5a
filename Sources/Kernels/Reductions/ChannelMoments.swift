// The per-channel statistics that are not batch norm's fast path: a data set's normalising
// mean and standard deviation, and the "precise" batch-norm statistics averaged over batches.
// Plain running sums in Double, in a fixed order, so the results are reproducible.

/// The mean of channel `channel` of `count` images laid out `[count, channels, planeSize]`,
/// and the sum of the squared deviations from it: two passes, each one running Double sum
/// over the images in order and each image's plane in order. `squares / n` is the population
/// variance and `squares / (n − 1)` the unbiased one, with `n = count · planeSize`.
public func channelMoments(
    _ x: UnsafeBufferPointer<Float>, channel: Int, channels: Int, count: Int, planeSize: Int
) -> (mean: Double, squares: Double) {
    var sum = 0.0
    for image in 0..<count {
        let start = (image * channels + channel) * planeSize
        for i in start..<(start + planeSize) { sum += Double(x[i]) }
    }
    let mean = sum / Double(count * planeSize)
    var squares = 0.0
    for image in 0..<count {
        let start = (image * channels + channel) * planeSize
        for i in start..<(start + planeSize) {
            let d = Double(x[i]) - mean
            squares += d * d
        }
    }
    return (mean, squares)
}
