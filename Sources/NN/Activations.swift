import TensorCore

/// The rectified linear unit, `max(0, x)` elementwise, as PyTorch's `nn.ReLU`.
/// Input: any shape. Output: the same shape.
public final class ReLU: Module {
    /// A ReLU; it has no parameters or buffers.
    public override init() { super.init() }

    /// Returns `max(0, x)` elementwise; the gradient passes where x > 0 and is 0 elsewhere.
    /// - Parameter x: any shape.
    /// - Returns: the same shape as `x`.
    public override func forward(_ x: Tensor) -> Tensor { x.relu() }
}

/// Returns its input unchanged, as PyTorch's `nn.Identity`. Useful to remove a layer from a
/// network without changing its structure (e.g. `model.fc = Identity()` for features).
/// Input: any shape. Output: the same tensor.
public final class Identity: Module {
    /// An identity layer; it has no parameters or buffers.
    public override init() { super.init() }

    /// Returns `x` itself (the same tensor object, not a copy).
    /// - Parameter x: any shape.
    /// - Returns: `x`.
    public override func forward(_ x: Tensor) -> Tensor { x }
}
