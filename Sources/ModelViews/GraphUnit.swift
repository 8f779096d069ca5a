import NN
import ResNetModels

/// A piece of a model graph: a layer (one node), a residual block (a node, or a cluster of
/// its layers) or a group of pieces (a cluster: a stage, the stem, the head).
indirect enum GraphUnit {
    case layer(name: String, module: Module)
    case block(name: String, block: any ResidualBlock)
    case group(name: String, units: [GraphUnit])

    /// The pieces of `model`, in the order of its module tree. When the model has stages
    /// (containers among its children), the layers before the first are grouped as `stem`
    /// and those after the last as `head`.
    static func top(of model: Module) -> [GraphUnit] {
        if let single = unit(model, name: "") { return [single] }
        let units = model.children.map { name, child in
            unit(child, name: name) ?? .group(name: name, units: inner(child, name: name))
        }
        guard units.contains(where: \.isGroup) else { return units }
        let stem = units.prefix { !$0.isGroup }
        let head = units.reversed().prefix { !$0.isGroup }.reversed()
        let middle = units.dropFirst(stem.count).dropLast(head.count)
        return (stem.isEmpty ? [] : [.group(name: "stem", units: Array(stem))])
            + middle + (head.isEmpty ? [] : [.group(name: "head", units: Array(head))])
    }

    /// The pieces inside the container `module` named `name`.
    private static func inner(_ module: Module, name: String) -> [GraphUnit] {
        module.children.map { childName, child in
            let path = name.isEmpty ? childName : "\(name).\(childName)"
            return unit(child, name: path) ?? .group(name: path, units: inner(child, name: path))
        }
    }

    /// A block or a leaf as one piece; nil for a container.
    private static func unit(_ module: Module, name: String) -> GraphUnit? {
        if let block = module as? any ResidualBlock { return .block(name: name, block: block) }
        if module.children.isEmpty { return .layer(name: name, module: module) }
        return nil
    }

    var isGroup: Bool {
        if case .group = self { return true }
        return false
    }
}
