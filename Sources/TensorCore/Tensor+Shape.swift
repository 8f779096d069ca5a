// Shape operations. Storage is always contiguous and row-major, so a reshape keeps the
// elements in the same order (the array is shared, copy-on-write) while a permutation copies
// them into the new order. Backward: a reshape passes the gradient through unchanged (only
// its shape differs); a permutation sends it back through the inverse permutation.

import Checks
import Kernels

extension Tensor {
    /// The shape a reshape produces: `requested` with its one `-1` (if any) replaced by the
    /// size that keeps the element count.
    /// - Throws: `ShapeError` when the counts differ, a size is below -1, or -1 appears twice
    ///   or cannot be inferred.
    public static func reshapeTarget(from shape: [Int], to requested: [Int], op: String = "reshape")
        throws(ShapeError) -> [Int]
    {
        let count = shape.reduce(1, *)
        let inferred = requested.indices.filter { requested[$0] == -1 }
        guard inferred.count <= 1 else {
            throw ShapeError("\(op): only one dimension can be -1, got \(requested)")
        }
        guard requested.allSatisfy({ $0 >= -1 }) else {
            throw ShapeError("\(op): sizes must be ≥ 0 or -1, got \(requested)")
        }
        let known = requested.filter { $0 != -1 }.reduce(1, *)
        var result = requested
        if let axis = inferred.first {
            guard known > 0, count % known == 0 else {
                throw ShapeError(
                    "\(op): cannot reshape \(shape) (\(count) elements) to \(requested): the "
                        + "other sizes multiply to \(known), which does not divide \(count)")
            }
            result[axis] = count / known
        } else if known != count {
            throw ShapeError(
                "\(op): cannot reshape \(shape) (\(count) elements) to \(requested) "
                    + "(\(known) elements)")
        }
        return result
    }

    /// The same elements with another shape (row-major order kept), like PyTorch's `reshape`.
    /// One size may be -1, inferred from the others: `x.reshaped([n, -1])`.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let target = validated { () throws(ShapeError) in
            try Tensor.reshapeTarget(from: shape, to: newShape)
        }
        return withShape(target, op: "reshape")
    }

    /// The same elements with shape `newShape` (same count), recorded as `op`. The backward
    /// pass hands the output gradient through unchanged.
    func withShape(_ newShape: [Int], op: String) -> Tensor {
        Tensor(shape: newShape, data: data, op: op, inputs: [self]) { [self] dy in
            self.accumulateGradient(dy)
        }
    }

    /// Merges dimensions `startDim...endDim` into one, like `torch.flatten`:
    /// `[N, C, H, W].flattened(startDim: 1)` is `[N, C·H·W]`. Negative dims count from the end.
    public func flattened(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if rank == 0 { return withShape([1], op: "flatten") }
        let (start, end) = validated { () throws(ShapeError) in
            let start = try Tensor.normalizedAxis(startDim, rank: rank, op: "flatten")
            let end = try Tensor.normalizedAxis(endDim, rank: rank, op: "flatten")
            guard start <= end else {
                throw ShapeError(
                    "flatten: startDim \(startDim) comes after endDim \(endDim) for shape \(shape)")
            }
            return (start, end)
        }
        let merged = shape[start...end].reduce(1, *)
        return withShape(Array(shape[..<start]) + [merged] + shape[(end + 1)...], op: "flatten")
    }

    /// Removes dimension `axis` if its size is 1 (otherwise returns the same shape, as
    /// PyTorch does).
    public func squeezed(axis: Int) -> Tensor {
        let axis = validated { () throws(ShapeError) in
            try Tensor.normalizedAxis(axis, rank: rank, op: "squeeze")
        }
        var newShape = shape
        if shape[axis] == 1 { newShape.remove(at: axis) }
        return withShape(newShape, op: "squeeze")
    }

    /// Removes every dimension of size 1: `[N, 1, H, 1]` becomes `[N, H]`.
    public func squeezed() -> Tensor {
        withShape(shape.filter { $0 != 1 }, op: "squeeze")
    }

    /// Inserts a dimension of size 1 at `axis` (`0...rank`; negative counts from the end, so
    /// -1 appends): `[3].unsqueezed(axis: 0)` is `[1, 3]`.
    public func unsqueezed(axis: Int) -> Tensor {
        let position = validated { () throws(ShapeError) in
            try Tensor.normalizedAxis(axis, rank: rank + 1, op: "unsqueeze")
        }
        var newShape = shape
        newShape.insert(1, at: position)
        return withShape(newShape, op: "unsqueeze")
    }

    /// Reorders the dimensions: result dimension `k` is input dimension `dims[k]`, like PyTorch's
    /// `permute`. `[N, C, H, W].permuted([0, 2, 3, 1])` is NHWC. The elements are copied into
    /// the new row-major order.
    public func permuted(_ dims: [Int]) -> Tensor {
        permuted(dims, op: "permute")
    }

    /// The transpose of a matrix: `[m, n]` becomes `[n, m]`.
    public func transposed() -> Tensor {
        checkArgument(
            rank == 2, "transpose: expected a matrix [m, n], got shape \(shape); use permuted(_:)")
        return permuted([1, 0], op: "transpose")
    }

    private func permuted(_ dims: [Int], op: String) -> Tensor {
        let order = validated { () throws(ShapeError) in
            let order = try dims.map { axis throws(ShapeError) in
                try Tensor.normalizedAxis(axis, rank: rank, op: op)
            }
            guard order.count == rank, Set(order).count == rank else {
                throw ShapeError(
                    "\(op): \(dims) is not a permutation of the \(rank) dimensions of \(shape)")
            }
            return order
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (k, axis) in order.enumerated() { inverse[axis] = k }
        let newShape = order.map { shape[$0] }
        let out = Tensor.permute(data, shape: shape, order: order)
        return Tensor(shape: newShape, data: out, op: op, inputs: [self]) { [self] dy in
            self.accumulateGradient(Tensor.permute(dy, shape: newShape, order: inverse))
        }
    }

    /// The elements of a contiguous array of shape `shape`, rearranged so that dimension `k`
    /// of the result is dimension `order[k]` of the input.
    static func permute(_ values: [Float], shape: [Int], order: [Int]) -> [Float] {
        let strides = contiguousStrides(for: shape)
        let walk = BroadcastWalk(
            shape: order.map { shape[$0] }, stridesA: order.map { strides[$0] },
            stridesB: [Int](repeating: 0, count: order.count))
        return walk.gather(values)
    }
}
