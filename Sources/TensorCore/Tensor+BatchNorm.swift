import Kernels

// Batch normalisation over the channels of an NCHW batch (Ioffe & Szegedy 2015), as PyTorch's
// `F.batch_norm`. For channel c, over its m = N·H·W values:
//
//   training:  μ = mean(x),  σ² = mean((x − μ)²)  (the BIASED variance normalises)
//   eval:      μ = runningMean[c],  σ² = runningVar[c]
//   x̂ = (x − μ) / √(σ² + eps),   y = γ·x̂ + β          (γ = weight, β = bias)
//
// Training also moves the running estimates (buffers, not parameters: no gradient):
//   runningMean ← (1 − momentum)·runningMean + momentum·μ
//   runningVar  ← (1 − momentum)·runningVar  + momentum·σ²·m/(m − 1)   (the UNBIASED variance)
//
// Backward, with sums over the channel's m values:
//   ∂L/∂β = Σ dy,   ∂L/∂γ = Σ dy·x̂
//   training:  ∂L/∂x = γ/(m·√(σ² + eps)) · (m·dy − Σ dy − x̂·Σ dy·x̂)
//              (μ and σ² depend on x, which adds the two sums)
//   eval:      ∂L/∂x = γ/√(σ² + eps) · dy   (the statistics are constants)
//
// Followed by a ReLU (as in every block of the course's nets), the backward takes the ReLU's
// output gradient g instead of its own, and masks it in the same pass: dy = 0 + g where
// y = γ·x̂ + β > 0 and 0 elsewhere, y recomputed from x by the forward's own arithmetic, so the
// bits are those of the ReLU's backward followed by this one, without the ReLU's pass over
// memory (`BackwardNode.takesReLUMask`).
//
// The forward pass computes the statistics only. y itself is left to whatever reads it first
// (`DeferredNormalization.swift`): the ReLU after batch norm, or after a residual block's sum
// of it and the shortcut (itself deferred), writes its own result from x in one pass, so y is
// never stored and read back (a pass over memory saved), and any other read of `data`
// computes and keeps y then. Every way computes each value with `normalized`, so the bits
// are the same.
//
// Statistics and gradient sums run one channel per task: each image's plane is summed in
// Float vector lanes (`planeSum` and friends, in Kernels), the planes in Double, always in the
// same order, so the numbers do not depend on the thread count. Where the backward needs those
// sums, each channel's task then writes that channel's planes of ∂L/∂x while they are still
// in cache, instead of a second pass over the whole batch. A channel's planes lie one image
// apart, a short run each, so the first pass that reads them (the statistics' sum, or the
// backward's sums, for dy and x) and the pass that writes ∂L/∂x ask for the next image's plane
// while they work on this one (`prefetchPlane`: a hint, no value changes); the passes between
// find them in cache.

extension Tensor {
    /// Checks the arguments of `batchNorm2d`.
    ///
    /// - Throws: `ShapeError` unless x is [N, C, H, W], weight, bias, runningMean and
    ///   runningVar are each [C] (or nil where allowed), and, in training, each channel has
    ///   more than one value (N·H·W > 1: the unbiased variance needs two).
    public static func checkBatchNorm2dArguments(
        input: [Int], weight: [Int]?, bias: [Int]?, runningMean: [Int], runningVar: [Int],
        training: Bool
    ) throws(ShapeError) {
        try checkImageBatch(input, op: "batchNorm2d")
        let channels = input[1]
        let named = [
            ("weight", weight), ("bias", bias), ("runningMean", runningMean),
            ("runningVar", runningVar),
        ]
        for case (let name, let shape?) in named where shape != [channels] {
            throw ShapeError(
                "batchNorm2d: \(name) must be [\(channels)] for input \(input) with \(channels) "
                    + "channels, got shape \(shape)")
        }
        if training && input[0] * input[2] * input[3] <= 1 {
            throw ShapeError(
                "batchNorm2d: expected more than 1 value per channel when training, got input "
                    + "\(input)")
        }
    }
}

