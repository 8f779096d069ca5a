import NN
import ResNetModels

/// Turns a forward trace into summary rows: parents before their layers, layers deeper than
/// `maxDepth` folded into the deepest row shown, and an addition row in each residual block.
struct SummaryRowBuilder {
    let maxDepth: Int
    private(set) var rows: [SummaryRow] = []
    /// Modules whose parameters are already on a row (a module may run more than once).
    private var counted: Set<ObjectIdentifier> = []

    init(maxDepth: Int) {
        self.maxDepth = maxDepth
    }

    /// Adds the rows for `call` (at `depth`) and, within `maxDepth`, for the calls it made.
    mutating func visit(_ call: ModuleCall, depth: Int) {
        let module = call.module
        let isRepeated = counted.contains(ObjectIdentifier(module))
        let expanded = depth < maxDepth && !call.children.isEmpty
        // A row shows its own numbers, and those of the calls below it when they are hidden.
        let accounted = expanded ? [call] : call.subtree
        var parameters = 0
        var trainable = 0
        var work = 0
        for inner in accounted {
            work += multAdds(of: inner.module, outputShape: inner.outputShape)
            guard counted.insert(ObjectIdentifier(inner.module)).inserted else { continue }
            for (_, tensor) in inner.module.ownParameters {
                parameters += tensor.count
                if tensor.requiresGrad { trainable += tensor.count }
            }
        }
        rows.append(
            SummaryRow(
                kind: .module, name: call.name, typeName: module.typeName, depth: depth,
                outputShape: call.outputShape, parameterCount: parameters,
                trainableParameterCount: trainable,
                moduleParameterCount: module.parameterCount,
                moduleTrainableParameterCount: module.trainableParameterCount, multAdds: work,
                isExpanded: expanded, isRepeatedCall: isRepeated))
        guard expanded else { return }

        // The addition happens after the branch (and a projection shortcut), before the
        // final ReLU of a post-activation block; a pre-activation block ends with it.
        var addition: (row: SummaryRow, position: Int)? = nil
        if let block = module as? any ResidualBlock, let kind = block.shortcutKind {
            let endsWithReLU = call.children.last?.module is ReLU
            let position = endsWithReLU ? call.children.count - 1 : call.children.count
            addition = (Self.additionRow(kind, block: call, depth: depth + 1), position)
        }
        for (index, child) in call.children.enumerated() {
            if let addition, addition.position == index { rows.append(addition.row) }
            visit(child, depth: depth + 1)
        }
        if let addition, addition.position == call.children.count { rows.append(addition.row) }
    }

    /// The row of the residual addition `F(x) + shortcut(x)` in `block`'s call.
    private static func additionRow(_ kind: ShortcutKind, block: ModuleCall, depth: Int)
        -> SummaryRow
    {
        SummaryRow(
            kind: .residualAdd(kind), name: block.name, typeName: "Add", depth: depth,
            outputShape: block.outputShape, parameterCount: 0, trainableParameterCount: 0,
            moduleParameterCount: 0, moduleTrainableParameterCount: 0, multAdds: 0,
            isExpanded: false, isRepeatedCall: false)
    }
}
