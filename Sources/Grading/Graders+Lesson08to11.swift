import Foundation
import Randomness
import TensorCore

extension Graders {
    /// Exercise 08.1: `filterNormalized(_:like:)`.
    public static func filterNormalized(
        _ normalize: (Tensor, Tensor) throws -> Tensor, seed: UInt64 = gradingSeed(81)
    ) -> GradeReport {
        grade(seed: seed, firstHint: Catalogue.exercise("08.1")!.hints[0]) { checks in
            var generator = SeededGenerator(seed: seed)
            let shapes = [
                [8, 4, 3, 3], [16, 16, 3, 3], [10, 64], [4, 1, 7, 7], [32], [5, 3, 1, 1],
            ]
            for (index, shape) in shapes.enumerated() {
                // Filters of very different sizes, as batch norm lets trained weights have.
                var weight = randomTensor(shape, -1...1, &generator)
                let filters = shape[0]
                let size = weight.count / filters
                weight = Tensor(
                    shape: shape,
                    data: weight.data.enumerated().map { $1 * Float(1 + 3 * ($0 / size % 3)) })
                var raw = randomTensor(shape, -1...1, &generator)
                if shape.count >= 2 {  // one filter of the direction all zeros
                    var data = raw.data
                    for i in 0..<size { data[i] = 0 }
                    raw = Tensor(shape: shape, data: data)
                }
                let got = try normalize(raw, weight)
                let name = "case \(index): a parameter of shape \(shape)"
                try checks.require(
                    got.shape == shape, "the direction keeps the parameter's shape",
                    "\(name): got \(got.shape)")
                guard shape.count >= 2 else {
                    try checks.require(
                        got.data.allSatisfy { $0 == 0 },
                        "one-dimensional parameters are not moved (a zero direction)",
                        "\(name): got \(got.data.prefix(4))…")
                    continue
                }
                for f in 0..<filters {
                    let range = (f * size)..<((f + 1) * size)
                    func norm(_ values: ArraySlice<Float>) -> Double {
                        values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                    }
                    let (dNorm, wNorm, rawNorm) = (
                        norm(got.data[range]), norm(weight.data[range]), norm(raw.data[range])
                    )
                    if rawNorm == 0 {
                        try checks.require(
                            dNorm == 0, "a zero filter of the direction stays zero",
                            "\(name), filter \(f): got norm \(dNorm)")
                        continue
                    }
                    try checks.require(
                        abs(dNorm - wNorm) <= 1e-5 * max(1, wNorm),
                        "‖d_f‖ = ‖w_f‖ for every filter f (one slice along the first axis)",
                        "\(name), filter \(f): expected norm \(wNorm), got \(dNorm)")
                    // Parallel and the same way round: d_f · raw_f = ‖d_f‖ ‖raw_f‖.
                    let dot = zip(got.data[range], raw.data[range]).reduce(0.0) {
                        $0 + Double($1.0) * Double($1.1)
                    }
                    try checks.require(
                        abs(dot - dNorm * rawNorm) <= 1e-4 * max(1, dNorm * rawNorm),
                        "each filter of the result is a positive multiple of the given one",
                        "\(name), filter \(f): the cosine with the given filter is "
                            + "\(dot / (dNorm * rawNorm)), not 1")
                }
            }
            checks.held("convolution and linear shapes, filters of three sizes, a zero filter")
            checks.held("a one-dimensional parameter gets a zero direction")
        }
    }

    /// Exercise 10.1: `grayscaleFilters`.
    public static func grayscaleFilters(
        _ port: (Tensor) throws -> Tensor, seed: UInt64 = gradingSeed(101)
    ) -> GradeReport {
        grade(seed: seed, firstHint: Catalogue.exercise("10.1")!.hints[0]) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<8 {
                let k = 1 + Int(generator.next() % 6)
                let side = [1, 3, 5, 7][trial % 4]
                let stride = 1 + Int(generator.next() % 2)
                let padding = side / 2
                let rgb = randomTensor([k, 3, side, side], -1...1, &generator)
                let gray = randomTensor([2, 1, 9, 10], 0...1, &generator)
                let repeated = Tensor(
                    shape: [2, 3, 9, 10],
                    data: (0..<2).flatMap { n in
                        (0..<3).flatMap { _ in gray.data[(n * 90)..<((n + 1) * 90)] }
                    })
                let expected = conv2d(repeated, weight: rgb, stride: stride, padding: padding)
                let weights = try port(rgb)
                try checks.require(
                    weights.shape == [k, 1, side, side], "the gray stem's weights are [K, 1, R, S]",
                    "case \(trial): from \(rgb.shape) you gave \(weights.shape)")
                let got = conv2d(gray, weight: weights, stride: stride, padding: padding)
                try requireTensor(
                    got, expected, tolerance: 1e-5,
                    "conv2d(gray, your weights) = conv2d(gray repeated into 3 channels, RGB weights)",
                    "case \(trial): \(k) filters of \(side)×\(side), stride \(stride), padding "
                        + "\(padding)", &checks)
            }
            checks.held("8 random RGB stems: the gray port gives the repeated image's outputs")
        }
    }
}
