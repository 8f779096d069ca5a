import Checks
import Kernels
import Randomness
import TensorCore

/// Weight initialisers, as PyTorch's `torch.nn.init`. Each one overwrites a tensor's `data` in
/// place (recording nothing for autograd) and draws from the caller's generator in row-major
/// order, so a seed decides every number.
///
/// ```swift
/// for (_, module) in model.namedModules() {
///     if let conv = module as? Conv2d {
///         Init.kaimingNormal(conv.weight, mode: .fanOut, nonlinearity: .relu,
///                            generator: &generator)
///     }
/// }
/// ```
public enum Init {
    /// Which fan sets the scale: `fanIn` preserves the variance of activations in the forward
    /// pass, `fanOut` that of gradients in the backward pass (He et al. 2015, "Delving Deep
    /// into Rectifiers", section 2.2).
    public enum FanMode: Sendable {
        case fanIn, fanOut
    }

    /// The nonlinearity that follows the layer, which sets the gain (PyTorch's
    /// `calculate_gain`).
    public enum Nonlinearity: Sendable, Equatable {
        /// Gain 1 (also for a convolution with no nonlinearity after it, and sigmoid).
        case linear
        /// Gain √2.
        case relu
        /// Gain √(2 / (1 + slope²)).
        case leakyReLU(negativeSlope: Float)
        /// Gain 5/3.
        case tanh

        /// The factor PyTorch's `calculate_gain` gives.
        public var gain: Float {
            switch self {
            case .linear: 1
            case .relu: Float(2).squareRoot()
            case .leakyReLU(let slope): (2 / (1 + slope * slope)).squareRoot()
            case .tanh: 5.0 / 3
            }
        }
    }

    /// PyTorch's fans of a weight tensor: for [out, in, k...] (a convolution or linear
    /// weight), fanIn = in·Πk and fanOut = out·Πk.
    ///
    /// Stops with a message for a tensor of rank below 2 (a bias has no fan).
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        // listing: fans
        checkArgument(
            shape.count >= 2,
            "Init: fan in and fan out need a weight of rank ≥ 2 ([out, in, ...]), got shape "
                + "\(shape)")
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptiveField, shape[0] * receptiveField)
        // listing-end: fans
    }

    // listing: kaiming-normal
    /// Kaiming (He) normal initialisation: samples from N(0, std²) with
    /// std = gain / √fan (√2 / √fan for ReLU), as `nn.init.kaiming_normal_`.
    ///
    /// - Parameters:
    ///   - tensor: a weight [out, in, ...], overwritten.
    ///   - mode: which fan divides (ResNets use `.fanOut`).
    ///   - nonlinearity: what follows the layer (sets the gain).
    ///   - generator: the source of the samples.
    public static func kaimingNormal(
        _ tensor: Tensor, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .relu,
        generator: inout SeededGenerator
    ) {
        let std = nonlinearity.gain / Float(fan(of: tensor.shape, mode: mode)).squareRoot()
        normal(tensor, mean: 0, std: std, generator: &generator)
    }
    // listing-end: kaiming-normal

    /// Kaiming (He) uniform initialisation: samples from U(−bound, bound) with
    /// bound = gain·√3 / √fan, as `nn.init.kaiming_uniform_`. PyTorch's default for
    /// convolution and linear weights is `.leakyReLU(negativeSlope: √5)`, fan in, which gives
    /// bound = 1/√fanIn.
    ///
    /// - Parameters:
    ///   - tensor: a weight [out, in, ...], overwritten.
    ///   - mode: which fan divides.
    ///   - nonlinearity: what follows the layer (sets the gain).
    ///   - generator: the source of the samples.
    public static func kaimingUniform(
        _ tensor: Tensor, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .relu,
        generator: inout SeededGenerator
    ) {
        let std = nonlinearity.gain / Float(fan(of: tensor.shape, mode: mode)).squareRoot()
        let bound = Float(3).squareRoot() * std
        uniform(tensor, low: -bound, high: bound, generator: &generator)
    }

    /// Samples from N(mean, std²), as `nn.init.normal_`.
    ///
    /// Element i is the i-th `generator.nextNormal()` after the call begins, and the generator
    /// ends where those draws leave it: the numbers of a sequential loop. They are computed in
    /// parallel (each sample takes two draws, so a chunk starting at element i starts its own
    /// copy of the generator `2i` draws ahead), which is what makes ResNet-152's 60 million
    /// weights quick to draw; the results do not depend on the thread count.
    ///
    /// - Parameters:
    ///   - tensor: overwritten, whatever its shape.
    ///   - mean: the mean of the samples.
    ///   - std: their standard deviation, ≥ 0 (the call stops with a message otherwise).
    ///   - generator: the source of the samples.
    public static func normal(
        _ tensor: Tensor, mean: Float = 0, std: Float = 1, generator: inout SeededGenerator
    ) {
        checkArgument(std >= 0, "Init.normal: std must be ≥ 0, got \(std)")
        let count = tensor.count
        let start = generator
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = SendablePointer(base)
            Parallel.forChunks(count, minimumChunk: 16_384) { range in
                var chunk = start.advanced(by: 2 * range.lowerBound)
                for i in range { out[i] = mean + std * Float(chunk.nextNormal()) }
            }
        }
        generator = start.advanced(by: 2 * count)
        tensor.data = values
    }

    /// Samples from U(low, high), as `nn.init.uniform_`, one `generator.nextUnitFloat()` per
    /// element in row-major order.
    ///
    /// - Parameters:
    ///   - tensor: overwritten, whatever its shape.
    ///   - low: the lower bound, ≤ `high` (the call stops with a message otherwise).
    ///   - high: the upper bound.
    ///   - generator: the source of the samples.
    public static func uniform(
        _ tensor: Tensor, low: Float = 0, high: Float = 1, generator: inout SeededGenerator
    ) {
        checkArgument(low <= high, "Init.uniform: low \(low) must be ≤ high \(high)")
        var values = [Float](repeating: 0, count: tensor.count)
        for i in values.indices { values[i] = low + (high - low) * generator.nextUnitFloat() }
        tensor.data = values
    }

    /// Fills the tensor with `value`, as `nn.init.constant_`.
    /// - Parameters:
    ///   - tensor: overwritten, whatever its shape.
    ///   - value: every element's new value.
    public static func constant(_ tensor: Tensor, _ value: Float) {
        tensor.data = [Float](repeating: value, count: tensor.count)
    }

    /// Fills the tensor with 0 (e.g. the last batch norm's weight in each residual block,
    /// "zero-init residual").
    public static func zeros(_ tensor: Tensor) { constant(tensor, 0) }

    /// Fills the tensor with 1.
    public static func ones(_ tensor: Tensor) { constant(tensor, 1) }

    private static func fan(of shape: [Int], mode: FanMode) -> Int {
        let (fanIn, fanOut) = fans(of: shape)
        let fan = mode == .fanIn ? fanIn : fanOut
        checkArgument(fan > 0, "Init: cannot initialise a tensor of shape \(shape), whose fan is 0")
        return fan
    }
}
