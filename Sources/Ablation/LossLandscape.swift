import NN
import Randomness
import ResNetModels
import TensorCore

/// A random direction in weight space, scaled filter by filter to the weights it moves
/// (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets", section 4).
///
/// Each weight tensor with two or more dimensions (a convolution [K, C, R, S], the classifier
/// [classes, features]) gets a Gaussian direction, and each of its filters (one output
/// channel, one output unit) is rescaled to the norm of the same filter of the weights:
/// d_f ← d_f / ‖d_f‖ · ‖w_f‖. A step of length 1 along it then moves every filter by its own
/// size, so nets of different weight scales, and plain and residual nets, are compared on
/// the same footing; without it, batch norm's scale invariance makes a raw random direction
/// meaningless. One-dimensional parameters (batch-norm γ and β, biases) are not moved (their
/// direction is zero), as in the paper.
public struct FilterNormalizedDirection: Sendable {
    /// One entry per parameter of the model, in `namedParameters()` order: the direction,
    /// shaped like the parameter (all zeros for one-dimensional ones).
    public let components: [(name: String, values: [Float])]

    /// A direction for `model`'s current weights, drawn from `seed`. Two models with the same
    /// parameter shapes (a plain net and its residual twin) get the same Gaussian draws, each
    /// rescaled to its own weights.
    public init(for model: Module, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        components = model.namedParameters().map { name, weight in
            guard weight.rank >= 2 else {
                return (name, [Float](repeating: 0, count: weight.count))
            }
            var d = (0..<weight.count).map { _ in Float(generator.nextNormal()) }
            let filters = weight.shape[0]
            let size = weight.count / filters
            let w = weight.data
            for f in 0..<filters {
                let range = (f * size)..<((f + 1) * size)
                let weightNorm = norm(Array(w[range]))
                let directionNorm = norm(Array(d[range]))
                let scale = directionNorm > 0 ? Float(weightNorm / directionNorm) : 0
                for i in range { d[i] *= scale }
            }
            return (name, d)
        }
    }
}

/// The loss around a trained net's weights along one or two filter-normalised directions,
/// measured on a fixed subset of the training set with batch norm in eval mode (the running
/// statistics stay those of the trained net), forward only.
public struct LossLandscape: Codable, Equatable, Sendable {
    /// The net's name: `"plain-56"`, `"res-56"`, ...
    public var net: String
    /// Training images each point is measured on.
    public var images: Int
    /// The step sizes along the direction(s), from −radius to +radius; 0 is the trained net.
    public var steps: [Double]
    /// Loss and error at each step of the 1D slice, w + α·d₁.
    public var slice: [Score]
    /// The step sizes along each axis of the 2D grid, from −radius to +radius.
    public var steps2D: [Double]
    /// The 2D grid: `grid[j][i]` is the loss at w + steps2D[i]·d₁ + steps2D[j]·d₂.
    public var grid: [[Double]]

    /// A landscape of the given measurements (a saved one, or one built by hand in a test).
    public init(
        net: String, images: Int, steps: [Double], slice: [Score], steps2D: [Double],
        grid: [[Double]]
    ) {
        self.net = net
        self.images = images
        self.steps = steps
        self.slice = slice
        self.steps2D = steps2D
        self.grid = grid
    }

    /// Measures `model` along `first` (1D, at `steps`) and on the plane of `first` and
    /// `second` (2D, `gridSteps` on each axis). The model's weights are restored afterwards.
    ///
    /// Each point scores the moved weights with ``score(_:on:)``: batch norm in eval mode,
    /// forward only.
    ///
    /// - Parameters:
    ///   - model: the trained net.
    ///   - net: the name recorded in the landscape.
    ///   - set: the images each point is measured on, `[B, C, H, W]` batches.
    ///   - first: d₁, the direction of the 1D slice and of the grid's first axis.
    ///   - second: d₂, the direction of the grid's second axis.
    ///   - steps: the steps α of the 1D slice (``steps(count:radius:)``).
    ///   - gridSteps: the steps along each axis of the grid.
    ///   - progress: called after each point measured with the points done and the total
    ///     (distinct points: one on both the slice and the grid is measured once).
    ///   - shouldStop: asked before each point measured; true gives up (nil).
    public init?(
        _ model: ResNet, net: String, on set: EvaluationSet,
        directions first: FilterNormalizedDirection, _ second: FilterNormalizedDirection,
        steps: [Double], gridSteps: [Double], progress: (Int, Int) -> Void = { _, _ in },
        shouldStop: () -> Bool = { false }
    ) {
        let parameters = model.parameters
        let trained = parameters.map(\.data)
        defer { for (p, w) in zip(parameters, trained) { p.data = w } }
        // The grid's middle row (b = 0) repeats slice points (its steps are every other one
        // of the slice's at the default sizes): each distinct point is measured once.
        let total = Self.pointCount(steps: steps, gridSteps: gridSteps)
        var measured: [SIMD2<Float>: Score] = [:]
        func loss(at a: Double, _ b: Double) -> Score? {
            let key = Self.point(a, b)
            if let known = measured[key] { return known }
            if shouldStop() { return nil }
            for (index, p) in parameters.enumerated() {
                let d1 = first.components[index].values
                let d2 = second.components[index].values
                let w = trained[index]
                p.data = (0..<w.count).map { w[$0] + key.x * d1[$0] + key.y * d2[$0] }
            }
            let result = score(model, on: set)
            measured[key] = result
            progress(measured.count, total)
            return result
        }
        self.net = net
        images = set.count
        self.steps = steps
        slice = []
        for a in steps {
            guard let score = loss(at: a, 0) else { return nil }
            slice.append(score)
        }
        steps2D = gridSteps
        grid = []
        for b in gridSteps {
            var row: [Double] = []
            for a in gridSteps {
                guard let score = loss(at: a, b) else { return nil }
                row.append(score.loss)
            }
            grid.append(row)
        }
    }

    /// The distinct points of a landscape with these steps, each measured once: the 1D
    /// slice's and the grid's, less those on both (the grid's row b = 0 where its steps are
    /// among the slice's).
    public static func pointCount(steps: [Double], gridSteps: [Double]) -> Int {
        Set(steps.map { point($0, 0) } + gridSteps.flatMap { b in gridSteps.map { point($0, b) } })
            .count
    }

    /// The point w + a·d₁ + b·d₂ as the weights see it: the steps in Float.
    private static func point(_ a: Double, _ b: Double) -> SIMD2<Float> {
        SIMD2(Float(a), Float(b))
    }

    /// `count` evenly spaced values from −radius to radius.
    public static func steps(count: Int, radius: Double) -> [Double] {
        (0..<count).map { -radius + 2 * radius * Double($0) / Double(count - 1) }
    }
}
