import TensorCore

/// A module path that names no module: the message lists the paths that exist.
public struct ModulePathError: Error, Equatable, CustomStringConvertible {
    /// The path given.
    public let path: String
    /// Every module path of the model, in order ("" is the model itself).
    public let validPaths: [String]

    /// The message: `no module at "layer5": the modules are conv1, bn1, ...`, listing at most
    /// 40 paths (the model's own path, "", left out).
    public var description: String {
        let shown = validPaths.filter { !$0.isEmpty }
        let list =
            shown.count > 40
            ? shown.prefix(40).joined(separator: ", ") + ", … (\(shown.count) in all)"
            : shown.joined(separator: ", ")
        return "no module at \"\(path)\": the modules are \(list)"
    }
}

// Modules by their dotted paths (`layer4`, `layer2.0.conv1`, `fc`), the names of PyTorch's
// `named_modules()`: for freezing and unfreezing parts of a network by name in fine-tuning
// (lesson 09). A misspelt path is an error that lists the real ones, where PyTorch's
// attribute-based code would fail in silence (`requiers_gard`).
extension Module {
    /// The module at `path` (`""` is this module).
    /// - Parameter path: a dotted name as `namedModules()` gives it: `"layer2.0.conv1"`.
    /// - Throws: `ModulePathError` listing every valid path when there is none.
    public func module(at path: String) throws(ModulePathError) -> Module {
        let modules = namedModules()
        guard let found = modules.first(where: { $0.name == path }) else {
            throw ModulePathError(path: path, validPaths: modules.map(\.name))
        }
        return found.module
    }

    /// Freezes the modules at `paths` (their parameters stop requiring gradients).
    /// - Parameter paths: dotted module names (`"conv1"`, `"layer1"`, `"layer2.0"`).
    /// - Throws: `ModulePathError` for the first path that names no module, before anything
    ///   is changed.
    public func freeze(_ paths: String...) throws(ModulePathError) {
        for module in try modules(at: paths) { module.freeze() }
    }

    /// Unfreezes the modules at `paths` (their parameters require gradients again).
    /// - Parameter paths: dotted module names (`"layer4"`, `"fc"`).
    /// - Throws: `ModulePathError` for the first path that names no module, before anything
    ///   is changed.
    public func unfreeze(_ paths: String...) throws(ModulePathError) {
        for module in try modules(at: paths) { module.unfreeze() }
    }

    /// Freezes every parameter whose dotted name satisfies `predicate`
    /// (`model.freeze { !$0.hasPrefix("fc.") }` freezes all but the head).
    /// - Parameter predicate: is given each parameter's dotted name (`"layer1.0.bn1.weight"`).
    /// - Returns: how many parameter tensors it froze.
    @discardableResult
    public func freeze(where predicate: (String) -> Bool) -> Int {
        var count = 0
        for (name, parameter) in namedParameters() where predicate(name) {
            parameter.requiresGrad = false
            count += 1
        }
        return count
    }

    private func modules(at paths: [String]) throws(ModulePathError) -> [Module] {
        var found: [Module] = []
        for path in paths { found.append(try module(at: path)) }
        return found
    }

    /// Puts every batch norm below this module in eval mode (running statistics, not the
    /// batch's) while the rest stays as it is: for fine-tuning with batches too small for
    /// good statistics. Call it after `train()`, which switches them back.
    public func evalBatchNorms() {
        for (_, module) in namedModules() where module is BatchNorm2d { module.eval() }
    }
}
