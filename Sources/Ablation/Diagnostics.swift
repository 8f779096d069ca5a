import NN
import Randomness
import ResNetModels
import TensorCore

/// The gradient that reaches each weighted layer of one net, on one batch.
public struct GradientProfile: Codable, Equatable, Sendable {
    /// The net's name: `"plain-18"`, `"res-56"`, ...
    public var net: String
    /// The layers from input to output: `conv1`, `layer1.0.conv1`, ..., `fc`.
    public var layers: [String]
    /// ‖∂L/∂W‖ (Frobenius norm) of each layer's weight, for the cross-entropy loss L of the
    /// batch.
    public var norms: [Double]
}

/// How strongly each block of one net responds.
public struct ResponseProfile: Codable, Equatable, Sendable {
    /// The net's name: `"plain-18"`, `"res-56"`, ...
    public var net: String
    /// `layer1.0`, `layer1.1`, ...
    public var blocks: [String]
    /// Per block, the standard deviation of the output of its first batch norm (after BN,
    /// before the ReLU: one of the paper's "layer responses", Figure 7). Each value here and
    /// in `lastNorm` and `output` is the standard deviation of every channel over the images
    /// and positions, averaged over the channels.
    public var firstNorm: [Double]
    /// Per block, the standard deviation of the output of its last batch norm (after BN,
    /// before the addition or the ReLU).
    public var lastNorm: [Double]
    /// Per block, the standard deviation of the block's output.
    public var output: [Double]

    /// The paper's Figure 7 x axis: every 3×3 layer's response in order (first and last
    /// norm of each block interleaved).
    public var layerResponses: [Double] {
        zip(firstNorm, lastNorm).flatMap { [$0, $1] }
    }
}

/// Measurements of a net that need no training: what the gradient looks like at
/// initialisation, how nearby inputs' gradients agree, how strongly each block responds.
public enum Diagnostics {
    /// The weighted layers of `model` on its longest path, input to output: the stem, each
    /// block's branch convolutions, the classifier (projection shortcuts are left out, as the
    /// paper counts depth).
    /// - Returns: each layer's weight, with its parameter name (`conv1.weight`,
    ///   `layer1.0.conv1.weight`, ..., `fc.weight`).
    public static func weightedLayers(_ model: ResNet) -> [(name: String, weight: Tensor)] {
        let parameters = model.namedParameters()
        return parameters.filter { name, tensor in
            name.hasSuffix(".weight") && !name.contains("downsample")
                && (tensor.rank == 4 || name == "fc.weight")
        }.map { (name: $0.name, weight: $0.tensor) }
    }

    /// The weight gradient of every weighted layer for one batch, in training mode (batch
    /// statistics, as the first step of training sees it). The model's gradients are
    /// cleared first and left holding this batch's; its running statistics move once.
    ///
    /// - Parameters:
    ///   - model: the net; put in training mode, and left there.
    ///   - net: the name recorded in the profile (`"plain-18"`).
    ///   - images: [N, C, H, W], normalised.
    ///   - labels: N class indices.
    public static func gradientProfile(
        _ model: ResNet, net: String, images: Tensor, labels: [Int]
    ) -> GradientProfile {
        model.train()
        model.zeroGrad()
        crossEntropy(logits: model(images), targets: labels).backward()
        let layers = weightedLayers(model)
        return GradientProfile(
            net: net, layers: layers.map { String($0.name.dropLast(".weight".count)) },
            norms: layers.map { norm($0.weight.grad?.data ?? []) })
    }

    /// How alike the input gradients of nearby inputs are ("shattered gradients", Balduzzi et
    /// al. 2017): the mean correlation, over pairs, between ∂f/∂x at an image x and at a
    /// point a short way from it towards another image, x + (x′ − x)/32, where f is a fixed
    /// random linear read-out of the logits. Near 1, the gradient changes smoothly with the
    /// input; near 0, it looks like noise, and gradient descent gets little from it.
    ///
    /// The images and their neighbours go through the net as one batch in training mode
    /// (batch statistics). The model's running statistics move once. Only the gradient with
    /// respect to the input is computed: the parameters do not require gradients during the
    /// pass (the weight gradients would be half the backward's arithmetic, a third of the
    /// forward and backward together), and their settings are restored after it.
    ///
    /// - Parameters:
    ///   - model: the net; put in training mode, and left there.
    ///   - images: [2P, C, H, W]: P images, then their P neighbours.
    ///   - readoutSeed: draws the read-out vector.
    /// - Returns: the mean Pearson correlation over the P pairs.
    public static func gradientCorrelation(
        _ model: ResNet, images: Tensor, readoutSeed: UInt64
    ) -> Double {
        let pairs = images.shape[0] / 2
        model.train()
        let parameters = model.parameters
        let required = parameters.map(\.requiresGrad)
        model.freeze()
        defer { for (p, r) in zip(parameters, required) { p.requiresGrad = r } }
        let x = Tensor(shape: images.shape, data: images.data, requiresGrad: true)
        let logits = model(x)
        let classes = logits.shape[1]
        var generator = SeededGenerator(seed: readoutSeed)
        let direction = (0..<classes).map { _ in Float(generator.nextNormal()) }
        let readout = Tensor(
            shape: logits.shape, data: (0..<logits.shape[0]).flatMap { _ in direction })
        (logits * readout).sum().backward()
        let gradient = x.grad!.data
        let size = x.count / x.shape[0]
        var total = 0.0
        for pair in 0..<pairs {
            let a = gradient[(pair * size)..<((pair + 1) * size)]
            let b = gradient[((pairs + pair) * size)..<((pairs + pair + 1) * size)]
            total += correlation(Array(a), Array(b))
        }
        return total / Double(pairs)
    }

