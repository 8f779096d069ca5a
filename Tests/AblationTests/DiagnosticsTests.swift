import Ablation
import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

@Suite("Diagnostics at initialisation")
struct DiagnosticsTests {
    /// A batch of the corner squares, normalised roughly.
    private func batch(_ count: Int) -> (images: Tensor, labels: [Int]) {
        let set = cornerSquares(count: count, seed: 5)
        let images = set.allImages()
        return (Tensor(shape: images.shape, data: images.data.map { ($0 - 0.3) / 0.3 }), set.labels)
    }

    /// With batch norm in training mode, a deep plain net's gradient does not vanish at
    /// initialisation: it grows by a steady factor per layer from the output back to the
    /// input (the gradient explosion of batch-normalised plain nets, Yang et al. 2019), so
    /// the first layers get hundreds of times more than the last. The residual twin's
    /// shortcuts keep it at one scale across the depth. (The first-layer gradient of the
    /// plain net is therefore the LARGER one; lesson 08 shows the profile.)
    @Test(
        "at depth 56 the plain net's gradient explodes towards the input, the residual net's stays level"
    )
    func gradientProfilesAtDepth56() {
        let (images, labels) = batch(16)
        let seed = AblationSeeds(0).model
        var profiles: [Bool: [Double]] = [:]
        for residual in [false, true] {
            let net = AblationNet(depth: 56, residual: residual)
            let profile = Diagnostics.gradientProfile(
                net.build(inputChannels: 1, seed: seed), net: net.name, images: images,
                labels: labels)
            #expect(profile.layers.count == 56)
            #expect(profile.layers.first == "conv1" && profile.layers.last == "fc")
            #expect(profile.norms.allSatisfy { $0.isFinite && $0 > 0 })
            profiles[residual] = profile.norms
        }
        // The blocks' convolutions: layers 2 ... 55 (conv1 is the stem, layer 56 is fc).
        let plain = Array(profiles[false]![1..<55])
        let residual = Array(profiles[true]![1..<55])
        #expect(
            plain.first! / plain.last! > 100,
            "plain: \(plain.first!) at the input end, \(plain.last!) at the output end")
        #expect(
            residual.max()! / residual.min()! < 10,
            "residual: \(residual.min()!) ... \(residual.max()!)")
        #expect(profiles[false]![0] > profiles[true]![0])
    }

    @Test("gradient correlation is 1 for an input paired with itself and falls with distance")
    func gradientCorrelation() {
        let (images, _) = batch(8)
        let model = AblationNet(depth: 8, residual: true).build(seed: 1)
        // Each image paired with itself: identical gradients in training mode only when
        // the batch holds each image twice, which it does here.
        let doubled = Tensor(shape: [16, 1, 10, 10], data: images.data + images.data)
        let same = Diagnostics.gradientCorrelation(model, images: doubled, readoutSeed: 3)
        #expect(abs(same - 1) < 1e-6)
        let near = Diagnostics.gradientCorrelation(
            model, images: Diagnostics.neighbourPairs(images), readoutSeed: 3)
        #expect(near < same && near > -1)
    }

    @Test("neighbours lie 1/32 of the way to the next image")
    func neighbourPairs() {
        let x = Tensor(shape: [2, 1, 1, 2], data: [0, 32, 64, 0])
        let pairs = Diagnostics.neighbourPairs(x)
        #expect(pairs.shape == [4, 1, 1, 2])
        #expect(pairs.data == [0, 32, 64, 0, 2, 31, 62, 1])
    }

    @Test("block responses: batch norm outputs have unit spread in training mode at init")
    func responsesAtInit() {
        let (images, _) = batch(16)
        let model = AblationNet(depth: 14, residual: true).build(seed: 2)
        let profile = Diagnostics.responseProfile(model, net: "res-14", images: images)
        #expect(
            profile.blocks == [
                "layer1.0", "layer1.1", "layer2.0", "layer2.1", "layer3.0", "layer3.1",
            ])
        // In training mode batch norm (γ = 1, β = 0) normalises each channel to std 1.
        for value in profile.firstNorm + profile.lastNorm {
            #expect(abs(value - 1) < 1e-3, "\(value)")
        }
        #expect(profile.output.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(profile.layerResponses.count == 12)
    }

    @Test(
        "the input's gradient is the same to the bit with the weights frozen, as the shattered gradients take it"
    )
    func inputGradientWithFrozenWeights() throws {
        let images = Diagnostics.neighbourPairs(batch(6).images)
        for residual in [false, true] {
            func inputGradient(frozen: Bool) -> [Float] {
                let model = AblationNet(depth: 10, residual: residual).build(seed: 8)
                if frozen { model.freeze() }
                let x = Tensor(shape: images.shape, data: images.data, requiresGrad: true)
                let logits = model(x)
                let readout = Tensor(
                    shape: logits.shape, data: (0..<logits.count).map { Float($0 % 7) - 3 })
                (logits * readout).sum().backward()
                #expect(model.parameters.allSatisfy { ($0.grad == nil) == frozen })
                return x.grad!.data
            }
            let frozen = inputGradient(frozen: true)
            #expect(frozen.map(\.bitPattern) == inputGradient(frozen: false).map(\.bitPattern))
            #expect(frozen.contains { $0 != 0 })
        }
        // gradientCorrelation gives, to the bit, what the same measurement gives with the
        // weights' gradients computed too (written out here), and freezes only during its pass.
        let model = AblationNet(depth: 8, residual: true).build(seed: 8)
        model.parameters[0].requiresGrad = false
        let value = Diagnostics.gradientCorrelation(model, images: images, readoutSeed: 3)
        #expect(model.parameters.dropFirst().allSatisfy { $0.requiresGrad && $0.grad == nil })
        #expect(!model.parameters[0].requiresGrad)
        let twin = AblationNet(depth: 8, residual: true).build(seed: 8)
        twin.train()
        let x = Tensor(shape: images.shape, data: images.data, requiresGrad: true)
        let logits = twin(x)
        var generator = SeededGenerator(seed: 3)
        let direction = (0..<logits.shape[1]).map { _ in Float(generator.nextNormal()) }
        let readout = Tensor(
            shape: logits.shape, data: (0..<logits.shape[0]).flatMap { _ in direction })
        (logits * readout).sum().backward()
        #expect(twin.parameters.allSatisfy { $0.grad != nil })
        let gradient = x.grad!.data
        let pairs = images.shape[0] / 2
        let size = x.count / images.shape[0]
        let correlations = (0..<pairs).map { pair in
            Diagnostics.correlation(
                Array(gradient[(pair * size)..<((pair + 1) * size)]),
                Array(gradient[((pairs + pair) * size)..<((pairs + pair + 1) * size)]))
        }
        let expected = correlations.reduce(0, +) / Double(pairs)
        #expect(value.bitPattern == expected.bitPattern, "\(value) against \(expected)")
        #expect(value != 0 && value != 1)
    }
}

