// Lesson 11: looking inside a trained ResNet with forward hooks. A small four-stage ResNet
// trains on Fashion-MNIST; hooks on layer1 ... layer4 catch what each stage outputs for a few
// test images; the maps are drawn beside the input, un-normalised the right way; and a
// measurement says what early and late stages respond to.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-11-feature-maps",
    title: "Lesson 11 · Feature maps: what each stage of a trained ResNet sees")

notebook.introduction(
    """
    A ResNet's stages turn an image into features: many channels of small maps at the end, \
    pooled into the numbers the classifier reads. Forward hooks let us watch that happen \
    without changing the model: a hook is a function the module calls with its input and \
    output every time it runs. This lesson trains a small ResNet, hooks its four stages, and \
    looks at what comes out.
    """)

/// The two splits, normalised with the training images' statistics.
struct LessonData {
    let train: Dataset
    let test: Dataset
    let mean: Float
    let std: Float
}

let data = notebook.cell("A small ResNet, trained briefly") { cell -> (LessonData, ResNet) in
    cell.prose(
        """
        The network: a ResNet-10, that is ResNet-18's four stages of basic blocks with one \
        block each instead of two, widths 16, \
        32, 64 and 128, and the CIFAR stem (a 3×3 convolution, no pooling), so that a 28×28 \
        image keeps maps large enough to look at: 28×28 in layer1, 14×14, 7×7 and 4×4 in \
        layer4. It trains for one pass over \(notebook.quick("2,000", full: "12,000")) \
        Fashion-MNIST images (SGD, momentum 0.9), which is enough for its features to mean \
        something.
        """)
    let train = try FashionMNIST.load(split: .train).prefix(notebook.quick(2000, full: 12_000))
    let test = try FashionMNIST.load(split: .test).prefix(1000)
    let (means, stds) = train.channelStatistics()
    let lessonData = LessonData(train: train, test: test, mean: means[0], std: stds[0])

    var generator = SeededGenerator(seed: 11)
    let model = ResNet(.fourStage(classes: 10), generator: &generator)
    let normalize = Transform.normalize(mean: means, std: stds)
    let loader = DataLoader(train, batchSize: 64, seed: 1, transforms: [normalize])
    let optimizer = try SGD(
        parameters: model.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4)
    var losses: [Float] = []
    for batch in loader.epoch(0) {
        optimizer.zeroGrad()
        let loss = crossEntropy(logits: model(batch.images), targets: batch.labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.scalar)
    }
    model.eval()
    let accuracy = classificationAccuracy(
        of: model.callAsFunction, on: test, transforms: [normalize])
    cell.output(
        """
        \(Format.grouped(model.parameterCount)) parameters; \(losses.count) steps, loss \
        \(Format.fixed(losses.first ?? 0, 3)) at the first and \
        \(Format.fixed(losses.suffix(20).reduce(0, +) / Float(min(20, losses.count)), 3)) over the last 20
        test accuracy on 1,000 images: \(Format.fixed(100 * accuracy, 1))%
        """)
    // One pass over 2,000 images (--quick) is 31 steps: enough to beat chance clearly, not
    // to reach what 12,000 images give.
    let bound = notebook.quick(0.4, full: 0.7)
    cell.check(
        "the network learned something: test accuracy over \(Format.fixed(100 * bound, 0))% "
            + "(chance is 10%)", accuracy > bound, "\(Format.fixed(100 * accuracy, 1))%")
    return (lessonData, model)
}

// MARK: - 2. Hooks

/// What the hooks caught: each stage's output for the batch, by stage name.
let caught = notebook.cell("Forward hooks on the four stages", using: data) {
    cell, pair -> (
        images: Tensor, maps: [(name: String, output: Tensor)], mean: Float, std: Float
    ) in
    let (lessonData, model) = pair
    cell.prose(
        """
        `registerForwardHook` gives a module a function to call after every forward pass, \
        with the module, its input and its output; it returns an id that \
        `removeForwardHook` takes back. Hooks change nothing in the computation, and must be \
        removed when done, or they keep catching (and keeping alive) every later output. The \
        hook itself, in `NN`:
        """)
    try cell.listing("forward-hooks", in: "Sources/NN/Module.swift")
    let shown = 4
    let images = Tensor(
        shape: [shown, 1, 28, 28],
        data: (0..<shown).flatMap { i in
            lessonData.test.image(at: i).pixels.map { ($0 - lessonData.mean) / lessonData.std }
        })
    nonisolated(unsafe) var maps: [(name: String, output: Tensor)] = []
    var ids: [(Module, Int)] = []
    for (index, stage) in model.layers.enumerated() {
        let name = "layer\(index + 1)"
        let id = stage.registerForwardHook { _, _, output in maps.append((name, output)) }
        ids.append((stage, id))
    }
    _ = Tensor.withoutGrad { model(images) }
    for (stage, id) in ids { stage.removeForwardHook(id) }
    let caughtCount = maps.count
    _ = Tensor.withoutGrad { model(images) }  // the hooks are gone: nothing more is caught
    cell.table(
        ["stage", "output", "values per image"],
        maps.map {
            [$0.name, Format.shape($0.output.shape), Format.grouped($0.output.count / shown)]
        })
    cell.check(
        "one output per stage, from [4, 16, 28, 28] to [4, 128, 4, 4]",
        maps.map(\.output.shape) == [
            [4, 16, 28, 28], [4, 32, 14, 14], [4, 64, 7, 7], [4, 128, 4, 4],
        ])
    cell.check(
        "after removeForwardHook a forward pass catches nothing", maps.count == caughtCount)
    return (images, maps, lessonData.mean, lessonData.std)
}

