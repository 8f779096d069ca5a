import Foundation
import Randomness
import TensorCore

extension Graders {
    /// A tensor of `shape` with uniform values in `range`.
    static func randomTensor(
        _ shape: [Int], _ range: ClosedRange<Double>, _ generator: inout SeededGenerator,
        requiresGrad: Bool = false
    ) -> Tensor {
        Tensor(
            shape: shape,
            data: (0..<shape.reduce(1, *)).map { _ in Float(uniform(range, &generator)) },
            requiresGrad: requiresGrad)
    }

    /// `index` of a row-major tensor of `shape` as `[i, j, …]`.
    static func position(_ index: Int, in shape: [Int]) -> String {
        var rest = index
        var indices = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            indices[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return "[" + indices.map(String.init).joined(separator: ", ") + "] of shape \(shape)"
    }

    /// Requires `got` to have `expected`'s shape and elements within `tolerance` (relative
    /// to max(1, |expected|)).
    static func requireTensor(
        _ got: Tensor, _ expected: Tensor, tolerance: Double, _ identity: String,
        _ context: String, _ checks: inout Checks
    ) throws(IdentityBroken) {
        try checks.require(
            got.shape == expected.shape, identity,
            "\(context): expected shape \(expected.shape), got \(got.shape)")
        try checks.requireClose(
            got.data.map(Double.init), expected.data.map(Double.init), tolerance: tolerance,
            identity, where: { "\(context), element \(position($0, in: expected.shape))" })
    }

    /// Exercise 02.1: `crossEntropyGradient(logits:targets:)`.
    public static func crossEntropyGradient(
        _ gradient: (Tensor, [Int]) throws -> Tensor, seed: UInt64 = gradingSeed(21)
    ) -> GradeReport {
        grade("02.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<12 {
                let samples = 1 + Int(generator.next() % 5)
                let classes = 2 + Int(generator.next() % 6)
                let scale = [1.0, 10, 100][trial % 3]
                let logits = randomTensor(
                    [samples, classes], -scale...scale, &generator, requiresGrad: true)
                let targets = (0..<samples).map { _ in Int(generator.next() % UInt64(classes)) }
                crossEntropy(logits: logits, targets: targets).backward()
                let expected = logits.grad!
                let got = try gradient(Tensor(shape: logits.shape, data: logits.data), targets)
                let context = "case \(trial): N \(samples), C \(classes), logits up to ±\(scale)"
                try checks.require(
                    got.data.allSatisfy(\.isFinite), "the gradient is finite for any logits",
                    "\(context): got \(got.data) (did exp overflow? subtract each row's max)")
                try requireTensor(
                    got, expected, tolerance: 1e-5,
                    "∂L/∂logits = (softmax(logits) − onehot(targets)) / N", context, &checks)
                if scale == 1 {
                    // Finite differences of the loss itself, in Double.
                    func loss(_ z: [Float]) -> Double {
                        var total = 0.0
                        for n in 0..<samples {
                            let row = z[(n * classes)..<((n + 1) * classes)].map(Double.init)
                            let top = row.max()!
                            total +=
                                top
                                + Foundation.log(row.map { Foundation.exp($0 - top) }.reduce(0, +))
                                - row[targets[n]]
                        }
                        return total / Double(samples)
                    }
                    let h: Float = 1e-2
                    let differences = logits.data.indices.map { i -> Double in
                        var plus = logits.data
                        var minus = logits.data
                        plus[i] += h
                        minus[i] -= h
                        return (loss(plus) - loss(minus)) / Double(2 * h)
                    }
                    try checks.requireClose(
                        got.data.map(Double.init), differences, tolerance: 1e-3,
                        "∂L/∂logits equals finite differences of the mean loss",
                        where: { "\(context), element \(position($0, in: [samples, classes]))" })
                }
            }
            checks.held("12 random batches against autograd, logits up to ±100")
            checks.held("the batches with logits in ±1 against finite differences")
        }
    }

    /// Exercise 02.2: `reduceToShape(_:_:)`.
    public static func reduceToShape(
        _ reduce: (Tensor, [Int]) throws -> Tensor, seed: UInt64 = gradingSeed(22)
    ) -> GradeReport {
        grade("02.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            var fixed: [([Int], [Int])] = [
                ([2, 3, 4], [3, 1]), ([2, 3], [2, 3]), ([4, 5], []),
            ]
            for _ in 0..<12 {
                let rank = 1 + Int(generator.next() % 4)
                let full = (0..<rank).map { _ in 1 + Int(generator.next() % 4) }
                let dropped = Int(generator.next() % UInt64(rank + 1))
                let shape = full[dropped...].map { generator.next() % 2 == 0 ? 1 : $0 }
                fixed.append((full, Array(shape)))
            }
            for (trial, (full, shape)) in fixed.enumerated() {
                let a = randomTensor(shape, -1...1, &generator, requiresGrad: true)
                let b = randomTensor(full, -1...1, &generator)
                let upstream = randomTensor(full, -1...1, &generator)
                (a + b).backward(gradient: upstream)
                let got = try reduce(upstream, shape)
                try requireTensor(
                    got, a.grad!, tolerance: 1e-5,
                    "∂L/∂a sums ∂L/∂(a + b) over the axes a was broadcast along",
                    "case \(trial): a \(shape) + b \(full)", &checks)
            }
            checks.held("\(fixed.count) broadcast pairs against autograd of a + b")
        }
    }

    /// Exercise 02.3: `conv2dLoops`.
    public static func conv2dLoops(
        _ convolve: (Tensor, Tensor, Tensor?, Int, Int) throws -> Tensor,
        seed: UInt64 = gradingSeed(23)
    ) -> GradeReport {
        grade("02.3", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            func draw(_ range: ClosedRange<Int>) -> Int {
                range.lowerBound + Int(generator.next() % UInt64(range.count))
            }
            for trial in 0..<16 {
                let (n, c, k) = (draw(1...2), draw(1...3), draw(1...3))
                let (height, width) = (draw(3...8), draw(3...8))
                let (r, s) = (draw(1...3), draw(1...3))
                let stride = draw(1...3)
                let padding = draw(0...2)
                let x = randomTensor([n, c, height, width], -1...1, &generator)
                let weight = randomTensor([k, c, r, s], -1...1, &generator)
                let bias = trial % 2 == 0 ? randomTensor([k], -1...1, &generator) : nil
                let expected = conv2d(
                    x, weight: weight, bias: bias, stride: stride, padding: padding)
                let got = try convolve(x, weight, bias, stride, padding)
                try requireTensor(
                    got, expected, tolerance: 1e-5, "your loops compute conv2d (cross-correlation)",
                    "case \(trial): x \(x.shape), weight \(weight.shape), "
                        + "\(bias == nil ? "no bias" : "bias"), stride \(stride), padding \(padding)",
                    &checks)
            }
            checks.held("16 random shapes, kernels 1-3, strides 1-3, paddings 0-2 against conv2d")
        }
    }
}
