import NN
import ResNetModels

/// A torchinfo-like summary of a model: its layer tree in the order the forward pass ran,
/// each layer's output shape, parameters, trainability and mult-adds, plus, unlike torchinfo,
/// a row for every residual addition; then totals and a memory estimate.
///
/// ```swift
/// var generator = SeededGenerator(seed: 0)
/// let model = ResNet.resnet18(generator: &generator)
/// print(summary(of: model, inputShape: [1, 3, 224, 224]))
/// // ...
/// // Total params: 11,689,512
/// ```
///
/// Made by one forward pass on zeros of `inputShape`, in eval mode and without gradients,
/// with a forward hook on every module; the model's training flags are restored and its hooks
/// removed afterwards. `rows` holds the lines for lessons that draw their own tables; `table`
/// (also `description`) is the text.
public struct ModelSummary: CustomStringConvertible, Sendable {
    /// The model's class (`"ResNet"`).
    public let modelName: String
    /// The input the forward pass ran on.
    public let inputShape: [Int]
    /// What the model returned.
    public let outputShape: [Int]
    /// The deepest nesting shown: 0 shows the model alone, 1 its children, 3 (the default)
    /// a ResNet's layers inside each block. Deeper layers are folded into their parent row.
    public let depth: Int
    /// The lines of the table, in forward order, parents before their layers.
    public let rows: [SummaryRow]
    /// Totals over the whole model, whatever `depth` hides.
    public let totals: SummaryTotals

    /// Summarises `model` on an input of `inputShape`.
    /// - Parameters:
    ///   - model: any module; it is left as it was (training flags, hooks, weights and
    ///     batch-norm statistics).
    ///   - inputShape: the input, e.g. [1, 3, 224, 224]; numbers scale with its batch size.
    ///   - depth: the deepest nesting shown (≥ 0).
    public init(of model: Module, inputShape: [Int], depth: Int = 3) {
        precondition(depth >= 0, "summary(of:inputShape:depth:): depth must be ≥ 0, got \(depth)")
        let root = ForwardTrace.run(model, inputShape: inputShape, caller: "summary(of:)")
        self.modelName = model.typeName
        self.inputShape = inputShape
        self.outputShape = root.outputShape
        self.depth = depth
        var builder = SummaryRowBuilder(maxDepth: depth)
        builder.visit(root, depth: 0)
        self.rows = builder.rows
        self.totals = SummaryTotals(
            parameters: model.parameterCount,
            trainableParameters: model.trainableParameterCount,
            multAdds: root.subtree.reduce(0) {
                $0 + multAdds(of: $1.module, outputShape: $1.outputShape)
            },
            inputBytes: inputShape.reduce(1, *) * 4,
            forwardBackwardBytes: Self.forwardBackwardBytes(root),
            parameterBytes: model.parameterCount * 4,
            residualAddsByKind: Self.residualAdds(root))
    }

    /// The residual-addition rows, one per residual block shown with its layers.
    public var residualAddRows: [SummaryRow] { rows.filter(\.isResidualAdd) }

    /// The summary as text; see `table`.
    public var description: String { table }

    /// torchinfo's rule: outputs of leaf calls of modules with parameters, 4 bytes each, twice.
    private static func forwardBackwardBytes(_ root: ModuleCall) -> Int {
        root.leaves
            .filter { !$0.module.ownParameters.isEmpty }
            .reduce(0) { $0 + $1.outputShape.reduce(1, *) * 4 * 2 }
    }

    private static func residualAdds(_ root: ModuleCall) -> [ShortcutKind: Int] {
        var counts: [ShortcutKind: Int] = [:]
        for call in root.subtree {
            if let block = call.module as? any ResidualBlock, let kind = block.shortcutKind {
                counts[kind, default: 0] += 1
            }
        }
        return counts
    }
}

/// Summarises `model` on an input of `inputShape`: `ModelSummary(of:inputShape:depth:)`.
///
/// `print(summary(of: model, inputShape: [1, 1, 28, 28]))` prints the table.
public func summary(of model: Module, inputShape: [Int], depth: Int = 3) -> ModelSummary {
    ModelSummary(of: model, inputShape: inputShape, depth: depth)
}
