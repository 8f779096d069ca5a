import TensorCore

/// A layer or a network: something with parameters and buffers that maps tensors to tensors.
///
/// Modules form a tree. Each subclass lists its own parameters, buffers and children
/// (`ownParameters`, `ownBuffers`, `children`) under the names PyTorch uses, so that the
/// recursive `namedParameters()` and `stateDict()` produce PyTorch's state-dict keys
/// (`layer1.0.conv1.weight`, `bn1.running_mean`) and weights move between the two with no
/// mapping table.
///
/// Training mode is explicit: every module has a `training` flag, and `train(_:)` sets it
/// on the whole tree (there is no global mode). Batch norm reads it.
///
/// Subclasses override `forward(_:)`; callers use `module(x)` (`callAsFunction`), which
/// also runs the forward hooks.
open class Module {
    /// Whether the module is in training mode (batch norm uses batch statistics and updates
    /// its running estimates). New modules start in training mode, as in PyTorch.
    public private(set) var training = true

    /// Forward hooks, run after `forward` with the module, its input and its output.
    private var forwardHooks: [(id: Int, hook: ForwardHook)] = []
    private var nextHookID = 0

    public init() {}

    /// The computation. Override in every subclass.
    /// - Parameter x: the input; its shape is documented by each subclass.
    open func forward(_ x: Tensor) -> Tensor {
        fatalError("\(typeName).forward(_:) is not implemented: subclasses must override it")
    }

    /// Runs `forward`, then every forward hook registered on this module.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = forward(x)
        for (_, hook) in forwardHooks { hook(self, x, y) }
        return y
    }

    // MARK: - The tree

    /// This module's own trainable tensors, in PyTorch's registration order
    /// (e.g. `[("weight", w), ("bias", b)]`). Not its children's.
    open var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// This module's own buffers: state that is saved but not trained (batch norm's
    /// `running_mean`, `running_var`, `num_batches_tracked`).
    open var ownBuffers: [(name: String, tensor: Tensor)] { [] }

    /// The direct submodules, in PyTorch's registration order, with their attribute names
    /// (`"conv1"`, `"layer1"`, or `"0"`, `"1"` inside a `Sequential`).
    open var children: [(name: String, module: Module)] { [] }

    /// The class name, used in summaries and messages.
    open var typeName: String { String(describing: type(of: self)) }

    /// Every module in the tree, depth first, parents before children, with dotted names
    /// (`""` for this one).
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [(prefix, self)]
        for (name, child) in children {
            result += child.namedModules(prefix: Module.join(prefix, name))
        }
        return result
    }

    /// Every parameter in the tree with its dotted PyTorch name.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        namedModules().flatMap { path, module in
            module.ownParameters.map { (Module.join(path, $0.name), $0.tensor) }
        }
    }

    /// Every buffer in the tree with its dotted PyTorch name.
    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        namedModules().flatMap { path, module in
            module.ownBuffers.map { (Module.join(path, $0.name), $0.tensor) }
        }
    }

    /// All parameters, in state-dict order.
    public var parameters: [Tensor] { namedParameters().map(\.tensor) }

    /// The number of parameter elements (what papers call "parameters").
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Parameters and buffers in PyTorch's `state_dict()` order: for each module, depth first,
    /// its own parameters, then its own buffers, then its children.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        namedModules().flatMap { path, module in
            (module.ownParameters + module.ownBuffers).map {
                (Module.join(path, $0.name), $0.tensor)
            }
        }
    }

    // MARK: - Modes and gradients

    /// Sets training mode on this module and every module below it.
    public func train(_ on: Bool = true) {
        for (_, module) in namedModules() { module.training = on }
    }

    /// Evaluation mode: `train(false)`.
    public func eval() { train(false) }

    /// Clears the gradient of every parameter (they accumulate across `backward()` calls).
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }

    // MARK: - Hooks

    /// Called after a module's forward pass with the module, its input and its output.
    public typealias ForwardHook = (_ module: Module, _ input: Tensor, _ output: Tensor) -> Void

    // listing: forward-hooks
    /// Registers `hook` to run after every forward pass of this module (not its children);
    /// returns an id for `removeForwardHook(_:)`. Used to capture feature maps.
    @discardableResult
    public func registerForwardHook(_ hook: @escaping ForwardHook) -> Int {
        nextHookID += 1
        forwardHooks.append((nextHookID, hook))
        return nextHookID
    }

    /// Removes a hook registered with `registerForwardHook(_:)`.
    public func removeForwardHook(_ id: Int) {
        forwardHooks.removeAll { $0.id == id }
    }
    // listing-end: forward-hooks

    /// How many forward hooks this module holds (not its children's): 0 once every hook
    /// registered has been removed.
    public var forwardHookCount: Int { forwardHooks.count }

    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : "\(prefix).\(name)"
    }
}