// MARK: - 3. Un-normalising

notebook.cell(
    "Showing the input: un-normalise with the statistics it was normalised with", using: data
) {
    cell, pair in
    let (lessonData, _) = pair
    cell.prose(
        """
        The network saw (x − mean) / std with Fashion-MNIST's mean \
        \(Format.fixed(lessonData.mean, 4)) and std \(Format.fixed(lessonData.std, 4)). To \
        show an input as a picture, undo exactly that: x = x̂ · std + mean. A common mistake \
        is to write x̂ · 0.5 + 0.5, which undoes a normalisation with mean 0.5 and std 0.5 \
        (what some CIFAR tutorials use), not this one: the black background (0) comes back \
        as \(Format.fixed(0.5 - 0.5 * lessonData.mean / lessonData.std, 3)), a dark gray, the \
        bright parts go past white and clip, and the values leave [0, 1].
        """)
    let original = lessonData.test.image(at: 0).pixels
    let normalised = original.map { ($0 - lessonData.mean) / lessonData.std }
    let right = normalised.map { $0 * lessonData.std + lessonData.mean }
    let wrong = normalised.map { $0 * 0.5 + 0.5 }
    let error = maxAbsDifference(right, original)
    try cell.picture(
        "unnormalise.png", caption: "The same test image: original, x̂·std + mean, and x̂·0.5 + 0.5"
    ) { path in
        try ImageGrid(
            title: "Un-normalising",
            images: [
                GridImage(pixels: original, shape: [28, 28], range: 0...1, caption: "original"),
                GridImage(pixels: right, shape: [28, 28], range: 0...1, caption: "x̂·std + mean"),
                GridImage(pixels: wrong, shape: [28, 28], range: 0...1, caption: "x̂·0.5 + 0.5"),
            ], columns: 3, scale: 8
        ).write(to: path)
    }
    cell.output(
        """
        x̂·std + mean: largest difference from the original pixels \(Format.scientific(error))
        x̂·0.5 + 0.5: values from \(Format.fixed(wrong.min()!, 3)) to \(Format.fixed(wrong.max()!, 3))
        """)
    cell.check("x̂·std + mean gives back the original pixels (within 1e-6)", error < 1e-6)
    cell.check(
        "x̂·0.5 + 0.5 does not: its values leave [0, 1]", wrong.max()! > 1 || wrong.min()! < 0)
}

// MARK: - 4. The maps

notebook.cell("The feature maps, stage by stage", using: caught) { cell, caught in
    cell.prose(
        """
        For the first test image, the first eight channels of each stage, each map scaled to \
        its own range (bright is large). Early maps are the image seen through simple \
        filters: edges, the silhouette, bright and dark areas, at full resolution. Each later \
        stage halves the resolution and doubles the channels; by layer4 a 4×4 map no longer \
        looks like the image at all. A map drawn in one flat gray is the same value \
        everywhere (after the ReLU, usually 0): that channel did not respond to this image. \
        The input is repeated at the start of each row.
        """)
    var grid: [GridImage] = []
    // The input first on every row, un-normalised, so each stage sits beside what it saw.
    let input = caught.images.data[0..<784].map { $0 * caught.std + caught.mean }
    for (row, (name, output)) in caught.maps.enumerated() {
        let (channels, height, width) = (output.shape[1], output.shape[2], output.shape[3])
        grid.append(
            GridImage(
                pixels: Array(input), shape: [28, 28], range: 0...1,
                caption: row == 0 ? "input" : ""))
        for c in 0..<8 {
            // Each cell repeated to 28×28 (nearest neighbour), so every stage draws one size.
            let start = c * height * width
            let pixels = (0..<784).map { i -> Float in
                let (y, x) = i.quotientAndRemainder(dividingBy: 28)
                return output.data[start + (y * height / 28) * width + x * width / 28]
            }
            grid.append(
                GridImage(
                    pixels: pixels, shape: [28, 28],
                    caption: c == 0 ? "\(name) (\(channels) ch, \(height)×\(width))" : ""))
        }
    }
    try cell.picture(
        "feature-maps.png", caption: "Eight channels of each stage for the first test image"
    ) { path in
        try ImageGrid(title: "layer1 (28×28) to layer4 (4×4)", images: grid, columns: 9, scale: 6)
            .write(to: path)
    }
}

