// Elementwise arithmetic with broadcasting, as in NumPy and PyTorch: shapes are aligned at
// their last dimension; two sizes match when they are equal or one of them is 1 (that operand
// is repeated along the dimension); a missing leading dimension counts as 1. [3, 1] with
// [1, 4] gives [3, 4]; [2, 3, 4] with [4] gives [2, 3, 4]. The backward rule is the mirror
// image: an operand that was repeated along a dimension receives the *sum* of the gradient
// along it (`accumulateBroadcastGradient`).
//
// Each operator computes its result over a `BroadcastWalk`, which yields for every result
// position `o` the positions `i` and `j` of the operand elements that produced it. Scalars
// (`x * 2`, `1 - x`) become rank-0 constant tensors, which broadcast everywhere.
//
// The walk and the operators share this file on purpose: debug builds optimise each file on
// its own, so a closure called per element is inlined only when the loop that calls it is in
// the same file (across files it costs an indirect call per element, 4-6x slower). Other files
// use the walk through whole-array helpers (`gather`, `accumulateSum`).

extension Tensor {
    /// The broadcast shape of two operands, stopping with a message naming `op` if none.
    private static func resultShape(_ a: Tensor, _ b: Tensor, op: String) -> [Int] {
        validated { () throws(ShapeError) in try broadcastShape(a.shape, b.shape, op: op) }
    }

    /// `a + b`, elementwise with broadcasting. ∂/∂a = 1, ∂/∂b = 1.
    ///
    /// The result has the broadcast shape of the two (``broadcastShape(_:_:op:)``); shapes
    /// that do not broadcast stop with a message.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let shape = resultShape(lhs, rhs, op: "add")
        let backward = { (dy: [Float]) in
            accumulateBroadcastGradient(dy, shape: shape, into: lhs)
            accumulateBroadcastGradient(dy, shape: shape, into: rhs)
        }
        if lhs.shape == rhs.shape, let sum = deferredSum(lhs, rhs) {
            return Tensor(
                shape: shape, deferred: sum, op: "add", inputs: [lhs, rhs], backward: backward)
        }
        let walk = BroadcastWalk(shape: shape, a: lhs.shape, b: rhs.shape)
        let out = withBuffers(lhs.data, rhs.data) { a, b in
            // Same shapes (a residual block's sum): in parallel chunks, the one addition per
            // element that the walk would do.
            guard lhs.shape == rhs.shape, let a = a.baseAddress, let b = b.baseAddress else {
                return walk.map { _, i, j in a[i] + b[j] }
            }
            return parallelFill(count: walk.count) { range, out in
                for i in range { out[i] = a[i] + b[i] }
            }
        }
        return Tensor(shape: shape, data: out, op: "add", inputs: [lhs, rhs], backward: backward)
    }

    /// `a + b` of two tensors of one shape, when either is a batch norm's output not read yet
    /// (a residual block's branch): the sum deferred in turn (`DeferredNormalization.adding`),
    /// so that the ReLU after it computes the normalised values, the same additions in the same
    /// order and its own result in one pass. When both are (a projection shortcut's batch norm
    /// on the right), the right one's values are stored first. Nil when neither is, or the
    /// deferred operand is itself a sum or a ReLU's output.
    private static func deferredSum(_ lhs: Tensor, _ rhs: Tensor) -> DeferredNormalization? {
        guard lhs.count > 0 else { return nil }
        if let deferred = lhs.deferredNormalization, deferred.addend == nil, !deferred.rectified {
            return deferred.adding(rhs.data, onLeft: false)
        }
        if let deferred = rhs.deferredNormalization, deferred.addend == nil, !deferred.rectified {
            return deferred.adding(lhs.data, onLeft: true)
        }
        return nil
    }

    /// `a - b`, elementwise with broadcasting. ∂/∂a = 1, ∂/∂b = -1.
    ///
    /// The result has the broadcast shape of the two (``broadcastShape(_:_:op:)``).
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
    ///
    /// The result has the broadcast shape of the two (``broadcastShape(_:_:op:)``).
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
    ///
    /// The result has the broadcast shape of the two (``broadcastShape(_:_:op:)``).
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

    /// `-x`, elementwise, shaped like `x`. ∂/∂x = -1.
    public static prefix func - (x: Tensor) -> Tensor {
        let out = x.data.withUnsafeBufferPointer { x in
            parallelFill(count: x.count) { range, out in
                for i in range { out[i] = -x[i] }
            }
        }
        return Tensor(shape: x.shape, data: out, op: "neg", inputs: [x]) { dy in
            dy.withUnsafeBufferPointer { dy in
                accumulateElementwise(into: x) { range, dx in
                    for i in range { dx[i] -= dy[i] }
                }
            }
        }
    }

    // MARK: Scalars (a rank-0 constant tensor broadcasts against any shape)

    /// `x + s` for every element; the result is shaped like `x`.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs + Tensor(rhs) }
    /// `s + x` for every element; the result is shaped like `x`.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    /// `x - s` for every element; the result is shaped like `x`.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs - Tensor(rhs) }
    /// `s - x` for every element; the result is shaped like `x`.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
    /// `x * s` for every element; the result is shaped like `x`.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs * Tensor(rhs) }
    /// `s * x` for every element; the result is shaped like `x`.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
    /// `x / s` for every element; the result is shaped like `x`.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs / Tensor(rhs) }
    /// `s / x` for every element; the result is shaped like `x`.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }
}

