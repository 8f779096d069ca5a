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
    /// The elementwise map `f(x)` as a new array (parallel when large).
    @inline(__always)
    private func mapElements(_ f: (Float) -> Float) -> [Float] {
        data.withUnsafeBufferPointer { x in parallelArray(count: x.count) { f(x[$0]) } }
    }

    /// max(x, 0) elementwise. ∂/∂x = 1 where x > 0, else 0 (0 at x = 0, as PyTorch).
    /// NaN stays NaN.
    public func relu() -> Tensor {
        let y = mapElements { $0 < 0 ? 0 : $0 }
        return Tensor(shape: shape, data: y, op: "relu", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { i in y[i] > 0 ? dy[i] : 0 }
            }
        }
    }

    /// eˣ elementwise. ∂/∂x = eˣ = y.
    public func exp() -> Tensor {
        let y = mapElements { expf($0) }
        return Tensor(shape: shape, data: y, op: "exp", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { i in dy[i] * y[i] }
            }
        }
    }

    /// Natural logarithm elementwise (`-inf` at 0, NaN below). ∂/∂x = 1/x.
    public func log() -> Tensor {
        let x = data
        let y = mapElements { logf($0) }
        return Tensor(shape: shape, data: y, op: "log", inputs: [self]) { [self] dy in
            withBuffers(dy, x) { dy, x in
                accumulateElementwise(into: self) { i in dy[i] / x[i] }
            }
        }
    }

    /// √x elementwise. ∂/∂x = 1 / (2√x) = 0.5 / y.
    public func sqrt() -> Tensor {
        let y = mapElements { $0.squareRoot() }
        return Tensor(shape: shape, data: y, op: "sqrt", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { i in dy[i] * 0.5 / y[i] }
            }
        }
    }

    /// xᵖ elementwise, for a constant exponent (`x.pow(2)`). ∂/∂x = p·xᵖ⁻¹.
    /// As in PyTorch, a negative x with a non-integer p gives NaN.
    public func pow(_ exponent: Float) -> Tensor {
        let x = data
        let y = mapElements { powf($0, exponent) }
        return Tensor(shape: shape, data: y, op: "pow", inputs: [self]) { [self] dy in
            withBuffers(dy, x) { dy, x in
                accumulateElementwise(into: self) { i in
                    dy[i] * exponent * powf(x[i], exponent - 1)
                }
            }
        }
    }

    /// Hyperbolic tangent elementwise. ∂/∂x = 1 - y².
    public func tanh() -> Tensor {
        let y = mapElements { tanhf($0) }
        return Tensor(shape: shape, data: y, op: "tanh", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { i in dy[i] * (1 - y[i] * y[i]) }
            }
        }
    }

    /// The logistic function 1 / (1 + e⁻ˣ) elementwise, computed without overflow for large
    /// |x|. ∂/∂x = y(1 - y).
    public func sigmoid() -> Tensor {
        let y = mapElements { x in
            if x >= 0 { return 1 / (1 + expf(-x)) }
            let e = expf(x)
            return e / (1 + e)
        }
        return Tensor(shape: shape, data: y, op: "sigmoid", inputs: [self]) { [self] dy in
            withBuffers(dy, y) { dy, y in
                accumulateElementwise(into: self) { i in dy[i] * y[i] * (1 - y[i]) }
            }
        }
    }
}
