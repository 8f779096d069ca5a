/// The elementwise updates optimizers are made of, on plain arrays, rounded exactly as
/// PyTorch's CPU kernels round them, so that parameters match PyTorch's bit for bit.
///
/// PyTorch computes `x.add_(y, alpha=α)`, `lerp_` and `addcmul_` with a fused multiply-add
/// (x + α·y rounded once, not twice: its vector kernels call `fmadd`, and its scalar loops are
/// compiled the same way); `mul_` and `addcdiv_` round every operation. `addingProduct` is
/// Swift's fused multiply-add (one `vfmadd` instruction with `-target-cpu native`).

import Checks

/// x ← x + α·y elementwise, rounded once: PyTorch's `x.add_(y, alpha=α)`.
func addScaled(_ x: inout [Float], _ y: [Float], _ alpha: Float) {
    let count = x.count
    checkArgument(y.count == count, "addScaled: \(x.count) and \(y.count) elements")
    x.withUnsafeMutableBufferPointer { x in
        y.withUnsafeBufferPointer { y in
            for i in 0..<count { x[i] = x[i].addingProduct(alpha, y[i]) }
        }
    }
}

/// x ← α·x elementwise: PyTorch's `x.mul_(α)`.
func scale(_ x: inout [Float], _ alpha: Float) {
    x.withUnsafeMutableBufferPointer { x in
        for i in 0..<x.count { x[i] = x[i] * alpha }
    }
}

/// m ← m + w·(g − m) elementwise, PyTorch's `m.lerp_(g, w)`: g − m is rounded, then the
/// multiply-add is fused. For |w| ≥ 0.5 it computes g + (w − 1)·(g − m) instead, which is
/// exact at w = 1.
func lerp(_ m: inout [Float], _ g: [Float], _ weight: Float) {
    let count = m.count
    checkArgument(g.count == count, "lerp: \(m.count) and \(g.count) elements")
    m.withUnsafeMutableBufferPointer { m in
        g.withUnsafeBufferPointer { g in
            if abs(weight) < 0.5 {
                for i in 0..<count { m[i] = m[i].addingProduct(weight, g[i] - m[i]) }
            } else {
                let coefficient = weight - 1
                for i in 0..<count { m[i] = g[i].addingProduct(coefficient, g[i] - m[i]) }
            }
        }
    }
}

/// v ← v + (w·g)·g elementwise, PyTorch's `v.addcmul_(g, g, value=w)`: w·g is rounded,
/// then the multiply-add is fused.
func addScaledSquare(_ v: inout [Float], _ g: [Float], _ weight: Float) {
    let count = v.count
    checkArgument(g.count == count, "addScaledSquare: \(v.count) and \(g.count) elements")
    v.withUnsafeMutableBufferPointer { v in
        g.withUnsafeBufferPointer { g in
            for i in 0..<count { v[i] = v[i].addingProduct(weight * g[i], g[i]) }
        }
    }
}
