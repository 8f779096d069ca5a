import TensorCore

extension ParameterGroup {
    /// Two groups for the usual rule of thumb: weight decay on the weights of convolutions
    /// and linear layers (tensors of rank 2 or more), none on biases and batch-norm scales and
    /// shifts (rank 1), whose decay only pulls them toward zero without regularising. Frozen
    /// parameters are left out, and so is a group that would be empty; give all to the optimizer.
    ///
    /// - Parameters:
    ///   - named: the parameters with their names (`model.namedParameters()`).
    ///   - learningRate: both groups' learning rate; nil leaves it to the optimizer.
    ///   - weightDecay: the first group's weight decay; the second group's is 0.
    /// - Returns: the tensors of rank 2 or more (with `weightDecay`), then those of rank 0 or
    ///   1 (without): two groups, fewer when one of them would be empty.
    public static func decayingWeightsOnly(
        _ named: [(name: String, tensor: Tensor)], learningRate: Double? = nil,
        weightDecay: Double
    ) -> [ParameterGroup] {
        let trainable = named.filter { $0.tensor.requiresGrad }
        return [
            ParameterGroup(
                trainable.filter { $0.tensor.shape.count >= 2 }.map(\.tensor),
                learningRate: learningRate, weightDecay: weightDecay),
            ParameterGroup(
                trainable.filter { $0.tensor.shape.count < 2 }.map(\.tensor),
                learningRate: learningRate, weightDecay: 0),
        ].filter { !$0.parameters.isEmpty }
    }
}