// MARK: - The broadcasting machinery

extension Tensor {
    /// The shape that `a` and `b` broadcast to.
    /// - Throws: `ShapeError` naming `op`, both shapes and the first dimension that differs.
    public static func broadcastShape(_ a: [Int], _ b: [Int], op: String = "broadcast")
        throws(ShapeError) -> [Int]
    {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let sizeA = axis - (rank - a.count) >= 0 ? a[axis - (rank - a.count)] : 1
            let sizeB = axis - (rank - b.count) >= 0 ? b[axis - (rank - b.count)] : 1
            guard sizeA == sizeB || sizeA == 1 || sizeB == 1 else {
                throw ShapeError(
                    "\(op): shapes \(a) and \(b) do not broadcast: sizes \(sizeA) and \(sizeB) "
                        + "differ at dimension \(axis - rank) (from the end); expected equal "
                        + "sizes or a 1")
            }
            result[axis] = sizeA == 1 ? sizeB : sizeA
        }
        return result
    }
}

/// Visits every element of a contiguous result of shape `shape` together with the positions of
/// the matching elements in two operands that broadcast to it (`a` and `b`, each contiguous
/// in its own shape).
///
/// Dimensions of size 1 are dropped and neighbours that are contiguous in all three arrays
/// are merged, so `[2, 3, 4] * [4]` is walked as 6 rows of 4 and a same-shape walk is a single
/// row. The last (merged) dimension is the inner loop.
struct BroadcastWalk {
    /// Elements of the result.
    let count: Int
    /// Sizes of the merged dimensions (empty when `count == 1`).
    private let sizes: [Int]
    private let stridesA: [Int]
    private let stridesB: [Int]

    /// - Parameters:
    ///   - shape: the result's shape; `a` and `b` must broadcast to it (checked by the caller).
    init(shape: [Int], a: [Int], b: [Int]) {
        self.init(
            shape: shape,
            stridesA: BroadcastWalk.broadcastStrides(of: a, to: shape),
            stridesB: BroadcastWalk.broadcastStrides(of: b, to: shape))
    }

    /// A walk over a result of shape `shape` reading two operands through arbitrary strides
    /// (one per dimension of `shape`; 0 repeats an element), e.g. a permutation's.
    init(shape: [Int], stridesA fullA: [Int], stridesB fullB: [Int]) {
        count = shape.reduce(1, *)
        var sizes: [Int] = []
        var stridesA: [Int] = []
        var stridesB: [Int] = []
        for axis in shape.indices where shape[axis] != 1 {
            let size = shape[axis]
            if let last = sizes.indices.last, stridesA[last] == fullA[axis] * size,
                stridesB[last] == fullB[axis] * size
            {
                sizes[last] *= size
                stridesA[last] = fullA[axis]
                stridesB[last] = fullB[axis]
            } else {
                sizes.append(size)
                stridesA.append(fullA[axis])
                stridesB.append(fullB[axis])
            }
        }
        self.sizes = sizes
        self.stridesA = stridesA
        self.stridesB = stridesB
    }

    /// Strides of a contiguous operand of shape `operand` read as if it had shape `shape`:
    /// 0 along dimensions where it is repeated.
    static func broadcastStrides(of operand: [Int], to shape: [Int]) -> [Int] {
        let own = Tensor.contiguousStrides(for: operand)
        let offset = shape.count - operand.count
        return shape.indices.map { axis in
            let ownAxis = axis - offset
            return ownAxis < 0 || operand[ownAxis] == 1 ? 0 : own[ownAxis]
        }
    }

