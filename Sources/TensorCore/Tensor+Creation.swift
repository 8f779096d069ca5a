import Checks
import Kernels
import Randomness

// Ways to make a leaf tensor. Random ones draw from a `SeededGenerator` that the caller owns
// and passes in (`inout`): there is no hidden global generator, so a seed decides every number.

extension Tensor {
    /// A rank-0 tensor (shape `[]`) holding `value`, like `torch.tensor(2.0)`.
    public convenience init(_ value: Float, requiresGrad: Bool = false) {
        self.init(shape: [], data: [value], requiresGrad: requiresGrad)
    }

    /// A vector (shape `[n]`) of `values`.
    public convenience init(_ values: [Float], requiresGrad: Bool = false) {
        self.init(shape: [values.count], data: values, requiresGrad: requiresGrad)
    }

    /// A matrix (shape `[rows, columns]`) from nested arrays: `Tensor([[1, 2], [3, 4]])`.
    /// Stops with a message when the rows differ in length.
    public convenience init(_ rows: [[Float]], requiresGrad: Bool = false) {
        let columns = rows.first?.count ?? 0
        for (index, row) in rows.enumerated() {
            checkArgument(
                row.count == columns,
                "Tensor(_ rows:): row \(index) has \(row.count) elements but row 0 has \(columns)")
        }
        self.init(
            shape: [rows.count, columns], data: rows.flatMap { $0 }, requiresGrad: requiresGrad)
    }

    /// A rank-3 tensor from nested arrays (`[planes][rows][columns]`).
    /// Stops with a message when the nesting is ragged.
    public convenience init(_ planes: [[[Float]]], requiresGrad: Bool = false) {
        let rows = planes.first?.count ?? 0
        let columns = planes.first?.first?.count ?? 0
        for (p, plane) in planes.enumerated() {
            checkArgument(
                plane.count == rows,
                "Tensor(_ planes:): plane \(p) has \(plane.count) rows but plane 0 has \(rows)")
            for (r, row) in plane.enumerated() {
                checkArgument(
                    row.count == columns,
                    "Tensor(_ planes:): plane \(p) row \(r) has \(row.count) elements, expected "
                        + "\(columns)")
            }
        }
        self.init(
            shape: [planes.count, rows, columns], data: planes.flatMap { $0.flatMap { $0 } },
            requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], value: Float, requiresGrad: Bool = false) -> Tensor {
        let count = elementCount(of: shape, op: "full")
        return Tensor(
            shape: shape, data: [Float](repeating: value, count: count), requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with 0.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, value: 0, requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with 1.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, value: 1, requiresGrad: requiresGrad)
    }

    /// The vector `[0, 1, ..., end - 1]`.
    public static func arange(_ end: Int) -> Tensor {
        checkArgument(end >= 0, "arange: end must be ≥ 0, got \(end)")
        return Tensor((0..<end).map { Float($0) })
    }

    /// The vector `[start, start + step, ...]` of the values below `end` (above it for a
    /// negative step), like `torch.arange(start, end, step)`.
    public static func arange(start: Float, end: Float, step: Float = 1) -> Tensor {
        checkArgument(
            step != 0 && step.isFinite && start.isFinite && end.isFinite,
            "arange: start \(start), end \(end) and step \(step) must be finite, step nonzero")
        let count = Swift.max(0, Int((Double(end - start) / Double(step)).rounded(.up)))
        return Tensor((0..<count).map { start + Float($0) * step })
    }

    /// A tensor of `shape` with independent standard normal samples (mean 0, std 1), drawn in
    /// row-major order from `generator`.
    public static func randn(
        _ shape: [Int], generator: inout SeededGenerator, requiresGrad: Bool = false
    ) -> Tensor {
        let count = elementCount(of: shape, op: "randn")
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = Float(generator.nextNormal()) }
        return Tensor(shape: shape, data: values, requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` with independent samples uniform in `[low, high)`, drawn in
    /// row-major order from `generator`.
    public static func uniform(
        _ shape: [Int], low: Float = 0, high: Float = 1, generator: inout SeededGenerator,
        requiresGrad: Bool = false
    ) -> Tensor {
        checkArgument(low <= high, "uniform: low \(low) must be ≤ high \(high)")
        let count = elementCount(of: shape, op: "uniform")
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = low + (high - low) * generator.nextUnitFloat() }
        return Tensor(shape: shape, data: values, requiresGrad: requiresGrad)
    }
}
