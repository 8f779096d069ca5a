// Reductions: sum, mean, max, argmax, variance. Axes may be negative (-1 is the last).
// `keepDims: true` keeps reduced dimensions with size 1 (PyTorch's `keepdim=True`), so the
// result broadcasts back against the input (`x - x.mean(axes: [1], keepDims: true)`).
// Sums run in Double in a fixed order: accurate, and identical on every run.

import Checks
import Kernels

extension Tensor {
    /// The sum of all elements, as a rank-0 tensor. ∂/∂x = 1 everywhere.
    public func sum() -> Tensor {
        reduceSum(axes: Array(0..<rank), keepDims: false, divideByCount: false, op: "sum")
    }

    /// Sums over `axes` (none: a copy). ∂/∂x = the output gradient, repeated along `axes`.
    /// - Parameters:
    ///   - axes: the dimensions to sum over; negative values count from the end.
    ///   - keepDims: keep the summed dimensions with size 1.
    /// - Returns: self's shape without `axes` (`[N, C, H, W]` over `[2, 3]` gives `[N, C]`),
    ///   or with each of them 1 when `keepDims` (`[N, C, 1, 1]`).
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        reduceSum(axes: axes, keepDims: keepDims, divideByCount: false, op: "sum")
    }

    /// The mean of all elements, as a rank-0 tensor. ∂/∂x = 1/count everywhere.
    public func mean() -> Tensor {
        reduceSum(axes: Array(0..<rank), keepDims: false, divideByCount: true, op: "mean")
    }

    /// Means over `axes`. ∂/∂x = the output gradient / (elements averaged), repeated.
    ///
    /// - Parameters:
    ///   - axes: the dimensions to average over; negative values count from the end.
    ///   - keepDims: keep the averaged dimensions with size 1.
    /// - Returns: self's shape without `axes`, or with each of them 1 when `keepDims`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        reduceSum(axes: axes, keepDims: keepDims, divideByCount: true, op: "mean")
    }

    /// The shape with `axes` (sorted) set to 1, and the result shape for `keepDims`.
    private func reducedShapes(axes: [Int], keepDims: Bool) -> (kept: [Int], result: [Int]) {
        var kept = shape
        for axis in axes { kept[axis] = 1 }
        let result = keepDims ? kept : shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
        return (kept, result)
    }

    private func reduceSum(axes: [Int], keepDims: Bool, divideByCount: Bool, op: String)
        -> Tensor
    {
        let axes = validated { () throws(ShapeError) in
            try Tensor.normalizedAxes(axes, rank: rank, op: op)
        }
        let (kept, resultShape) = reducedShapes(axes: axes, keepDims: keepDims)
        let reducedCount = axes.reduce(1) { $0 * shape[$1] }
        let scale = divideByCount ? 1 / Double(reducedCount) : 1
        var out = [Float](repeating: 0, count: kept.reduce(1, *))
        data.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                accumulateSum(x, shape: shape, to: kept, into: out, scale: scale)
            }
        }
        let inputShape = shape
        return Tensor(shape: resultShape, data: out, op: op, inputs: [self]) { [self] dy in
            // Every input element receives the gradient of the sum it went into (times 1/n
            // for a mean): the output gradient repeated along the reduced axes.
            let walk = BroadcastWalk(shape: inputShape, a: kept, b: [])
            self.accumulateGradient(walk.gather(dy, scale: Float(scale)))
        }
    }

    /// Dimensions before, along and after `axis`: the tensor read as `[outer, size, inner]`.
    private func splitAround(_ axis: Int) -> (outer: Int, size: Int, inner: Int) {
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    /// For each position of the other dimensions, the index along `axis` of the largest element
    /// (the first one on ties), in row-major order of the other dimensions.
    private func argmaxPositions(axis: Int, op: String) -> [Int] {
        let (outer, size, inner) = splitAround(axis)
        checkArgument(size > 0, "\(op): dimension \(axis) of shape \(shape) is empty")
        var result = [Int](repeating: 0, count: outer * inner)
        data.withUnsafeBufferPointer { x in
            for o in 0..<outer {
                for i in 0..<inner {
                    var best = 0
                    var bestValue = x[o * size * inner + i]
                    for k in 1..<size {
                        let value = x[(o * size + k) * inner + i]
                        if value > bestValue {
                            best = k
                            bestValue = value
                        }
                    }
                    result[o * inner + i] = best
                }
            }
        }
        return result
    }

    /// The index of the largest element along `axis` (first on ties), for every position of
    /// the other dimensions, row-major. `logits.argmax(axis: 1)` on `[N, C]` gives each
    /// sample's predicted class. Not differentiable (returns plain integers).
    public func argmax(axis: Int) -> [Int] {
        let axis = validated { () throws(ShapeError) in
            try Tensor.normalizedAxis(axis, rank: rank, op: "argmax")
        }
        return argmaxPositions(axis: axis, op: "argmax")
    }

    /// The largest element along `axis`. ∂/∂x = the output gradient at the position of the
    /// maximum (the first on ties, as `argmax`), 0 elsewhere.
    ///
    /// - Parameters:
    ///   - axis: the dimension to reduce; negative values count from the end.
    ///   - keepDims: keep that dimension with size 1.
    /// - Returns: self's shape without `axis`, or with it 1 when `keepDims`.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let axis = validated { () throws(ShapeError) in
            try Tensor.normalizedAxis(axis, rank: rank, op: "max")
        }
        let (outer, size, inner) = splitAround(axis)
        let positions = argmaxPositions(axis: axis, op: "max")
        let out = data.withUnsafeBufferPointer { x in
            (0..<(outer * inner)).map { r in
                x[((r / inner) * size + positions[r]) * inner + r % inner]
            }
        }
        let (_, resultShape) = reducedShapes(axes: [axis], keepDims: keepDims)
        return Tensor(shape: resultShape, data: out, op: "max", inputs: [self]) { [self] dy in
            self.accumulateGradient { dx in
                for r in 0..<(outer * inner) {
                    dx[((r / inner) * size + positions[r]) * inner + r % inner] += dy[r]
                }
            }
        }
    }

    /// The largest element, as a rank-0 tensor (gradient to the first maximum).
    public func max() -> Tensor {
        reshaped([-1]).max(axis: 0)
    }

    /// The variance over `axes`: the mean squared deviation from the mean, divided by n - 1
    /// when `unbiased` (PyTorch's default for `torch.var`) or by n otherwise (what batch norm
    /// normalises with). Built from other operations, so autograd differentiates it.
    ///
    /// - Parameters:
    ///   - axes: the dimensions to reduce; negative values count from the end.
    ///   - keepDims: keep the reduced dimensions with size 1.
    ///   - unbiased: divide by n − 1 (true, the default) or by n.
    /// - Returns: self's shape without `axes`, or with each of them 1 when `keepDims`.
    public func variance(axes: [Int], keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        let axes = validated { () throws(ShapeError) in
            try Tensor.normalizedAxes(axes, rank: rank, op: "variance")
        }
        let n = axes.reduce(1) { $0 * shape[$1] }
        let deviation = self - mean(axes: axes, keepDims: true)
        let squares = (deviation * deviation).sum(axes: axes, keepDims: keepDims)
        return squares / Float(unbiased ? n - 1 : n)
    }
}
