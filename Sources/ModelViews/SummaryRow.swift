import ResNetModels

/// One line of a `ModelSummary`: one forward call of one module, or one residual addition.
///
/// Rows come in the order the forward pass ran, each module before the layers inside it (as
/// torchinfo lists them). Numbers are what the row accounts for: its module's own parameters
/// and mult-adds, plus those of any layers below it that the summary's `depth` hides.
/// Summing `parameterCount` or `multAdds` over all rows gives the model's totals.
public struct SummaryRow: Hashable, Sendable {
    /// What a row stands for.
    public enum Kind: Hashable, Sendable {
        /// A forward call of a module.
        case module
        /// The addition `F(x) + shortcut(x)` inside a residual block, with the block's kind of
        /// shortcut. It has no module (torchinfo never sees it), no parameters and, by
        /// torchinfo's convention, no mult-adds.
        case residualAdd(ShortcutKind)
    }

    /// A module call or a residual addition.
    public var kind: Kind
    /// The module's dotted name (`"layer1.0.conv1"`; `""` for the model itself); for a
    /// residual addition, the name of its block (`"layer1.0"`).
    public var name: String
    /// The module's class (`"Conv2d"`, `"BasicBlock"`); `"Add"` for a residual addition.
    public var typeName: String
    /// Nesting: 0 for the model, 1 for its children, ...; a residual addition sits at the
    /// depth of its block's layers.
    public var depth: Int
    /// The shape of the output (for a residual addition, of the sum).
    public var outputShape: [Int]
    /// Parameters this row accounts for: the module's own, plus those of hidden layers below
    /// it. 0 on a repeated call of a module already counted.
    public var parameterCount: Int
    /// The part of `parameterCount` that requires gradients.
    public var trainableParameterCount: Int
    /// All parameters of the module and everything below it, shown or not.
    public var moduleParameterCount: Int
    /// The part of `moduleParameterCount` that requires gradients.
    public var moduleTrainableParameterCount: Int
    /// Multiply-accumulates this row accounts for, for the whole batch (see
    /// `multAdds(of:outputShape:)` for the convention).
    public var multAdds: Int
    /// Whether rows for the layers inside this module follow it.
    public var isExpanded: Bool
    /// Whether this is a second or later call of the same module in one forward pass (a
    /// block's ReLU runs twice); its parameters were counted on the first call.
    public var isRepeatedCall: Bool

    /// Whether the row is a residual addition.
    public var isResidualAdd: Bool {
        if case .residualAdd = kind { return true }
        return false
    }

    /// The shortcut a residual addition adds; nil for module rows.
    public var shortcutKind: ShortcutKind? {
        if case .residualAdd(let shortcut) = kind { return shortcut }
        return nil
    }

    /// Whether the module's parameters train: all, none, some, or it has none.
    public var trainability: Trainability {
        Trainability(parameters: moduleParameterCount, trainable: moduleTrainableParameterCount)
    }

    /// The text of the layer column, without tree glyphs: `"Conv2d: layer1.0.conv1"`, the
    /// model's type alone for the model, `"+ shortcut (identity)"` for a residual addition.
    public var label: String {
        if let shortcutKind { return "+ shortcut (\(shortcutKind))" }
        return name.isEmpty ? typeName : "\(typeName): \(name)"
    }
}

/// Whether a module's parameters require gradients, as the "Trainable" column shows it.
public enum Trainability: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Every parameter requires gradients.
    case trainable = "True"
    /// None does (a frozen module).
    case frozen = "False"
    /// Some do and some do not.
    case partial = "Partial"
    /// The module has no parameters.
    case noParameters = "--"

    /// The trainability of `parameters` elements of which `trainable` require gradients.
    public init(parameters: Int, trainable: Int) {
        if parameters == 0 {
            self = .noParameters
        } else if trainable == parameters {
            self = .trainable
        } else if trainable == 0 {
            self = .frozen
        } else {
            self = .partial
        }
    }

    /// The column's text: `True`, `False`, `Partial` or `--`.
    public var description: String { rawValue }
}
