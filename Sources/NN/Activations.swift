import TensorCore

/// The rectified linear unit, `max(0, x)` elementwise, as PyTorch's `nn.ReLU`.
/// Input: any shape. Output: the same shape.
public final class ReLU: Module {
    public override init() { super.init() }

    public override func forward(_ x: Tensor) -> Tensor { x.relu() }
}

/// Returns its input unchanged, as PyTorch's `nn.Identity`. Useful to remove a layer from a
/// network without changing its structure (e.g. `model.fc = Identity()` for features).
/// Input: any shape. Output: the same tensor.
public final class Identity: Module {
    public override init() { super.init() }

    public override func forward(_ x: Tensor) -> Tensor { x }
}