/// Batch normalisation of an NCHW batch, as PyTorch's `F.batch_norm(x, runningMean,
/// runningVar, weight, bias, training, momentum, eps)` (the computation of `nn.BatchNorm2d`).
///
/// In training mode the batch's own mean and biased variance normalise, and `runningMean` and
/// `runningVar` are updated in place (not recorded for autograd) toward the batch mean and
/// the unbiased batch variance, by `momentum` (0.1, as PyTorch). In eval mode the running
/// estimates normalise and nothing is updated. The formulas are at the top of this file.
///
/// - Parameters:
///   - x: [N, C, H, W].
///   - weight: γ, [C], or nil for 1 (no affine scale).
///   - bias: β, [C], or nil for 0.
///   - runningMean: [C] buffer, updated in training mode.
///   - runningVar: [C] buffer, updated in training mode.
///   - training: normalise with batch statistics (and update the buffers), or with the
///     running estimates.
///   - momentum: the weight of the new batch statistic in the running estimates.
///   - eps: added to the variance before the square root.
/// - Returns: [N, C, H, W].
///
/// Gradients flow to x, weight and bias in both modes.
public func batchNorm2d(
    _ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor,
    training: Bool, momentum: Float = 0.1, eps: Float = 1e-5
) -> Tensor {
    validated { () throws(ShapeError) in
        try Tensor.checkBatchNorm2dArguments(
            input: x.shape, weight: weight?.shape, bias: bias?.shape,
            runningMean: runningMean.shape, runningVar: runningVar.shape, training: training)
    }
    let (batch, channels) = (x.shape[0], x.shape[1])
    let pixels = x.shape[2] * x.shape[3]
    let m = batch * pixels
    let input = x.data
    let gamma = weight?.data ?? [Float](repeating: 1, count: channels)
    let beta = bias?.data ?? [Float](repeating: 0, count: channels)

    // The statistics that normalise, μ and 1/√(σ² + eps) per channel. y = γ·x̂ + β itself is
    // left to whatever reads it first (`DeferredNormalization`).
    var mean = [Float](repeating: 0, count: channels)
    var invStd = [Float](repeating: 0, count: channels)
    if training {
        var variance = [Double](repeating: 0, count: channels)
        input.withUnsafeBufferPointer { x in
            withMutableBuffers(&mean, &invStd, &variance) { mean, invStd, variance in
                forEachPlane(channels, workPerPlane: 2 * m) { c in
                    let (mu, sigma2) = channelMeanAndVariance(
                        x, channel: c, channels: channels, batch: batch, pixels: pixels)
                    mean[c] = Float(mu)
                    variance[c] = sigma2
                    invStd[c] = Float(1 / (sigma2 + Double(eps)).squareRoot())
                }
            }
        }
        // Buffers move toward the batch statistics, outside any recorded computation.
        let keep = 1 - Double(momentum)
        let unbiasing = Double(m) / Double(m - 1)
        runningMean.data = (0..<channels).map { c in
            Float(keep * Double(runningMean.data[c]) + Double(momentum) * Double(mean[c]))
        }
        runningVar.data = (0..<channels).map { c in
            Float(keep * Double(runningVar.data[c]) + Double(momentum) * variance[c] * unbiasing)
        }
    } else {
        mean = runningMean.data
        invStd = runningVar.data.map { Float(1 / (Double($0) + Double(eps)).squareRoot()) }
    }

    let inputs = [x] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
    let deferred = DeferredNormalization(
        input: input, mean: mean, invStd: invStd, gamma: gamma, beta: beta, channels: channels,
        pixels: pixels)
    let saved = BatchNormSaved(
        x: x, weight: weight, bias: bias, normalization: deferred, batch: batch,
        training: training)
    return Tensor(
        shape: x.shape, deferred: deferred, op: "batchNorm2d", inputs: inputs,
        backward: { dy in batchNorm2dBackward(dy, saved, throughReLU: false) },
        backwardThroughReLU: { g in batchNorm2dBackward(g, saved, throughReLU: true) })
}

/// What `batchNorm2d`'s backward pass needs from its forward pass: the tensors that get
/// gradients, and the input values, γ, β and the statistics that normalised, as the forward
/// pass's deferred output holds them (x̂ and y are recomputed from them rather than stored).
private struct BatchNormSaved {
    let x: Tensor
    let weight: Tensor?
    let bias: Tensor?
    let normalization: DeferredNormalization
    let batch: Int
    let training: Bool

