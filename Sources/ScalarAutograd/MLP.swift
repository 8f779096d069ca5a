import Randomness

/// One artificial neuron: act(w · x + b), built from `Value`s so it can be trained.
///
/// Weights start uniform in [−1, 1) from the caller's generator; the bias starts at 0.
public final class Neuron {
    /// The weights, one per input.
    public let weights: [Value]
    /// The bias.
    public let bias: Value
    /// Whether tanh is applied (hidden units) or not (a linear output unit).
    public let nonlinear: Bool

    public init(inputs: Int, nonlinear: Bool = true, generator: inout SeededGenerator) {
        precondition(inputs > 0, "Neuron(inputs: \(inputs)): needs at least one input")
        weights = (0..<inputs).map { _ in Value(2 * generator.nextUnitDouble() - 1) }
        bias = Value(0)
        self.nonlinear = nonlinear
    }

    /// - x: one value per input.
    public func callAsFunction(_ x: [Value]) -> Value {
        precondition(
            x.count == weights.count,
            "Neuron: got \(x.count) inputs, expected \(weights.count)")
        var sum = bias
        for (w, xi) in zip(weights, x) { sum = sum + w * xi }
        return nonlinear ? sum.tanh() : sum
    }

    public var parameters: [Value] { weights + [bias] }
}

/// A fully connected layer of `Neuron`s that all see the same inputs.
public final class Layer {
    public let neurons: [Neuron]

    public init(inputs: Int, outputs: Int, nonlinear: Bool = true, generator: inout SeededGenerator)
    {
        var made: [Neuron] = []
        for _ in 0..<outputs {
            made.append(Neuron(inputs: inputs, nonlinear: nonlinear, generator: &generator))
        }
        neurons = made
    }

    /// - x: [inputs] → [outputs]
    public func callAsFunction(_ x: [Value]) -> [Value] { neurons.map { $0(x) } }

    public var parameters: [Value] { neurons.flatMap(\.parameters) }
}

/// A multi-layer perceptron: tanh hidden layers and a linear output layer.
///
/// `MLP(inputs: 2, layerSizes: [8, 8, 1], generator: &g)` maps 2 numbers to 1.
public final class MLP {
    public let layers: [Layer]

    public init(inputs: Int, layerSizes: [Int], generator: inout SeededGenerator) {
        precondition(!layerSizes.isEmpty, "MLP: layerSizes is empty")
        var made: [Layer] = []
        var fanIn = inputs
        for (i, size) in layerSizes.enumerated() {
            let isLast = i == layerSizes.count - 1
            made.append(
                Layer(inputs: fanIn, outputs: size, nonlinear: !isLast, generator: &generator))
            fanIn = size
        }
        layers = made
    }

    /// - x: [inputs] → [layerSizes.last]
    public func callAsFunction(_ x: [Value]) -> [Value] {
        layers.reduce(x) { activations, layer in layer(activations) }
    }

    /// Convenience for plain numbers in.
    public func callAsFunction(_ x: [Double]) -> [Value] { self(x.map { Value($0) }) }

    public var parameters: [Value] { layers.flatMap(\.parameters) }

    /// Sets every parameter's gradient to zero (they accumulate across `backward()` calls).
    public func zeroGrad() {
        for p in parameters { p.grad = 0 }
    }

    /// One step of gradient descent: p ← p − learningRate · ∂L/∂p.
    public func step(learningRate: Double) {
        for p in parameters { p.data -= learningRate * p.grad }
    }
}
