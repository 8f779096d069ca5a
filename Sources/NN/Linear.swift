import Checks
import Randomness
import TensorCore

/// A fully connected layer, as PyTorch's `nn.Linear`: `y = x·Wᵀ + b`.
///
/// - Parameters (PyTorch names): `weight` [out, in], `bias` [out] or absent.
/// - Input: [..., in], usually [N, in] (leading dimensions are batch dimensions). Output:
///   [..., out].
///
/// Initialised as PyTorch does: weight and bias uniform in (−1/√in, 1/√in).
public final class Linear: Module {
    /// in, the size of the last dimension of the input.
    public let inputFeatures: Int
    /// out, the size of the last dimension of the output.
    public let outputFeatures: Int

    /// Trained: [out, in].
    public let weight: Tensor
    /// Trained: [out], or nil.
    public let bias: Tensor?

    /// A linear layer with its weight, and bias if asked, drawn as PyTorch draws them:
    /// U(−1/√in, 1/√in).
    ///
    /// Stops with a message unless both sizes are > 0.
    ///
    /// - Parameters:
    ///   - inputFeatures: in.
    ///   - outputFeatures: out.
    ///   - bias: whether the layer has a bias.
    ///   - generator: draws the initial weights (weight first, then bias).
    public init(
        inputFeatures: Int, outputFeatures: Int, bias: Bool = true,
        generator: inout SeededGenerator
    ) {
        checkArgument(
            inputFeatures > 0 && outputFeatures > 0,
            "Linear: expected inputFeatures and outputFeatures > 0, got \(inputFeatures) and "
                + "\(outputFeatures)")
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        let bound = 1 / Float(inputFeatures).squareRoot()
        weight = Tensor.uniform(
            [outputFeatures, inputFeatures], low: -bound, high: bound, generator: &generator,
            requiresGrad: true)
        self.bias =
            bias
            ? Tensor.uniform(
                [outputFeatures], low: -bound, high: bound, generator: &generator,
                requiresGrad: true)
            : nil
        super.init()
    }

    public override var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// Computes `x·Wᵀ + b` (`x·Wᵀ` without a bias).
    /// - Parameter x: [..., in], usually [N, in].
    /// - Returns: [..., out], usually [N, out].
    public override func forward(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }
}