    var input: [Float] { normalization.input }
    var channels: Int { normalization.channels }
    var pixels: Int { normalization.pixels }
    /// Values per channel: batch × pixels.
    var m: Int { batch * pixels }
}

/// The backward pass of `batchNorm2d` for the output gradient `dy`:
///
///     ∂L/∂β = Σ dy,   ∂L/∂γ = Σ dy·x̂            (per channel, summed in Double)
///     ∂L/∂x = γ/σ̂·(dy − mean(dy) − x̂·mean(dy·x̂))   in training mode (the batch statistics
///                                                   depend on x too)
///     ∂L/∂x = γ/σ̂·dy                               in eval mode
///
/// `incoming` is dy; with `throughReLU`, it is ∂L/∂relu(y) instead, and dy is that zeroed
/// where y (`normalized`, as the forward computes it) is not positive, NaN included: masked
/// where it is read, a plane at a time for the sums and per value for ∂L/∂x.
private func batchNorm2dBackward(_ incoming: [Float], _ saved: BatchNormSaved, throughReLU: Bool) {
    let (x, weight, bias) = (saved.x, saved.weight, saved.bias)
    let (batch, channels, pixels, m) = (saved.batch, saved.channels, saved.pixels, saved.m)
    let statistics = saved.normalization  // μ, 1/σ̂, γ and β per channel
    let needsSums =
        (weight?.requiresGrad ?? false) || (bias?.requiresGrad ?? false)
        || (saved.training && x.requiresGrad)
    guard needsSums || x.requiresGrad else { return }
    // Per channel: Σ dy and Σ dy·x̂ (x̂ recomputed from x rather than stored); and, where x
    // wants a gradient, the channel's planes of ∂L/∂x right after its sums, while they are
    // in cache (the same arithmetic as a separate pass).
    var sumDy = [Double](repeating: 0, count: channels)
    var sumDyXhat = [Double](repeating: 0, count: channels)
    /// ∂L/∂x over one plane (image n, channel c: plane n·C + c).
    @inline(__always) func gradient(
        _ plane: Int, _ dy: UnsafeBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>,
        _ dx: UnsafeMutablePointer<Float>, sumDy: Double, sumDyXhat: Double
    ) {
        let c = plane % channels
        let (mu, scale) = (statistics.mean[c], statistics.invStd[c])
        let (g, shift) = (statistics.gamma[c], statistics.beta[c])
        let factor = g * scale
        let range = plane * pixels..<(plane + 1) * pixels
        if saved.training {
            // γ/(m·σ̂)·(m·dy − Σdy − x̂·Σdy·x̂) = γ/σ̂·(dy − mean(dy) − x̂·mean(dy·x̂))
            let meanDy = Float(sumDy / Double(m))
            let meanDyXhat = Float(sumDyXhat / Double(m))
            if throughReLU {
                for i in range {
                    // dy is read whether or not it is used: a load only where y > 0 becomes
                    // masked vector loads (vmaskmovps), which Zen 1 runs several times slower.
                    let (xhat, incoming) = ((x[i] - mu) * scale, dy[i])
                    let y = normalized(x[i], mean: mu, invStd: scale, gamma: g, beta: shift)
                    dx[i] = factor * ((y > 0 ? 0 + incoming : 0) - meanDy - xhat * meanDyXhat)
                }
            } else {
                for i in range {
                    let xhat = (x[i] - mu) * scale
                    dx[i] = factor * (dy[i] - meanDy - xhat * meanDyXhat)
                }
            }
        } else if throughReLU {
            for i in range {
                let incoming = dy[i]
                let y = normalized(x[i], mean: mu, invStd: scale, gamma: g, beta: shift)
                dx[i] = y > 0 ? factor * (0 + incoming) : factor * 0
            }
        } else {
            for i in range { dx[i] = factor * dy[i] }
        }
    }
    /// dy over the plane at `start` of channel `c`: `incoming`'s own, or, through a ReLU,
    /// `incoming`'s masked into `scratch` (`pixels` floats).
    @inline(__always) func planeOfDy(
        _ start: Int, _ incoming: UnsafeBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>,
        channel c: Int, scratch: UnsafeMutablePointer<Float>?
    ) -> UnsafePointer<Float> {
        let plane = incoming.baseAddress! + start
        guard throughReLU, let scratch else { return plane }
        let (mu, scale) = (statistics.mean[c], statistics.invStd[c])
        let (g, shift) = (statistics.gamma[c], statistics.beta[c])
        for i in 0..<pixels {
            let incoming = plane[i]
            let y = normalized(x[start + i], mean: mu, invStd: scale, gamma: g, beta: shift)
            scratch[i] = y > 0 ? 0 + incoming : 0
        }
        return UnsafePointer(scratch)
    }
    var dx: [Float]?
    let wantsDx = x.requiresGrad
    if needsSums {
        withBuffers(incoming, saved.input) { dy, x in
            withMutableBuffers(&sumDy, &sumDyXhat) { sumDy, sumDyXhat in
                func sums(_ into: UnsafeMutablePointer<Float>?) {
                    forEachPlane(channels, workPerPlane: (into == nil ? 2 : 4) * m) { c in
                        let (mu, scale) = (statistics.mean[c], statistics.invStd[c])
                        var total: Double = 0
                        var weighted: Double = 0
                        withUnsafeTemporaryAllocation(
                            of: Float.self, capacity: throughReLU ? pixels : 0
                        ) { scratch in
                            for n in 0..<batch {
                                let start = (n * channels + c) * pixels
                                if n + 1 < batch {
                                    let next = start + channels * pixels
                                    prefetchPlane(
                                        dy.baseAddress! + next, count: pixels, forWriting: false)
                                    prefetchPlane(
                                        x.baseAddress! + next, count: pixels, forWriting: false)
                                }
                                let dyPlane = planeOfDy(
                                    start, dy, x, channel: c, scratch: scratch.baseAddress)
                                total += Double(planeSum(dyPlane, count: pixels))
                                weighted += Double(
                                    planeSumOfProducts(
                                        dyPlane, x.baseAddress! + start, count: pixels, shift: mu))
                            }
                        }
                        weighted *= Double(scale)
                        sumDy[c] = total
                        sumDyXhat[c] = weighted
                        if let into {
                            for n in 0..<batch {
                                if n + 1 < batch {
                                    prefetchPlane(
                                        into + ((n + 1) * channels + c) * pixels, count: pixels,
                                        forWriting: true)
                                }
                                gradient(
                                    n * channels + c, dy, x, into, sumDy: total,
                                    sumDyXhat: weighted)
                            }
                        }
                    }
                }
                if wantsDx {
                    dx = kernelResult(count: x.count) { sums($0) }
                } else {
                    sums(nil)
                }
            }
        }
    }
    bias?.accumulateGradient(sumDy.map { Float($0) })
    weight?.accumulateGradient(sumDyXhat.map { Float($0) })
    guard x.requiresGrad else { return }
    if dx == nil {
        dx = withBuffers(incoming, saved.input) { dy, x in
            kernelResult(count: x.count) { dx in
                forEachPlane(batch * channels, workPerPlane: pixels) { plane in
                    let c = plane % channels
                    gradient(plane, dy, x, dx, sumDy: sumDy[c], sumDyXhat: sumDyXhat[c])
                }
            }
        }
    }
    x.accumulateGradient(dx!)
}

/// The mean and biased variance (two passes: the sum, then the squared deviations from the
/// mean) of channel `c` of a contiguous [batch, channels, pixels] array. Each plane is summed
/// with vector partial sums (`planeSum`), the planes in order in Double.
private func channelMeanAndVariance(
    _ x: UnsafeBufferPointer<Float>, channel c: Int, channels: Int, batch: Int, pixels: Int
) -> (mean: Double, variance: Double) {
    let m = Double(batch * pixels)
    let base = x.baseAddress!
    var sum: Double = 0
    for n in 0..<batch {
        if n + 1 < batch {
            prefetchPlane(
                base + ((n + 1) * channels + c) * pixels, count: pixels, forWriting: false)
        }
        sum += Double(planeSum(base + (n * channels + c) * pixels, count: pixels))
    }
    let mean = sum / m
    var squares: Double = 0
    for n in 0..<batch {
        squares += Double(
            planeSumOfSquares(base + (n * channels + c) * pixels, count: pixels, shift: Float(mean))
        )
    }
    return (mean, squares / m)
}
