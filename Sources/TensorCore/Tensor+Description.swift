import Foundation

// Printing, in PyTorch's style:
//
//     tensor([[ 0.1000, -1.2000],
//             [ 3.0000,  4.0000]], shape: [2, 2], op: mul)
//
// Four decimals, or scientific notation when magnitudes are far apart; whole numbers print
// as `1.`; tensors over 1000 elements show three items at each end of every dimension.

extension Tensor: CustomStringConvertible {
    /// The values in PyTorch's style, then the shape, the name, and the operation that made
    /// the tensor (or `requiresGrad: true` for a leaf that requires gradients):
    ///
    ///     tensor([[ 0.1000, -1.2000],
    ///             [ 3.0000,  4.0000]], shape: [2, 2], op: mul)
    ///
    /// Four decimals, or scientific notation when magnitudes are far apart; tensors over 1000
    /// elements show three items at each end of every dimension.
    public var description: String {
        var suffix = ["shape: \(shape)"]
        if let name { suffix.append("name: \"\(name)\"") }
        if let node = backwardNode {
            suffix.append("op: \(node.op)")
        } else if requiresGrad {
            suffix.append("requiresGrad: true")
        }
        return "tensor(\(formattedValues(indent: "tensor(".count)), "
            + suffix.joined(separator: ", ") + ")"
    }

    /// The values as nested brackets, continuation lines indented by `indent` spaces.
    func formattedValues(indent: Int) -> String {
        guard count > 0 else { return "[]" }
        let format = Tensor.numberFormat(for: data)
        let summarize = count > 1000
        // The widest entries are the extremes, so measuring those aligns every column.
        let extremes = [data.min()!, data.max()!].map(format)
        let width = extremes.map(\.count).max()!
        let cell = { (value: Float) -> String in
            let text = format(value)
            return String(repeating: " ", count: width - text.count) + text
        }
        if rank == 0 { return cell(data[0]) }
        return block(
            axis: 0, base: 0, indent: String(repeating: " ", count: indent), cell: cell,
            summarize: summarize)
    }

    /// Brackets for dimension `axis` starting at element `base`.
    private func block(
        axis: Int, base: Int, indent: String, cell: (Float) -> String, summarize: Bool
    ) -> String {
        let size = shape[axis]
        let stride = strides[axis]
        let shown: [Int?] =
            summarize && size > 6 ? [0, 1, 2, nil, size - 3, size - 2, size - 1] : Array(0..<size)
        if axis == rank - 1 {
            let items = shown.map { index in index.map { cell(data[base + $0 * stride]) } ?? "..." }
            return "[" + items.joined(separator: ", ") + "]"
        }
        let inner = indent + " "
        let separator = "," + String(repeating: "\n", count: rank - axis - 1) + inner
        let items = shown.map { index in
            index.map {
                block(
                    axis: axis + 1, base: base + $0 * stride, indent: inner, cell: cell,
                    summarize: summarize)
            } ?? "..."
        }
        return "[" + items.joined(separator: separator) + "]"
    }

    /// How to print the numbers of one tensor, chosen from all of them (as PyTorch does).
    static func numberFormat(for values: [Float]) -> (Float) -> String {
        let finite = values.filter { $0.isFinite }
        let magnitudes = finite.map { abs($0) }.filter { $0 > 0 }
        let wholeNumbers = finite.allSatisfy { $0 == $0.rounded() && abs($0) < 1e8 }
        let largest = magnitudes.max() ?? 0
        let smallest = magnitudes.min() ?? 0
        let spread = largest / smallest > 1000
        let scientific = largest >= 1e8 || (spread && (largest > 1e4 || smallest < 1e-4))
        return { value in
            guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
            if wholeNumbers { return String(format: "%.0f.", Double(value)) }
            if scientific { return String(format: "%.4e", Double(value)) }
            return String(format: "%.4f", Double(value))
        }
    }
}
