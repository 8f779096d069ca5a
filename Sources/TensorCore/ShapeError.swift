import Checks
import Kernels

/// Why an operation cannot accept its arguments: the message names the operation, the shapes
/// it got and what it expected (`"add: shapes [2, 3] and [4] do not broadcast: ..."`).
///
/// The shape rules (`Tensor.broadcastShape`, `Tensor.reshapeTarget`, axis checks, ...) throw
/// this error so that tests and lessons can inspect it. The operations themselves stop the
/// program with the same message, as an index out of range does: a wrong shape is a bug in
/// the calling code, not a condition to recover from.
public typealias ShapeError = ArgumentError

/// Runs a shape rule, stopping the program with its message when it throws.
@inline(__always)
func validated<T>(
    file: StaticString = #fileID, line: UInt = #line, _ rule: () throws(ShapeError) -> T
) -> T {
    do {
        return try rule()
    } catch {
        fatalError(error.message, file: file, line: line)
    }
}

extension Tensor {
    /// Resolves an axis that may count from the end (`-1` is the last) to `0..<rank`.
    /// - Throws: `ShapeError` naming `op` when the axis is out of range.
    public static func normalizedAxis(_ axis: Int, rank: Int, op: String) throws(ShapeError) -> Int
    {
        guard axis >= -rank && axis < rank else {
            throw ShapeError(
                "\(op): axis \(axis) is out of range for a tensor of rank \(rank) "
                    + "(expected \(-rank)...\(rank - 1))")
        }
        return axis < 0 ? axis + rank : axis
    }

    /// Resolves a list of axes (negative ones count from the end) to sorted, distinct axes in
    /// `0..<rank`.
    /// - Throws: `ShapeError` naming `op` for an axis out of range or repeated.
    public static func normalizedAxes(_ axes: [Int], rank: Int, op: String) throws(ShapeError)
        -> [Int]
    {
        var result: [Int] = []
        for axis in axes {
            let resolved = try normalizedAxis(axis, rank: rank, op: op)
            guard !result.contains(resolved) else {
                throw ShapeError("\(op): axis \(axis) appears more than once in \(axes)")
            }
            result.append(resolved)
        }
        return result.sorted()
    }
}