    /// The Pearson correlation of two equally long vectors (0 when either is constant).
    public static func correlation(_ a: [Float], _ b: [Float]) -> Double {
        let n = Double(a.count)
        let meanA = a.reduce(0.0) { $0 + Double($1) } / n
        let meanB = b.reduce(0.0) { $0 + Double($1) } / n
        var ab = 0.0
        var aa = 0.0
        var bb = 0.0
        for (x, y) in zip(a, b) {
            let (dx, dy) = (Double(x) - meanA, Double(y) - meanB)
            ab += dx * dy
            aa += dx * dx
            bb += dy * dy
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }

    /// P images and their neighbours, as `gradientCorrelation` takes them: image i's
    /// neighbour lies 1/32 of the way from it to image i + 1 (the last one's to the first).
    ///
    /// - Parameter images: [P, C, H, W], P ≥ 1.
    /// - Returns: [2P, C, H, W]: the P images, then their P neighbours.
    public static func neighbourPairs(_ images: Tensor) -> Tensor {
        let count = images.shape[0]
        let size = images.count / count
        let x = images.data
        var neighbours = [Float](repeating: 0, count: x.count)
        for i in 0..<count {
            let j = (i + 1) % count
            for p in 0..<size {
                neighbours[i * size + p] =
                    x[i * size + p] + (x[j * size + p] - x[i * size + p]) / 32
            }
        }
        var shape = images.shape
        shape[0] = 2 * count
        return Tensor(shape: shape, data: x + neighbours)
    }

    /// The response of every block of `model` to `images`, in the model's current mode
    /// (training mode at initialisation: batch statistics; eval mode after training), without
    /// recording gradients. In training mode the running statistics move once.
    ///
    /// - Parameters:
    ///   - model: the net, in the mode to measure it in.
    ///   - net: the name recorded in the profile (`"plain-18"`).
    ///   - images: [N, C, H, W], normalised.
    public static func responseProfile(
        _ model: ResNet, net: String, images: Tensor
    ) -> ResponseProfile {
        let blocks = model.blocks
        var first = [Double](repeating: .nan, count: blocks.count)
        var last = [Double](repeating: .nan, count: blocks.count)
        var output = [Double](repeating: .nan, count: blocks.count)
        var hooks: [(Module, Int)] = []
        for (index, block) in blocks.enumerated() {
            let norms = block.namedModules().compactMap { $0.module as? BatchNorm2d }
            guard let firstNorm = norms.first, let lastNorm = block.lastNorm else { continue }
            hooks.append(
                (
                    firstNorm,
                    firstNorm.registerForwardHook { _, _, y in first[index] = channelStd(y) }
                ))
            hooks.append(
                (lastNorm, lastNorm.registerForwardHook { _, _, y in last[index] = channelStd(y) }))
            hooks.append(
                (block, block.registerForwardHook { _, _, y in output[index] = channelStd(y) }))
        }
        defer { for (module, id) in hooks { module.removeForwardHook(id) } }
        _ = Tensor.withoutGrad { model(images) }
        let names = model.namedModules().filter { $0.module is any ResidualBlock }.map(\.name)
        return ResponseProfile(
            net: net, blocks: names, firstNorm: first, lastNorm: last, output: output)
    }
}

/// The standard deviation of each channel of an [N, C, H, W] tensor over N, H and W,
/// averaged over the channels.
func channelStd(_ t: Tensor) -> Double {
    let (batch, channels) = (t.shape[0], t.shape[1])
    let pixels = t.count / (batch * channels)
    let x = t.data
    var total = 0.0
    for c in 0..<channels {
        var sum = 0.0
        var squares = 0.0
        for n in 0..<batch {
            let start = (n * channels + c) * pixels
            for i in start..<(start + pixels) {
                let v = Double(x[i])
                sum += v
                squares += v * v
            }
        }
        let m = Double(batch * pixels)
        let mean = sum / m
        total += max(0, squares / m - mean * mean).squareRoot()
    }
    return total / Double(channels)
}

/// The Euclidean norm.
func norm(_ x: [Float]) -> Double {
    x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
}
