import NN

/// The multiply-accumulates one call of `module` performs, counted as torchinfo counts them,
/// for the whole batch.
///
/// torchinfo's convention (`LayerInfo.calculate_macs`), followed exactly so the totals match
/// its "Total mult-adds" (ResNet-18 on [1, 3, 224, 224]: 1.81 G):
///
/// - `Conv2d`, output [N, K, Ho, Wo]: every weight and bias element once per output pixel,
///   `(K·C·R·R + K) · N·Ho·Wo` (no `+ K` without a bias). Each weight is one multiply-add
///   per output pixel: K·C·R·R·Ho·Wo per image.
/// - `Linear`, output [N, out]: `(in·out + out) · N` (no `+ out` without a bias).
/// - Any other module with parameters (e.g. `BatchNorm2d`): its own parameter count times the
///   batch size N (batch norm: `2·C·N`, a scale and a shift per channel, not per element).
/// - Modules without parameters (ReLU, pooling, flatten) and the residual additions: 0.
///
/// - Parameters:
///   - module: the layer that ran.
///   - outputShape: the shape it returned, [N, ...].
public func multAdds(of module: Module, outputShape: [Int]) -> Int {
    let batch = outputShape.first ?? 1
    switch module {
    case let conv as Conv2d:
        let perPixel = conv.weight.count + (conv.bias?.count ?? 0)
        let pixels = outputShape.count == 4 ? outputShape[2] * outputShape[3] : 1
        return perPixel * batch * pixels
    case let linear as Linear:
        // Every leading dimension is a batch dimension for a linear layer.
        let rows = outputShape.dropLast().reduce(1, *)
        return (linear.weight.count + (linear.bias?.count ?? 0)) * rows
    default:
        return module.ownParameters.reduce(0) { $0 + $1.tensor.count } * batch
    }
}
