import Kernels

// Broadcasting, as in NumPy and PyTorch: shapes are aligned at their last dimension; two sizes
// match when they are equal or one of them is 1 (that operand is repeated along the
// dimension); a missing leading dimension counts as 1. [3, 1] with [1, 4] gives [3, 4];
// [2, 3, 4] with [4] gives [2, 3, 4]. The backward rule is the mirror image: an operand that
// was repeated along a dimension receives the *sum* of the gradient along it.

extension Tensor {
    /// The shape that `a` and `b` broadcast to.
    /// - Throws: `ShapeError` naming `op`, both shapes and the first dimension that differs.
    public static func broadcastShape(_ a: [Int], _ b: [Int], op: String = "broadcast")
        throws(ShapeError) -> [Int]
    {
        let rank = max(a.count, b.count)
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
/// row. The walk is row by row: the last (merged) dimension is the inner loop.
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

    /// The length of one row (the innermost merged dimension).
    var rowLength: Int { sizes.last ?? 1 }

    /// The number of rows (`count / rowLength`).
    var rowCount: Int { count == 0 ? 0 : count / rowLength }

    /// Calls `body(out, a, b)` for every result position `out` in the given rows, in order,
    /// with the positions `a` and `b` of the operand elements that produce it.
    @inline(__always)
    func forEach(rows: Range<Int>, _ body: (_ out: Int, _ a: Int, _ b: Int) -> Void) {
        guard !rows.isEmpty else { return }
        let rank = sizes.count
        guard rank > 0 else {
            body(0, 0, 0)
            return
        }
        let length = sizes[rank - 1]
        let stepA = stridesA[rank - 1]
        let stepB = stridesB[rank - 1]
        // An odometer over the outer dimensions, started at the first requested row.
        var index = [Int](repeating: 0, count: rank)
        var rowA = 0
        var rowB = 0
        var remaining = rows.lowerBound
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            index[axis] = remaining % sizes[axis]
            remaining /= sizes[axis]
            rowA += index[axis] * stridesA[axis]
            rowB += index[axis] * stridesB[axis]
        }
        var out = rows.lowerBound * length
        for _ in rows {
            var positionA = rowA
            var positionB = rowB
            for _ in 0..<length {
                body(out, positionA, positionB)
                out += 1
                positionA += stepA
                positionB += stepB
            }
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

    /// Calls `body(out, a, b)` for every result position, in order.
    @inline(__always)
    func forEach(_ body: (_ out: Int, _ a: Int, _ b: Int) -> Void) {
        forEach(rows: 0..<rowCount, body)
    }

    /// A new array shaped like the result whose element `out` is `body(out, a, b)`, computed
    /// in parallel when large.
    @inline(__always)
    func map(_ body: (_ out: Int, _ a: Int, _ b: Int) -> Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = buffer.baseAddress
            parallelForEach { out, a, b in base![out] = body(out, a, b) }
            initialized = count
        }
    }

    /// Calls `body(out, a, b)` for every result position, spread over `Parallel` threads by
    /// rows when the result is large. `body` must write only position `out` of its result, so
    /// the numbers are the same for any thread count.
    @inline(__always)
    func parallelForEach(_ body: (_ out: Int, _ a: Int, _ b: Int) -> Void) {
        let minimumRows = max(1, parallelGrain / max(1, rowLength))
        Parallel.forChunks(rowCount, minimumChunk: minimumRows) { rows in
            forEach(rows: rows, body)
        }
    }
}

/// Elements below which an elementwise loop stays on one thread (thread start-up costs more).
let parallelGrain = 1 << 15

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
        walk.forEach { out, position, _ in
            sums[position] += Double(source[out])
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

/// A new array of `count` elements whose element `i` is `body(i)`, computed in parallel chunks
/// when large (each element is written once, so the result does not depend on threads).
@inline(__always)
func parallelArray(count: Int, _ body: (Int) -> Float) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        let base = buffer.baseAddress
        Parallel.forChunks(count, minimumChunk: parallelGrain) { range in
            for i in range { base![i] = body(i) }
        }
        initialized = count
    }
}

/// Runs `body` with read-only pointers to the elements of two arrays.
@inline(__always)
func withBuffers<R>(
    _ x: [Float], _ y: [Float],
    _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> R
) -> R {
    x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in body(x, y) } }
}

/// Runs `body` with read-only pointers to the elements of three arrays.
@inline(__always)
func withBuffers<R>(
    _ x: [Float], _ y: [Float], _ z: [Float],
    _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>)
        -> R
) -> R {
    x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in z.withUnsafeBufferPointer { z in body(x, y, z) } }
    }
}

/// Adds `body(i)` into element `i` of `input`'s gradient, for every element, in parallel
/// chunks when large. For the backward rules of elementwise operations
/// (`dx[i] += dy[i] * f'(x[i])`). Skipped when `input` does not require gradients.
@inline(__always)
func accumulateElementwise(into input: Tensor, _ body: (Int) -> Float) {
    input.accumulateGradient { gradient in
        let base = gradient.baseAddress
        Parallel.forChunks(gradient.count, minimumChunk: parallelGrain) { range in
            for i in range { base![i] += body(i) }
        }
    }
}
