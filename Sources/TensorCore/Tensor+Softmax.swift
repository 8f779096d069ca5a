#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Softmax, log-softmax and cross-entropy, computed stably: subtracting the largest logit
// before exponentiating changes nothing mathematically (it cancels in the ratio) but keeps
// every exponent ≤ 0, so nothing overflows. Sums of exponentials run in Double.

extension Tensor {
    /// Along `axis`, for each position of the other dimensions (`[outer, size, inner]`):
    /// the log of the sum of exponentials, `max + log Σ exp(x - max)`, row-major over
    /// `[outer, inner]`.
    private func logSumExp(axis: Int) -> (values: [Float], outer: Int, size: Int, inner: Int) {
        let outer = shape[..<axis].reduce(1, *)
        let size = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var result = [Float](repeating: 0, count: outer * inner)
        data.withUnsafeBufferPointer { x in
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * size * inner + i
                    var largest = -Float.infinity
                    for k in 0..<size { largest = Swift.max(largest, x[base + k * inner]) }
                    var total: Double = 0
                    for k in 0..<size { total += Double(expf(x[base + k * inner] - largest)) }
                    result[o * inner + i] = largest + Float(naturalLog(total))
                }
            }
        }
        return (result, outer, size, inner)
    }

    /// log(softmax(x)) along `dim`, computed stably as `x - logsumexp(x)`, like PyTorch's
    /// `log_softmax`. For logits [N, C], use `dim: 1`.
    ///
    /// ∂/∂x = dY - softmax(x) · Σ dY (the sum along `dim`).
    public func logSoftmax(dim: Int) -> Tensor {
        let axis = validated { () throws(ShapeError) in
            try Tensor.normalizedAxis(dim, rank: rank, op: "logSoftmax")
        }
        let (lse, _, size, inner) = logSumExp(axis: axis)
        let y = data.withUnsafeBufferPointer { x in
            (0..<count).map { index in
                x[index] - lse[(index / (size * inner)) * inner + index % inner]
            }
        }
        return Tensor(shape: shape, data: y, op: "logSoftmax", inputs: [self]) { [self] dy in
            self.accumulateGradient { dx in
                withBuffers(dy, y) { dy, y in
                    for row in 0..<(lse.count) {
                        let base = (row / inner) * size * inner + row % inner
                        var total: Float = 0
                        for k in 0..<size { total += dy[base + k * inner] }
                        for k in 0..<size {
                            let index = base + k * inner
                            dx[index] += dy[index] - expf(y[index]) * total
                        }
                    }
                }
            }
        }
    }

    /// exp(x) / Σ exp(x) along `dim`, computed stably. For probabilities from logits [N, C],
    /// use `dim: 1`. (For a loss, prefer `crossEntropy`, which never forms log(softmax).)
    ///
    /// ∂/∂x = y · (dY - Σ dY·y) along `dim`.
    public func softmax(dim: Int) -> Tensor {
        let axis = validated { () throws(ShapeError) in
            try Tensor.normalizedAxis(dim, rank: rank, op: "softmax")
        }
        let (lse, _, size, inner) = logSumExp(axis: axis)
        let y = data.withUnsafeBufferPointer { x in
            (0..<count).map { index in
                expf(x[index] - lse[(index / (size * inner)) * inner + index % inner])
            }
        }
        return Tensor(shape: shape, data: y, op: "softmax", inputs: [self]) { [self] dy in
            self.accumulateGradient { dx in
                withBuffers(dy, y) { dy, y in
                    for row in 0..<(lse.count) {
                        let base = (row / inner) * size * inner + row % inner
                        var total: Float = 0
                        for k in 0..<size { total += dy[base + k * inner] * y[base + k * inner] }
                        for k in 0..<size {
                            let index = base + k * inner
                            dx[index] += y[index] * (dy[index] - total)
                        }
                    }
                }
            }
        }
    }

    /// Checks the arguments of `crossEntropy`.
    /// - Throws: `ShapeError` unless logits are [N, C] with N targets, each in `0..<C`.
    public static func checkCrossEntropyArguments(logits: [Int], targets: [Int])
        throws(ShapeError)
    {
        guard logits.count == 2 else {
            throw ShapeError("crossEntropy: logits must be [N, C], got shape \(logits)")
        }
        guard targets.count == logits[0] else {
            throw ShapeError(
                "crossEntropy: logits \(logits) hold \(logits[0]) samples but \(targets.count) "
                    + "targets were given")
        }
        for (sample, target) in targets.enumerated() where target < 0 || target >= logits[1] {
            throw ShapeError(
                "crossEntropy: target \(target) of sample \(sample) is out of range: logits "
                    + "\(logits) have \(logits[1]) classes, so targets must be in 0..<\(logits[1])")
        }
    }
}

/// The mean cross-entropy loss of class scores against class indices, as PyTorch's
/// `F.cross_entropy(logits, targets)` (mean reduction):
/// `L = (1/N) Σₙ [logsumexp(logitsₙ) - logitsₙ[targetₙ]]`.
///
/// - Parameters:
///   - logits: [N, C] unnormalised class scores.
///   - targets: N class indices, each in `0..<C`.
/// - Returns: a rank-0 tensor.
///
/// The backward rule is the fused, stable form: ∂L/∂logits = (softmax(logits) - onehot) / N.
public func crossEntropy(logits: Tensor, targets: [Int]) -> Tensor {
    validated { () throws(ShapeError) in
        try Tensor.checkCrossEntropyArguments(logits: logits.shape, targets: targets)
    }
    let (samples, classes) = (logits.shape[0], logits.shape[1])
    // Softmax probabilities, kept for the backward pass, and the summed loss.
    var probabilities = [Float](repeating: 0, count: samples * classes)
    var total: Double = 0
    logits.data.withUnsafeBufferPointer { x in
        probabilities.withUnsafeMutableBufferPointer { p in
            for n in 0..<samples {
                let row = n * classes
                var largest = -Float.infinity
                for c in 0..<classes { largest = max(largest, x[row + c]) }
                var sum: Double = 0
                for c in 0..<classes {
                    let e = expf(x[row + c] - largest)
                    p[row + c] = e
                    sum += Double(e)
                }
                for c in 0..<classes { p[row + c] = Float(Double(p[row + c]) / sum) }
                let logSumExp = Double(largest) + naturalLog(sum)
                total += logSumExp - Double(x[row + targets[n]])
            }
        }
    }
    let loss = Float(total / Double(samples))
    return Tensor(shape: [], data: [loss], op: "crossEntropy", inputs: [logits]) { dy in
        let scale = dy[0] / Float(samples)
        logits.accumulateGradient { dx in
            probabilities.withUnsafeBufferPointer { p in
                for n in 0..<samples {
                    for c in 0..<classes {
                        let onehot: Float = c == targets[n] ? 1 : 0
                        dx[n * classes + c] += (p[n * classes + c] - onehot) * scale
                    }
                }
            }
        }
    }
}

/// The natural logarithm of a Double (the C library's, under a name that cannot clash with
/// `Tensor.log()` inside extensions).
@inline(__always)
private func naturalLog(_ x: Double) -> Double {
    #if canImport(Glibc)
        Glibc.log(x)
    #else
        Darwin.log(x)
    #endif
}
