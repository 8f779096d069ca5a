/// The elementwise updates optimizers are made of, on plain arrays, each rounding once per
/// operation as PyTorch's CPU kernels do (`a + α·b` computes α·b, rounds, adds, rounds).

/// x ← x + α·y elementwise: PyTorch's `x.add_(y, alpha=α)`. `x` and `y` have equal counts.
func addScaled(_ x: inout [Float], _ y: [Float], _ alpha: Float) {
    let count = x.count
    checkArgument(y.count == count, "addScaled: \(x.count) and \(y.count) elements")
    x.withUnsafeMutableBufferPointer { x in
        y.withUnsafeBufferPointer { y in
            for i in 0..<count { x[i] = x[i] + alpha * y[i] }
        }
    }
}

/// x ← α·x elementwise: PyTorch's `x.mul_(α)`.
func scale(_ x: inout [Float], _ alpha: Float) {
    x.withUnsafeMutableBufferPointer { x in
        for i in 0..<x.count { x[i] = x[i] * alpha }
    }
}

/// m ← m + w·(g − m) elementwise, as PyTorch's `m.lerp_(g, w)`: for |w| ≥ 0.5 it computes
/// g − (g − m)·(1 − w) instead, which is exact at w = 1.
func lerp(_ m: inout [Float], _ g: [Float], _ weight: Float) {
    let count = m.count
    checkArgument(g.count == count, "lerp: \(m.count) and \(g.count) elements")
    m.withUnsafeMutableBufferPointer { m in
        g.withUnsafeBufferPointer { g in
            if abs(weight) < 0.5 {
                for i in 0..<count { m[i] = m[i] + weight * (g[i] - m[i]) }
            } else {
                let complement = 1 - weight
                for i in 0..<count { m[i] = g[i] - (g[i] - m[i]) * complement }
            }
        }
    }
}

/// v ← v + w·g·g elementwise, as PyTorch's `v.addcmul_(g, g, value=w)`.
func addScaledSquare(_ v: inout [Float], _ g: [Float], _ weight: Float) {
    let count = v.count
    checkArgument(g.count == count, "addScaledSquare: \(v.count) and \(g.count) elements")
    v.withUnsafeMutableBufferPointer { v in
        g.withUnsafeBufferPointer { g in
            for i in 0..<count { v[i] = v[i] + weight * g[i] * g[i] }
        }
    }
}
