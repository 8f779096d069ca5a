#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Elementwise functions y = f(x). Each backward rule is dx += dy · f'(x), written with
// whichever of x or y makes f' cheapest (exp' = y, tanh' = 1 - y², relu' = [y > 0]).
// The forward saves what the backward needs by capturing the arrays (`x`, `y`): arrays are
// copy-on-write, so this costs nothing, and later in-place writes to a tensor's `data`
// cannot change what the backward pass sees.

extension Tensor {
    /// A new array written by `fill(range, x, y)`: `y[i] = f(x[i])` for `i` in `range`.
    private func mapChunks(
        _ fill: (Range<Int>, UnsafeBufferPointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> [Float] {
        data.withUnsafeBufferPointer { x in
            parallelFill(count: x.count) { range, y in fill(range, x, y) }
        }
    }

    /// max(x, 0) elementwise. ∂/∂x = 1 where x > 0, else 0 (0 at x = 0, as PyTorch).
    /// NaN stays NaN.
    ///
    /// Of a batch norm's output not read yet, the result is deferred too
    /// (`DeferredNormalization.rectified`): a 3×3 convolution that reads it computes each value
    /// in its own copy of the image, and any other first read computes and keeps them, the
    /// same bits either way (`defersReLUOutputs` false stores them here, as before).
    public func relu() -> Tensor {
        let computed = dataWrites == 0  // x is what its operation computed
        if Tensor.defersReLUOutputs, let deferred = deferredNormalization,
            deferred.addend == nil, !deferred.rectified
        {
            let output = deferred.rectifying()
            return Tensor(shape: shape, deferred: output, op: "relu", inputs: [self]) {
                [self] dy in
                // Batch norm masks in its own backward pass: the gradient goes on unmasked.
                if computed && deferReLUMask(dy, reluOutput: { output.values(.store) }) { return }
                reluBackward(dy, output: output.values(.store))
            }
        }
        let y: [Float]
        if let deferred = deferredNormalization {
            // Batch norm's output, computed here rather than stored first.
            y = deferred.values(.relu)
        } else {
            y = mapChunks { range, x, y in
                for i in range { y[i] = x[i] < 0 ? 0 : x[i] }
            }
        }
        return Tensor(shape: shape, data: y, op: "relu", inputs: [self]) { [self] dy in
            if computed && deferReLUMask(dy, reluOutput: { y }) { return }
            reluBackward(dy, output: y)
        }
    }

    /// `relu`'s backward: dx += dy where the output `y` is positive.
    private func reluBackward(_ dy: [Float], output y: [Float]) {
        withBuffers(dy, y) { dy, y in
            accumulateElementwise(into: self) { range, dx in
                // dy is read whether or not it is used: a load only where y > 0 becomes
                // masked vector loads (vmaskmovps), which Zen 1 runs several times slower.
                for i in range {
                    let g = dy[i]
                    dx[i] += y[i] > 0 ? g : 0
                }
            }
        }
    }

    /// eˣ elementwise. ∂/∂x = eˣ = y.
    public func exp() -> Tensor {
        let y = mapChunks { range, x, y in
            for i in range { y[i] = expf(x[i]) }
        }
        return Tensor(shape: shape, data: y, op: "exp", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { range, dx in
                    for i in range { dx[i] += dy[i] * y[i] }
                }
            }
        }
    }

    /// Natural logarithm elementwise (`-inf` at 0, NaN below). ∂/∂x = 1/x.
    public func log() -> Tensor {
        let x = data
        let y = mapChunks { range, x, y in
            for i in range { y[i] = logf(x[i]) }
        }
        return Tensor(shape: shape, data: y, op: "log", inputs: [self]) { [self] dy in
            withBuffers(dy, x) { dy, x in
                accumulateElementwise(into: self) { range, dx in
                    for i in range { dx[i] += dy[i] / x[i] }
                }
            }
        }
    }

    /// √x elementwise. ∂/∂x = 1 / (2√x) = 0.5 / y.
    public func sqrt() -> Tensor {
        let y = mapChunks { range, x, y in
            for i in range { y[i] = x[i].squareRoot() }
        }
        return Tensor(shape: shape, data: y, op: "sqrt", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { range, dx in
                    for i in range { dx[i] += dy[i] * 0.5 / y[i] }
                }
            }
        }
    }

    /// xᵖ elementwise, for a constant exponent (`x.pow(2)`). ∂/∂x = p·xᵖ⁻¹.
    /// As in PyTorch, a negative x with a non-integer p gives NaN.
    public func pow(_ exponent: Float) -> Tensor {
        let x = data
        let y = mapChunks { range, x, y in
            for i in range { y[i] = powf(x[i], exponent) }
        }
        return Tensor(shape: shape, data: y, op: "pow", inputs: [self]) { [self] dy in
            withBuffers(dy, x) { dy, x in
                accumulateElementwise(into: self) { range, dx in
                    for i in range { dx[i] += dy[i] * exponent * powf(x[i], exponent - 1) }
                }
            }
        }
    }

    /// Hyperbolic tangent elementwise. ∂/∂x = 1 - y².
    public func tanh() -> Tensor {
        let y = mapChunks { range, x, y in
            for i in range { y[i] = tanhf(x[i]) }
        }
        return Tensor(shape: shape, data: y, op: "tanh", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { range, dx in
                    for i in range { dx[i] += dy[i] * (1 - y[i] * y[i]) }
                }
            }
        }
    }

    /// The logistic function 1 / (1 + e⁻ˣ) elementwise, computed without overflow for large
    /// |x|. ∂/∂x = y(1 - y).
    public func sigmoid() -> Tensor {
        let y = mapChunks { range, x, y in
            for i in range {
                if x[i] >= 0 {
                    y[i] = 1 / (1 + expf(-x[i]))
                } else {
                    let e = expf(x[i])
                    y[i] = e / (1 + e)
                }
            }
        }
        return Tensor(shape: shape, data: y, op: "sigmoid", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { range, dx in
                    for i in range { dx[i] += dy[i] * y[i] * (1 - y[i]) }
                }
            }
        }
    }
}