    /// Calls `row(out, a, b, length, stepA, stepB)` for every run of the innermost (merged)
    /// dimension, in order: result positions `out..<out + length` are produced by operand
    /// positions `a, a + stepA, ...` and `b, b + stepB, ...`.
    @inline(__always)
    func forEachRow(
        _ row: (
            _ out: Int, _ a: Int, _ b: Int, _ length: Int, _ stepA: Int, _ stepB: Int
        ) -> Void
    ) {
        guard count > 0 else { return }
        let rank = sizes.count
        guard rank > 0 else {
            row(0, 0, 0, 1, 0, 0)
            return
        }
        let length = sizes[rank - 1]
        let stepA = stridesA[rank - 1]
        let stepB = stridesB[rank - 1]
        // An odometer over the outer dimensions; each step starts the next row.
        var index = [Int](repeating: 0, count: rank)
        var rowA = 0
        var rowB = 0
        for out in stride(from: 0, to: count, by: length) {
            row(out, rowA, rowB, length, stepA, stepB)
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                rowA += stridesA[axis]
                rowB += stridesB[axis]
                if index[axis] < sizes[axis] { break }
                rowA -= stridesA[axis] * sizes[axis]
                rowB -= stridesB[axis] * sizes[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Calls `body(out, a, b)` for every result position `out`, in order, with the positions
    /// `a` and `b` of the operand elements that produce it.
    @inline(__always)
    func forEach(_ body: (_ out: Int, _ a: Int, _ b: Int) -> Void) {
        forEachRow { out, a, b, length, stepA, stepB in
            var positionA = a
            var positionB = b
            for position in out..<(out + length) {
                body(position, positionA, positionB)
                positionA += stepA
                positionB += stepB
            }
        }
    }

    /// A new array shaped like the result whose element `out` is `body(out, a, b)`.
    ///
    /// Serial on purpose: these loops are limited by memory bandwidth, and a closure handed to
    /// a parallel loop is not inlined in debug builds, which costs more than threads gain.
    @inline(__always)
    func map(_ body: (_ out: Int, _ a: Int, _ b: Int) -> Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            forEach { out, a, b in buffer[out] = body(out, a, b) }
            initialized = count
        }
    }

    /// `values` (contiguous in operand `a`'s shape) read along the walk, times `scale`: the
    /// operand repeated (broadcast) or rearranged (permuted) into the result's shape.
    func gather(_ values: [Float], scale: Float = 1) -> [Float] {
        values.withUnsafeBufferPointer { values in
            scale == 1 ? map { _, i, _ in values[i] } : map { _, i, _ in values[i] * scale }
        }
    }
}

/// Sums `source` (a contiguous array of shape `shape`) down to `target` (a shape that
/// broadcasts to `shape`), adding the sums, times `scale`, into `result` (contiguous in
/// `target`).
///
/// This is the backward rule of broadcasting and the forward rule of `sum(axes:)`. Sums run
/// in `Double`, in a fixed order, so they are accurate and identical on every run.
func accumulateSum(
    _ source: UnsafeBufferPointer<Float>, shape: [Int], to target: [Int],
    into result: UnsafeMutableBufferPointer<Float>, scale: Double = 1
) {
    if shape == target {
        let factor = Float(scale)
        for i in 0..<source.count { result[i] += source[i] * factor }
        return
    }
    var sums = [Double](repeating: 0, count: result.count)
    let walk = BroadcastWalk(shape: shape, a: target, b: [])
    sums.withUnsafeMutableBufferPointer { sums in
        walk.forEachRow { out, position, _, length, step, _ in
            if step == 0 {  // the whole row goes into one sum
                var total: Double = 0
                for i in out..<(out + length) { total += Double(source[i]) }
                sums[position] += total
            } else {
                var target = position
                for i in out..<(out + length) {
                    sums[target] += Double(source[i])
                    target += step
                }
            }
        }
    }
    for i in 0..<result.count { result[i] += Float(sums[i] * scale) }
}

/// Adds `gradient` (shaped `shape`, the result of a broadcasting operation) into the gradient
/// of `input`, summed over the dimensions along which `input` was repeated.
func accumulateBroadcastGradient(_ gradient: [Float], shape: [Int], into input: Tensor) {
    if input.shape == shape {
        input.accumulateGradient(gradient)
        return
    }
    input.accumulateGradient { inputGradient in
        gradient.withUnsafeBufferPointer { gradient in
            accumulateSum(gradient, shape: shape, to: input.shape, into: inputGradient)
        }
    }
}