// MARK: - 5. What they respond to

notebook.cell("What early and late stages respond to", using: caught) { cell, caught in
    cell.prose(
        """
        One number for "looks like the image": how much each map follows the image's edges. \
        Take the input's edge strength (the size of its pixel-to-pixel gradient) at every \
        pixel; blow each feature map up to 28×28 by repeating its cells; and compute the \
        size of the correlation between the two over the pixels, |r| (a map can follow the \
        edges as well by going dark on them), averaged over channels and the four images. A \
        map that traces outlines scores high; one that says "there is a sleeve somewhere" \
        does not, and a flat map (one value everywhere, usually 0 after the ReLU) scores 0, \
        so the table also counts the flat maps.
        """)
    let images = caught.images
    func edges(_ n: Int) -> [Float] {
        let x = Array(images.data[n * 784..<(n + 1) * 784])
        return (0..<784).map { i in
            let (y, xx) = i.quotientAndRemainder(dividingBy: 28)
            let dx = xx + 1 < 28 ? x[i + 1] - x[i] : 0
            let dy = y + 1 < 28 ? x[i + 28] - x[i] : 0
            return (dx * dx + dy * dy).squareRoot()
        }
    }
    /// Per stage: the mean |correlation| of its maps with the edges, over channels and
    /// images (a flat map counting 0), and the share of maps that are flat.
    func edgeCorrelations(_ maps: [(name: String, output: Tensor)]) -> [(
        score: Double, flat: Double
    )] {
        maps.map { _, output in
            let (channels, height, width) = (output.shape[1], output.shape[2], output.shape[3])
            var total = 0.0
            var flat = 0
            for n in 0..<4 {
                let edge = edges(n)
                for c in 0..<channels {
                    let start = (n * channels + c) * height * width
                    let cells = output.data[start..<(start + height * width)]
                    if cells.allSatisfy({ $0 == cells.first! }) { flat += 1 }
                    let map = (0..<784).map { i -> Float in
                        let (y, x) = i.quotientAndRemainder(dividingBy: 28)
                        return output.data[start + (y * height / 28) * width + x * width / 28]
                    }
                    total += abs(Diagnostics.correlation(map, edge))
                }
            }
            return (total / Double(4 * channels), Double(flat) / Double(4 * channels))
        }
    }
    /// The best correlation any map on a side × side grid of cells can reach: that of the
    /// edges with their own average over each cell (the closest piecewise-constant map).
    func ceiling(side: Int) -> Double {
        (0..<4).map { n in
            let edge = edges(n)
            var sums = [Double](repeating: 0, count: side * side)
            var counts = [Double](repeating: 0, count: side * side)
            for i in 0..<784 {
                let (y, x) = i.quotientAndRemainder(dividingBy: 28)
                let cell = (y * side / 28) * side + x * side / 28
                sums[cell] += Double(edge[i])
                counts[cell] += 1
            }
            let blocky = (0..<784).map { i -> Float in
                let (y, x) = i.quotientAndRemainder(dividingBy: 28)
                let cell = (y * side / 28) * side + x * side / 28
                return Float(sums[cell] / counts[cell])
            }
            return Diagnostics.correlation(blocky, edge)
        }.reduce(0, +) / 4
    }
    /// The stages' maps of an untrained network drawn with `seed` (11: the trained one's own
    /// initial weights).
    func untrainedMaps(seed: UInt64) -> [(name: String, output: Tensor)] {
        var generator = SeededGenerator(seed: seed)
        let untrained = ResNet(.fourStage(classes: 10), generator: &generator)
        untrained.eval()
        nonisolated(unsafe) var maps: [(name: String, output: Tensor)] = []
        let hooks = untrained.layers.enumerated().map { index, stage in
            (
                stage,
                stage.registerForwardHook { _, _, output in
                    maps.append(("layer\(index + 1)", output))
                }
            )
        }
        _ = Tensor.withoutGrad { untrained(images) }
        for (stage, id) in hooks { stage.removeForwardHook(id) }
        return maps
    }
    let untrainedSeeds: [UInt64] = [11, 12, 13]
    let trained = edgeCorrelations(caught.maps)
    let trainedScores = trained.map(\.score)
    // Per draw, per stage.
    let draws = untrainedSeeds.map { edgeCorrelations(untrainedMaps(seed: $0)) }
    let untrained = MeanStd.columns(draws.map { $0.map(\.score) })
    let untrainedScores = untrained.map(\.mean)
    let untrainedFlat = MeanStd.columns(draws.map { $0.map(\.flat) }).map(\.mean)
    let bestUntrained = caught.maps.indices.map { i in draws.map { $0[i].score }.max()! }
    let ceilings = caught.maps.map { ceiling(side: $0.output.shape[2]) }
    let shares = zip(trainedScores, ceilings).map { $0 / $1 }
    let gains = zip(trainedScores, untrainedScores).map { $0 - $1 }
    cell.table(
        [
            "stage", "map size", "channels", "trained", "untrained, \(untrainedSeeds.count) draws",
            "flat maps, trained / untrained", "best possible at this size",
            "trained / best possible",
        ],
        caught.maps.indices.map { i in
            let shape = caught.maps[i].output.shape
            return [
                caught.maps[i].name, "\(shape[2])×\(shape[3])", "\(shape[1])",
                Format.fixed(trainedScores[i], 3),
                Format.fixed(untrained[i].mean, 3) + " ± " + Format.fixed(untrained[i].std, 3),
                Format.fixed(100 * trained[i].flat, 0) + "% / "
                    + Format.fixed(100 * untrainedFlat[i], 0) + "%",
                Format.fixed(ceilings[i], 2), Format.fixed(shares[i], 2),
            ]
        })
    // The stages whose gain, as printed, is the largest (a tie names them all).
    let shownGains = gains.map { Format.fixed($0, 3) }
    let mostGained = gains.indices.filter {
        shownGains[$0] == shownGains[gains.indices.max { gains[$0] < gains[$1] }!]
    }
    // Stages past layer1 where training scores clearly above every untrained draw.
    let margin = 0.01
    let clearGains = caught.maps.indices.dropFirst().filter {
        trainedScores[$0] - bestUntrained[$0] >= margin
    }
    let unclear = caught.maps.indices.dropFirst().filter { !clearGains.contains($0) }
    let layer1Sentence =
        trainedScores[0] < untrainedScores[0]
        ? "In layer1 the untrained network scores \(Format.fixed(untrainedScores[0], 3)) on "
            + "average, above the trained one's \(Format.fixed(trainedScores[0], 3)): random 3×3 "
            + "filters on the image respond to its edges by construction, and training made "
            + "layer1's maps follow them less, so this measure says little about what layer1 "
            + "learned."
        : "In layer1 the untrained network already scores \(Format.fixed(untrainedScores[0], 3)): "
            + "random 3×3 filters on the image respond to its edges by construction, so this "
            + "measure says little about what layer1 learned."
    cell.prose(
        """
        The raw numbers fall from layer1 (\(Format.fixed(trainedScores[0], 2))) to layer4 \
        (\(Format.fixed(trainedScores[3], 2))), but most of that fall is resolution, not \
        meaning: a map of 4×4 cells cannot trace an outline however it is computed, and the \
        best any map on that grid can score (the edges averaged over each cell) is \
        \(Format.fixed(ceilings[3], 2)), against \(Format.fixed(ceilings[0], 2)) at full \
        resolution. As a share of what its size allows, the stages follow the edges within 0.1 \
        of each other, from \(Format.fixed(shares.min()!, 2)) to \(Format.fixed(shares.max()!, 2)). \
        What training added shows against the same network untrained (\(untrainedSeeds.count) \
        draws of initial weights, the first its own): its score differs from their mean by \
        \(gains.map { String(format: "%+.3f", $0) }.joined(separator: ", ")) stage by stage, \
        the largest gain in \(mostGained.map { caught.maps[$0].name }.joined(separator: " and "))\
        \(mostGained.count > 1 ? " (\(String(format: "%+.3f", gains[mostGained[0]])) each)" : ""). \
        \(unclear.isEmpty ? "Past layer1 each stage scores at least \(Format.fixed(margin, 2)) above every untrained draw." : "But the draws differ among themselves by about as much: in \(unclear.map { "\(caught.maps[$0].name) (\(Format.fixed(trainedScores[$0], 3)) against draws up to \(Format.fixed(bestUntrained[$0], 3)))" }.joined(separator: " and ")) the trained network is not \(Format.fixed(margin, 2)) above every untrained one, so this measure barely sees what training did there.") \
        \(layer1Sentence) Part of any gain can be fewer flat maps rather than maps that \
        follow the edges better: the flat-map column shows how many of each stage's maps \
        were silent on these four images. So this measure does not show later stages \
        caring less about edges; it shows them coarser. After the last stage, global average pooling throws away *where* altogether: \
        the classifier sees only how strongly each of the 128 channels responded somewhere.
        """)
    cell.check(
        "as a share of the best possible at its map size, every stage follows the edges within 0.1 of every other",
        shares.max()! - shares.min()! <= 0.1,
        shares.map { Format.fixed($0, 2) }.joined(separator: ", "))
}

notebook.exercises(lesson: 11)

notebook.finish()
