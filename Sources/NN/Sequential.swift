import Checks
import TensorCore

/// A chain of modules applied in order, as PyTorch's `nn.Sequential`. Its children are named
/// `"0"`, `"1"`, ..., so a state dict reads `0.weight`, `1.running_mean`, as in PyTorch.
///
/// ```swift
/// let model = Sequential([
///     Conv2d(inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: 1,
///            generator: &generator),
///     BatchNorm2d(8), ReLU(), Flatten(),
///     Linear(inputFeatures: 8 * 28 * 28, outputFeatures: 10, generator: &generator),
/// ])
/// ```
///
/// Input: what the first module takes. Output: what the last module returns (the input
/// itself when empty).
public final class Sequential: Module {
    /// The modules, in the order they run.
    public private(set) var modules: [Module]

    /// A chain of `modules`.
    public init(_ modules: [Module]) {
        self.modules = modules
        super.init()
    }

    /// A chain of the listed modules: `Sequential(conv, bn, ReLU())`.
    public convenience init(_ modules: Module...) {
        self.init(modules)
    }

    /// The number of modules.
    public var count: Int { modules.count }

    /// The module at `index` (`"\(index)"` in the state dict). Setting it replaces a layer,
    /// e.g. a new classifier head for fine-tuning.
    public subscript(index: Int) -> Module {
        get {
            checkIndex(index)
            return modules[index]
        }
        set {
            checkIndex(index)
            modules[index] = newValue
        }
    }

    /// Adds `module` at the end (named `"\(count)"`).
    public func append(_ module: Module) {
        modules.append(module)
    }

    public override var children: [(name: String, module: Module)] {
        modules.enumerated().map { (String($0.offset), $0.element) }
    }

    /// Runs each module in turn (through `callAsFunction`, so their hooks fire).
    public override func forward(_ x: Tensor) -> Tensor {
        var y = x
        for module in modules { y = module(y) }
        return y
    }

    private func checkIndex(_ index: Int) {
        checkArgument(
            index >= 0 && index < modules.count,
            "Sequential: index \(index) is out of range for \(modules.count) modules")
    }
}
