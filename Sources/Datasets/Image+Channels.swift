// Per-channel arithmetic: normalisation and grayscale → RGB.

import Checks

extension Image {
    /// `(x - mean[c]) / std[c]` for every pixel of channel `c` (torchvision `Normalize`).
    ///
    /// `mean` and `std` have one entry per channel, or one entry used for every channel.
    /// Stops with a message for other lengths or a standard deviation that is not positive.
    public func normalized(mean: [Float], std: [Float]) -> Image {
        let (mean, std) = perChannel(mean: mean, std: std, op: "Image.normalized")
        var out = pixels
        let planeSize = height * width
        for c in 0..<channels {
            let shift = mean[c]
            let divisor = std[c]
            for i in (c * planeSize)..<((c + 1) * planeSize) { out[i] = (out[i] - shift) / divisor }
        }
        return Image(channels: channels, height: height, width: width, pixels: out)
    }

    /// A one-channel image repeated into `count` identical channels (3 makes a grayscale
    /// image RGB-shaped, for networks built for colour, as torchvision's
    /// `Grayscale(num_output_channels=3)` output). Stops unless the image has one channel.
    public func repeatingChannels(_ count: Int = 3) -> Image {
        checkArgument(
            channels == 1 && count >= 1,
            "Image.repeatingChannels: needs a 1-channel image and a count ≥ 1, got shape "
                + "\(shape) and count \(count)")
        var out: [Float] = []
        out.reserveCapacity(count * pixels.count)
        for _ in 0..<count { out += pixels }
        return Image(channels: count, height: height, width: width, pixels: out)
    }

    /// Checks `mean`/`std` against the channel count and expands a single value to all.
    func perChannel(mean: [Float], std: [Float], op: String) -> (mean: [Float], std: [Float]) {
        checkArgument(
            (mean.count == channels || mean.count == 1)
                && (std.count == channels || std.count == 1),
            "\(op): mean \(mean) and std \(std) need \(channels) value(s) (one per channel) "
                + "or 1, for an image of shape \(shape)")
        checkArgument(
            std.allSatisfy { $0 > 0 }, "\(op): every std must be positive, got \(std)")
        return (
            mean.count == 1 ? Array(repeating: mean[0], count: channels) : mean,
            std.count == 1 ? Array(repeating: std[0], count: channels) : std
        )
    }
}