@Suite("Loss landscapes and lesions")
struct LandscapeAndLesionTests {
    @Test("each filter of a filter-normalised direction has the norm of the weight's filter")
    func filterNorms() {
        let model = AblationNet(depth: 8, residual: true).build(seed: 3)
        let direction = FilterNormalizedDirection(for: model, seed: 9)
        let parameters = model.namedParameters()
        #expect(direction.components.map(\.name) == parameters.map(\.name))
        var checked = 0
        for ((name, d), (_, weight)) in zip(direction.components, parameters) {
            if weight.rank < 2 {
                #expect(d.allSatisfy { $0 == 0 }, "\(name) should not move")
                continue
            }
            let filters = weight.shape[0]
            let size = weight.count / filters
            for f in 0..<filters {
                let slice = (f * size)..<((f + 1) * size)
                let dNorm = d[slice].reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
                let wNorm = weight.data[slice].reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
                #expect(abs(dNorm - wNorm) <= 1e-5 * wNorm, "\(name) filter \(f)")
                checked += 1
            }
        }
        #expect(checked > 100)
        // The same seed gives the twin the same Gaussian draws (before rescaling).
        let twin = FilterNormalizedDirection(
            for: AblationNet(depth: 8, residual: false).build(seed: 3), seed: 9)
        #expect(twin.components.map(\.values) == direction.components.map(\.values))
    }

