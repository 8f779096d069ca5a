import NN
import TensorCore

/// One forward call of one module, with the calls it made inside (its children's calls, in
/// the order they ran).
final class ModuleCall {
    /// The module that ran.
    let module: Module
    /// Its dotted name in the traced model (`"layer1.0.conv1"`, `""` for the model itself).
    let name: String
    /// The shape of what it returned.
    let outputShape: [Int]
    /// The calls made during this one, in order.
    var children: [ModuleCall] = []

    init(module: Module, name: String, outputShape: [Int]) {
        self.module = module
        self.name = name
        self.outputShape = outputShape
    }

    /// This call and every call below it, parents first.
    var subtree: [ModuleCall] {
        [self] + children.flatMap(\.subtree)
    }

    /// The calls below this one that made no calls themselves (the layers that computed).
    var leaves: [ModuleCall] {
        children.isEmpty ? [self] : children.flatMap(\.leaves)
    }
}

/// Runs a model once and records which module ran inside which, and what each returned.
///
/// Forward hooks run *after* a module's forward pass, so children report before their parent.
/// The trace keeps the finished calls that no parent has claimed yet; when a module finishes,
/// the unclaimed calls at the end of that list that belong to modules below it (by dotted name)
/// are the calls it made, in order. The model's own call, finishing last, claims the rest.
enum ForwardTrace {
    /// Runs `model` on zeros of `inputShape`, in eval mode and without recording gradients,
    /// with a forward hook on every module; returns the model's call, holding every other.
    ///
    /// Afterwards every module has its old `training` flag back and no hook is left behind.
    /// - Parameters:
    ///   - inputShape: e.g. [N, C, H, W] for an image model; every size ≥ 1.
    ///   - caller: the public function's name, for error messages.
    static func run(_ model: Module, inputShape: [Int], caller: String) -> ModuleCall {
        precondition(
            !inputShape.isEmpty && inputShape.allSatisfy { $0 > 0 },
            "\(caller): inputShape must list one or more sizes ≥ 1 (e.g. [1, 3, 224, 224]), "
                + "got \(inputShape)")
        let modules = model.namedModules()

        // Eval mode for the pass (batch norm must not update its running statistics), then
        // each module's own flag back. Restoring parents first lets a child's flag win over
        // the recursive `train(_:)` of its parent.
        let modes = modules.map { (module: $0.module, training: $0.module.training) }
        model.eval()
        defer {
            for (module, training) in modes { module.train(training) }
        }

        let recorder = Recorder()
        var hooked: Set<ObjectIdentifier> = []
        var registrations: [(module: Module, id: Int)] = []
        for (name, module) in modules where hooked.insert(ObjectIdentifier(module)).inserted {
            let id = module.registerForwardHook { module, _, output in
                recorder.finished(module, name: name, outputShape: output.shape)
            }
            registrations.append((module, id))
        }
        defer {
            for (module, id) in registrations { module.removeForwardHook(id) }
        }

        _ = Tensor.withoutGrad { model(Tensor.zeros(inputShape)) }

        guard let root = recorder.unclaimed.last, root.module === model else {
            preconditionFailure(
                "\(caller): the forward pass of \(model.typeName) did not run through its "
                    + "forward hooks (call modules as `module(x)`, not `module.forward(x)`)")
        }
        return root
    }

    /// Collects finished calls and hands them to the call that made them.
    private final class Recorder {
        /// Finished calls no parent has claimed yet, in the order they finished.
        var unclaimed: [ModuleCall] = []

        func finished(_ module: Module, name: String, outputShape: [Int]) {
            let call = ModuleCall(module: module, name: name, outputShape: outputShape)
            var made: [ModuleCall] = []
            while let last = unclaimed.last, Recorder.isBelow(last.name, name) {
                made.append(unclaimed.removeLast())
            }
            call.children = made.reversed()
            unclaimed.append(call)
        }

        /// Whether the module named `name` sits below the one named `ancestor` in the tree.
        static func isBelow(_ name: String, _ ancestor: String) -> Bool {
            ancestor.isEmpty ? !name.isEmpty : name.hasPrefix(ancestor + ".")
        }
    }
}
