import ResNetModels
import TextFormat

// The text of a summary: torchinfo's layout (a tree of layers, then totals and a memory
// estimate), with residual additions as rows of their own.

extension ModelSummary {
    /// The table: a header, one line per row with tree glyphs (`├─`, `└─`, `│`), then
    /// totals:
    ///
    ///     Total params: 11,689,512
    ///     Trainable params: 11,689,512
    ///     Non-trainable params: 0
    ///     Total mult-adds (G): 1.81
    ///     Residual additions: 8 (5 identity, 3 projection)
    ///
    /// and torchinfo's memory estimate in MB (10⁶ bytes). Frozen parameters show in
    /// parentheses, a repeated call of a module with parameters as `(recursive)`, zero as `--`.
    public var table: String {
        let header = ["Layer (type: name)", "Output Shape", "Param #", "Trainable", "Mult-Adds"]
        let rightAligned = [false, false, true, false, true]
        let cells = rows.indices.map { index in
            let row = rows[index]
            return [
                treePrefix(forRowAt: index) + row.label, Format.shape(row.outputShape),
                parameterText(row), row.isResidualAdd ? "--" : row.trainability.rawValue,
                row.multAdds == 0 ? "--" : Format.grouped(row.multAdds),
            ]
        }
        let widths = header.indices.map { column in
            ([header] + cells).map { $0[column].count }.max() ?? 0
        }
        func line(_ texts: [String]) -> String {
            let padded = texts.indices.map { column in
                let gap = String(repeating: " ", count: widths[column] - texts[column].count)
                return rightAligned[column] ? gap + texts[column] : texts[column] + gap
            }
            let text = padded.joined(separator: "   ")
            return String(text.reversed().drop { $0 == " " }.reversed())
        }
        let width = widths.reduce(0, +) + 3 * (widths.count - 1)
        let divider = String(repeating: "=", count: width)

        var lines = [divider, line(header), divider]
        lines += cells.map(line)
        lines.append(divider)
        lines += totalLines
        lines.append(divider)
        lines += memoryLines
        lines.append(divider)
        return lines.joined(separator: "\n")
    }

    private var totalLines: [String] {
        let (unit, amount) = scaledCount(totals.multAdds)
        var lines = [
            "Total params: \(Format.grouped(totals.parameters))",
            "Trainable params: \(Format.grouped(totals.trainableParameters))",
            "Non-trainable params: \(Format.grouped(totals.nonTrainableParameters))",
            "Total mult-adds\(unit.isEmpty ? "" : " (\(unit))"): \(amount)",
        ]
        let kinds = ShortcutKind.allCases.compactMap { kind in
            totals.residualAddsByKind[kind].map { "\($0) \(kind)" }
        }
        lines.append(
            "Residual additions: \(totals.residualAdds)"
                + (kinds.isEmpty ? "" : " (" + kinds.joined(separator: ", ") + ")"))
        return lines
    }

    private var memoryLines: [String] {
        func megabytes(_ bytes: Int) -> String { Format.fixed(Double(bytes) / 1e6, 2) }
        return [
            "Input size (MB): \(megabytes(totals.inputBytes))",
            "Forward/backward pass size (MB): \(megabytes(totals.forwardBackwardBytes))",
            "Params size (MB): \(megabytes(totals.parameterBytes))",
            "Estimated Total Size (MB): \(megabytes(totals.estimatedTotalBytes))",
        ]
    }

    /// The glyphs before a row's label: a `│` for each open ancestor level, then `├─` or
    /// `└─` (last among its siblings).
    private func treePrefix(forRowAt index: Int) -> String {
        let depth = rows[index].depth
        guard depth > 0 else { return "" }
        var prefix = ""
        for level in 1..<depth {
            prefix += hasLaterSibling(after: index, atDepth: level) ? "│  " : "   "
        }
        return prefix + (hasLaterSibling(after: index, atDepth: depth) ? "├─" : "└─")
    }

    /// Whether a row at `depth` follows row `index` before the tree climbs above `depth`.
    private func hasLaterSibling(after index: Int, atDepth depth: Int) -> Bool {
        for row in rows[(index + 1)...] {
            if row.depth < depth { return false }
            if row.depth == depth { return true }
        }
        return false
    }

    private func parameterText(_ row: SummaryRow) -> String {
        if row.isRepeatedCall && row.moduleParameterCount > 0 { return "(recursive)" }
        if row.parameterCount == 0 { return "--" }
        let count = Format.grouped(row.parameterCount)
        return row.trainableParameterCount == 0 ? "(\(count))" : count
    }
}

/// A count in torchinfo's units: `("G", "1.81")` for 1,814,073,344; `("", "950")` below 1,000.
func scaledCount(_ value: Int) -> (unit: String, text: String) {
    let units: [(String, Double)] = [("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3)]
    for (unit, scale) in units where Double(value) >= scale {
        return (unit, Format.fixed(Double(value) / scale, 2))
    }
    return ("", String(value))
}
