// Elementwise arithmetic with broadcasting (see Broadcasting.swift for the shape rule).
//
// Each operator computes its result over a `BroadcastWalk`, which yields for every result
// position `o` the positions `i` and `j` of the operand elements that produced it. Its
// backward rule computes ∂L/∂operand at every result position, then sums it over the
// dimensions where that operand was repeated (`accumulateBroadcastGradient`).
// Scalars (`x * 2`, `1 - x`) become rank-0 constant tensors, which broadcast everywhere.

extension Tensor {
    /// The broadcast shape of two operands, stopping with a message naming `op` if none.
    private static func resultShape(_ a: Tensor, _ b: Tensor, op: String) -> [Int] {
        validated { () throws(ShapeError) in try broadcastShape(a.shape, b.shape, op: op) }
    }

    /// `a + b`, elementwise with broadcasting. ∂/∂a = 1, ∂/∂b = 1.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let shape = resultShape(lhs, rhs, op: "add")
        let walk = BroadcastWalk(shape: shape, a: lhs.shape, b: rhs.shape)
        let out = withBuffers(lhs.data, rhs.data) { a, b in walk.map { _, i, j in a[i] + b[j] } }
        return Tensor(shape: shape, data: out, op: "add", inputs: [lhs, rhs]) { dy in
            accumulateBroadcastGradient(dy, shape: shape, into: lhs)
            accumulateBroadcastGradient(dy, shape: shape, into: rhs)
        }
    }

    /// `a - b`, elementwise with broadcasting. ∂/∂a = 1, ∂/∂b = -1.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        let shape = resultShape(lhs, rhs, op: "sub")
        let walk = BroadcastWalk(shape: shape, a: lhs.shape, b: rhs.shape)
        let out = withBuffers(lhs.data, rhs.data) { a, b in walk.map { _, i, j in a[i] - b[j] } }
        return Tensor(shape: shape, data: out, op: "sub", inputs: [lhs, rhs]) { dy in
            accumulateBroadcastGradient(dy, shape: shape, into: lhs)
            if rhs.requiresGrad {
                let negated = dy.withUnsafeBufferPointer { dy in walk.map { o, _, _ in -dy[o] } }
                accumulateBroadcastGradient(negated, shape: shape, into: rhs)
            }
        }
    }

    /// `a * b`, elementwise with broadcasting. ∂/∂a = b, ∂/∂b = a.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let shape = resultShape(lhs, rhs, op: "mul")
        let walk = BroadcastWalk(shape: shape, a: lhs.shape, b: rhs.shape)
        let a = lhs.data
        let b = rhs.data
        let out = withBuffers(a, b) { a, b in walk.map { _, i, j in a[i] * b[j] } }
        return Tensor(shape: shape, data: out, op: "mul", inputs: [lhs, rhs]) { dy in
            withBuffers(dy, a, b) { dy, a, b in
                if lhs.requiresGrad {
                    let da = walk.map { o, _, j in dy[o] * b[j] }
                    accumulateBroadcastGradient(da, shape: shape, into: lhs)
                }
                if rhs.requiresGrad {
                    let db = walk.map { o, i, _ in dy[o] * a[i] }
                    accumulateBroadcastGradient(db, shape: shape, into: rhs)
                }
            }
        }
    }

    /// `a / b`, elementwise with broadcasting. ∂/∂a = 1/b, ∂/∂b = -a/b².
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        let shape = resultShape(lhs, rhs, op: "div")
        let walk = BroadcastWalk(shape: shape, a: lhs.shape, b: rhs.shape)
        let a = lhs.data
        let b = rhs.data
        let out = withBuffers(a, b) { a, b in walk.map { _, i, j in a[i] / b[j] } }
        return Tensor(shape: shape, data: out, op: "div", inputs: [lhs, rhs]) { dy in
            withBuffers(dy, a, b) { dy, a, b in
                if lhs.requiresGrad {
                    let da = walk.map { o, _, j in dy[o] / b[j] }
                    accumulateBroadcastGradient(da, shape: shape, into: lhs)
                }
                if rhs.requiresGrad {
                    let db = walk.map { o, i, j in -dy[o] * a[i] / (b[j] * b[j]) }
                    accumulateBroadcastGradient(db, shape: shape, into: rhs)
                }
            }
        }
    }

    /// `-x`, elementwise. ∂/∂x = -1.
    public static prefix func - (x: Tensor) -> Tensor {
        let out = x.data.withUnsafeBufferPointer { x in parallelArray(count: x.count) { -x[$0] } }
        return Tensor(shape: x.shape, data: out, op: "neg", inputs: [x]) { dy in
            dy.withUnsafeBufferPointer { dy in accumulateElementwise(into: x) { -dy[$0] } }
        }
    }

    // MARK: Scalars (a rank-0 constant tensor broadcasts against any shape)

    /// `x + s` for every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs + Tensor(rhs) }
    /// `s + x` for every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    /// `x - s` for every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs - Tensor(rhs) }
    /// `s - x` for every element.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
    /// `x * s` for every element.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs * Tensor(rhs) }
    /// `s * x` for every element.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
    /// `x / s` for every element.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs / Tensor(rhs) }
    /// `s / x` for every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }
}