    @Test("the landscape's centre is the trained net's loss, and the weights are restored")
    func landscapeCentre() throws {
        let config = tinyAblation()
        let data = try tinyData(config)
        let model = AblationNet(depth: 8, residual: true).build(seed: 4)
        let set = data.trainBatches(16)
        let before = model.parameters.map(\.data)
        func measure(shouldStop: @escaping () -> Bool = { false }) -> LossLandscape? {
            LossLandscape(
                model, net: "res-8", on: set,
                directions: FilterNormalizedDirection(for: model, seed: 1),
                FilterNormalizedDirection(for: model, seed: 2),
                steps: LossLandscape.steps(count: 5, radius: 1),
                gridSteps: LossLandscape.steps(count: 3, radius: 1), shouldStop: shouldStop)
        }
        // A stop asked for during the grid gives up at once, the weights restored.
        var asked = 0
        #expect(
            measure(shouldStop: {
                asked += 1
                return asked > 7
            }) == nil)
        #expect(asked == 8)
        #expect(model.parameters.map(\.data) == before)
        let landscape = try #require(measure())
        #expect(landscape.steps == [-1, -0.5, 0, 0.5, 1])
        #expect(model.parameters.map(\.data) == before)
        let centre = score(model, on: set)
        #expect(landscape.slice[2] == centre)
        #expect(landscape.grid[1][1] == centre.loss)
        #expect(landscape.grid.count == 3 && landscape.grid.allSatisfy { $0.count == 3 })
        #expect(landscape.slice.allSatisfy { $0.loss.isFinite })
        // The grid's middle row (b = 0) holds the slice's points at the grid's steps, so
        // they are measured once: 5 + 9 − 3 points, each reported once.
        #expect(LossLandscape.pointCount(steps: landscape.steps, gridSteps: [-1, 0, 1]) == 11)
        var reported: [(Int, Int)] = []
        _ = LossLandscape(
            model, net: "res-8", on: set,
            directions: FilterNormalizedDirection(for: model, seed: 1),
            FilterNormalizedDirection(for: model, seed: 2),
            steps: LossLandscape.steps(count: 5, radius: 1),
            gridSteps: LossLandscape.steps(count: 3, radius: 1),
            progress: { reported.append(($0, $1)) })
        #expect(reported.map(\.0) == Array(1...11) && reported.allSatisfy { $0.1 == 11 })
        // The default landscape: 21 slice points and an 11 × 11 grid share 11 points.
        #expect(
            LossLandscape.pointCount(
                steps: LossLandscape.steps(count: 21, radius: 1),
                gridSteps: LossLandscape.steps(count: 11, radius: 1)) == 131)
        // A grid that shares no point with its slice measures all 9 afresh: the same values
        // as the grid above, whose middle row came from the slice.
        let fresh = try #require(
            LossLandscape(
                model, net: "res-8", on: set,
                directions: FilterNormalizedDirection(for: model, seed: 1),
                FilterNormalizedDirection(for: model, seed: 2),
                steps: [0.3], gridSteps: LossLandscape.steps(count: 3, radius: 1)))
        #expect(fresh.grid == landscape.grid)
        #expect(fresh.grid[1][1] == centre.loss)
    }

    @Test(
        "deleting any block leaves a runnable net, plain or residual, scored as the folded net with that block deleted"
    )
    func lesionsRun() throws {
        let config = tinyAblation()
        let data = try tinyData(config)
        // Three batches (10, 10, 4): the profile adds them up lesion by lesion.
        let set = data.testBatches(24, batchSize: 10)
        for residual in [false, true] {
            let model = AblationNet(depth: 10, residual: residual).build(seed: 5)
            let profile = try #require(
                LesionProfile(model, net: residual ? "res-10" : "plain-10", on: set))
            #expect(
                LesionProfile(
                    model, net: "stopped", on: set, shouldStop: { true }) == nil)
            #expect(profile.blocks.count == 4)
            #expect(profile.lesioned.count == 4)
            for score in profile.lesioned {
                #expect(score.loss.isFinite && (0...1).contains(score.error))
            }
            #expect(profile.intact == ablationScore(model, set))
            // The profile reuses the intact net's first blocks; each lesion must still be
            // exactly the folded net run from the image with that one block deleted.
            let folded = try #require(FoldedResNet(model))
            for index in folded.blocks.indices {
                #expect(
                    profile.lesioned[index] == score(on: set) { folded($0, deleting: index) },
                    "block \(index)")
            }
            #expect(Set(profile.lesioned.map(\.loss)).count > 1)
        }
    }

    @Test("on one thread a lesion study scores a batch in slices: the same bits as whole on two")
    func lesionsInSlices() throws {
        let data = try tinyData()
        // One batch of 96 images: slices of 64 and 32 on one thread, whole on two.
        let set = data.trainBatches(96, batchSize: 96)
        let model = AblationNet(depth: 10, residual: true).build(seed: 5)
        let whole = try #require(
            Tensor.withThreadCount(2) { LesionProfile(model, net: "res-10", on: set) })
        let sliced = try #require(
            Tensor.withThreadCount(1) { LesionProfile(model, net: "res-10", on: set) })
        #expect(sliced.lesioned.count == 4)
        #expect(sliced == whole)
        // A stop in the second slice gives up with nothing.
        var asked = 0
        let stopped = Tensor.withThreadCount(1) {
            LesionProfile(
                model, net: "res-10", on: set,
                shouldStop: {
                    asked += 1
                    return asked > 5
                })
        }
        #expect(stopped == nil)
        #expect(asked == 6)
    }

    /// The eval-mode score of the unfolded model, for comparison.
    private func ablationScore(_ model: ResNet, _ set: EvaluationSet) -> Score {
        let folded = score(model, on: set)
        model.eval()
        let plain = score(on: set) { model($0) }
        model.train()
        #expect(abs(folded.loss - plain.loss) < 1e-4)
        #expect(folded.error == plain.error)
        return folded
    }
}
