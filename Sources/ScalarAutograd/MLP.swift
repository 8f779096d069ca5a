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

    /// A neuron with `inputs` weights drawn from `generator` and a zero bias.
    /// - Parameters:
    ///   - inputs: how many numbers it takes, ≥ 1 (the call stops with a message otherwise).
    ///   - nonlinear: true for tanh(w · x + b), false for w · x + b.
    ///   - generator: draws the weights, in order.
    public init(inputs: Int, nonlinear: Bool = true, generator: inout SeededGenerator) {
        precondition(inputs > 0, "Neuron(inputs: \(inputs)): needs at least one input")
        weights = (0..<inputs).map { _ in Value(2 * generator.nextUnitDouble() - 1) }
        bias = Value(0)
        self.nonlinear = nonlinear
    }

    /// The neuron's output for `x`, as a new `Value` whose graph reaches every weight.
    /// - Parameter x: one value per input (the call stops with a message otherwise).
    public func callAsFunction(_ x: [Value]) -> Value {
        precondition(
            x.count == weights.count,
            "Neuron: got \(x.count) inputs, expected \(weights.count)")
        var sum = bias
        for (w, xi) in zip(weights, x) { sum = sum + w * xi }
        return nonlinear ? sum.tanh() : sum
    }

    /// The weights, then the bias: what gradient descent updates.
    public var parameters: [Value] { weights + [bias] }
}

/// A fully connected layer of `Neuron`s that all see the same inputs.
public final class Layer {
    /// The neurons, one per output.
    public let neurons: [Neuron]

    /// A layer of `outputs` neurons of `inputs` inputs each, drawn one neuron after another.
    /// - Parameters:
    ///   - inputs: how many numbers each neuron takes.
    ///   - outputs: how many neurons, and so outputs.
    ///   - nonlinear: whether the neurons apply tanh.
    ///   - generator: draws every weight.
    public init(inputs: Int, outputs: Int, nonlinear: Bool = true, generator: inout SeededGenerator)
    {
        var made: [Neuron] = []
        for _ in 0..<outputs {
            made.append(Neuron(inputs: inputs, nonlinear: nonlinear, generator: &generator))
        }
        neurons = made
    }

    /// Every neuron's output for `x`.
    /// - Parameter x: `inputs` values.
    /// - Returns: `outputs` values, in the order of `neurons`.
    public func callAsFunction(_ x: [Value]) -> [Value] { neurons.map { $0(x) } }

    /// Every neuron's parameters, neuron by neuron.
    public var parameters: [Value] { neurons.flatMap(\.parameters) }
}

/// A multi-layer perceptron: tanh hidden layers and a linear output layer.
///
/// `MLP(inputs: 2, layerSizes: [8, 8, 1], generator: &g)` maps 2 numbers to 1.
public final class MLP {
    /// The layers, input side first; only the last is linear.
    public let layers: [Layer]

    /// A network with one layer per entry of `layerSizes`, tanh in all but the last.
    /// - Parameters:
    ///   - inputs: how many numbers the network takes.
    ///   - layerSizes: the outputs of each layer; the last is the network's output size
    ///     (must not be empty: the call stops with a message).
    ///   - generator: draws every weight, layer by layer.
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

    /// The network's output for `x`, layer after layer.
    /// - Parameter x: `inputs` values.
    /// - Returns: `layerSizes.last` values.
    public func callAsFunction(_ x: [Value]) -> [Value] {
        layers.reduce(x) { activations, layer in layer(activations) }
    }

    /// The network's output for plain numbers, each made a leaf `Value` first.
    /// - Parameter x: `inputs` numbers.
    /// - Returns: `layerSizes.last` values.
    public func callAsFunction(_ x: [Double]) -> [Value] { self(x.map { Value($0) }) }

    /// Every parameter of every layer, layer by layer.
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
