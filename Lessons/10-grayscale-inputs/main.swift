// Lesson 10: grayscale images into a network pre-trained on color. Three ways: repeat the
// gray channel three times, port the stem's RGB filters to one channel, or put a learnable
// 1 -> 3 adapter in front. Compared before training and after the same fine-tuning.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-10-grayscale-inputs",
    title: "Lesson 10 · Grayscale inputs for a network trained on color")

notebook.introduction(
    """
    Pre-trained ResNets expect three channels, and many images (X-rays, scans, Fashion-MNIST) \
    have one. There are three common ways across that gap, and this lesson builds each on the \
    same pre-trained network and compares them: what they output before any training, how \
    many parameters they add or remove, and how well they do after the same fine-tuning. With \
    no ImageNet weights here, the color network is pre-trained on Fashion-MNIST images of five \
    classes, tinted so that color tells something about the class (each class has its own \
    hue, each image a random variation of it), as color does in natural images: a stem that \
    uses its three channels differently then helps, and the lesson checks that it learned to.
    """)

/// The hue of each pre-training class: the factor each of R, G and B is scaled by.
let classHues: [[Float]] = [
    [1.0, 0.4, 0.4], [0.4, 1.0, 0.4], [0.4, 0.4, 1.0], [1.0, 1.0, 0.4], [0.4, 1.0, 1.0],
]

/// An RGB copy of each gray image, tinted by its class's hue (`classHues`) with each
/// channel's factor moved by a seeded random amount in ±0.3 (kept in [0.1, 1]): color says
/// something about the class, not everything.
func tinted(_ gray: Dataset, seed: UInt64) throws -> Dataset {
    var generator = SeededGenerator(seed: seed)
    var pixels: [Float] = []
    pixels.reserveCapacity(gray.count * 3 * 784)
    for i in 0..<gray.count {
        let image = gray.image(at: i).pixels
        let hue = classHues[gray.labels[i] % classHues.count]
        for channel in 0..<3 {
            let jitter = 0.6 * generator.nextUnitFloat() - 0.3
            let factor = min(1, max(0.1, hue[channel] + jitter))
            pixels += image.map { $0 * factor }
        }
    }
    return try Dataset(
        name: gray.name + " (tinted)", images: pixels, labels: gray.labels, channels: 3,
        height: 28, width: 28, classNames: gray.classNames)
}

/// The small four-stage ResNet of lessons 09 and 11, for 3-channel input.
func makeNet(seed: UInt64) -> ResNet {
    var generator = SeededGenerator(seed: seed)
    return ResNet(.fourStage(classes: 5, inputChannels: 3), generator: &generator)
}

/// Repeats the gray channel three times: [N, 1, H, W] → [N, 3, H, W].
func repeated(_ x: Tensor) -> Tensor {
    let plane = x.shape[2] * x.shape[3]
    return Tensor(
        shape: [x.shape[0], 3, x.shape[2], x.shape[3]],
        data: (0..<x.shape[0]).flatMap { n in
            let image = Array(x.data[n * plane..<(n + 1) * plane])
            return image + image + image
        })
}

/// How differently a 3-channel stem weighs its channels: the mean distance of each
/// channel's weight from the three channels' average (0: the stem ignores color), the mean
/// |weight|, and their ratio.
func channelSpread(_ stem: [Float]) -> (spread: Double, magnitude: Double, ratio: Double) {
    let filters = stem.count / 27  // [K, 3, 3, 3]
    var spread = 0.0
    for k in 0..<filters {
        for t in 0..<9 {
            let rgb = (0..<3).map { Double(stem[(k * 3 + $0) * 9 + t]) }
            let mean: Double = rgb.reduce(0.0, +) / 3
            spread += rgb.map { abs($0 - mean) }.reduce(0.0, +)
        }
    }
    spread /= Double(stem.count)
    let magnitude = stem.map { Double(abs($0)) }.reduce(0, +) / Double(stem.count)
    return (spread, magnitude, spread / magnitude)
}

/// Each pixel's three channels replaced by their mean: the image's brightness without its hue.
func averagedChannels(_ x: Tensor) -> Tensor {
    let plane = x.shape[2] * x.shape[3]
    var out = x.data
    for n in 0..<x.shape[0] {
        for p in 0..<plane {
            let base = n * 3 * plane + p
            let mean = (x.data[base] + x.data[base + plane] + x.data[base + 2 * plane]) / 3
            for c in 0..<3 { out[base + c * plane] = mean }
        }
    }
    return Tensor(shape: x.shape, data: out)
}

struct Setup {
    let pretrained: ResNet
    let transfer: Dataset
    let transferTest: Dataset
    let mean: Float
    let std: Float
}

let setup = notebook.cell("A color network to start from") { cell -> Setup in
    let train = try FashionMNIST.load(split: .train)
    let test = try FashionMNIST.load(split: .test)
    let color = try tinted(
        train.selecting(classes: [0, 1, 2, 3, 4], perClass: notebook.quick(400, full: 2000)),
        seed: 5)
    let transfer = train.subset(Array(30_000..<60_000)).selecting(
        classes: [5, 6, 7, 8, 9], perClass: 50)
    let transferTest = test.selecting(classes: [5, 6, 7, 8, 9], perClass: 200)
    // One normalisation for every channel and for the gray images: the gray statistics.
    let (means, stds) = transfer.channelStatistics()
    let normalize = Transform.normalize(
        mean: [Float](repeating: means[0], count: 3), std: [Float](repeating: stds[0], count: 3))
    let model = makeNet(seed: 13)
    let untrained = channelSpread(model.conv1.weight.data)
    let loader = DataLoader(color, batchSize: 64, seed: 2, transforms: [normalize])
    let optimizer = try SGD(
        groups: ParameterGroup.decayingWeightsOnly(model.namedParameters(), weightDecay: 5e-4),
        learningRate: 0.05, momentum: 0.9)
    for epoch in 0..<2 {
        for batch in loader.epoch(epoch) {
            optimizer.zeroGrad()
            crossEntropy(logits: model(batch.images), targets: batch.labels).backward()
            optimizer.step()
        }
    }
    let trained = channelSpread(model.conv1.weight.data)
    cell.output(
        """
        pre-trained on \(Format.grouped(color.count)) tinted images of 5 classes, two passes
        stem filters, mean distance of a channel's weight from the three channels' average, \
        over the mean |weight|:
          at initialisation \(Format.fixed(untrained.ratio, 3)) \
        (\(Format.fixed(untrained.spread, 3)) / \(Format.fixed(untrained.magnitude, 3)))
          after pre-training \(Format.fixed(trained.ratio, 3)) \
        (\(Format.fixed(trained.spread, 3)) / \(Format.fixed(trained.magnitude, 3)))
        """)
    // Whether the network uses color is best asked of its outputs: held-out tinted images,
    // scored as they are and with their color taken away (each pixel's three channels
    // replaced by their mean, the same brightness, no hue).
    let heldOut = try tinted(
        test.selecting(classes: [0, 1, 2, 3, 4], perClass: notebook.quick(100, full: 200)),
        seed: 6)
    model.eval()
    let withColor = classificationAccuracy(
        of: model.callAsFunction, on: heldOut, transforms: [normalize])
    let withoutColor = classificationAccuracy(
        of: { model(averagedChannels($0)) }, on: heldOut, transforms: [normalize])
    cell.table(
        ["held-out tinted images (\(Format.grouped(heldOut.count)))", "accuracy"],
        [
            ["as they are", Format.fixed(100 * withColor, 1) + "%"],
            ["color removed (channels averaged)", Format.fixed(100 * withoutColor, 1) + "%"],
        ])
    cell.prose(
        """
        Random initial filters already differ from channel to channel (independent draws \
        scatter around their mean), so the ratio above is not zero even at initialisation, \
        and pre-training moved it \(trained.ratio > untrained.ratio ? "up" : "down") by \
        \(Format.fixed(100 * abs(trained.ratio / untrained.ratio - 1), 0))%: a weak sign on its \
        own. The outputs are the better witness. Without its color a held-out image is \
        classified \(withColor > withoutColor ? "worse" : "no worse"), \
        \(Format.fixed(100 * withoutColor, 1))% against \(Format.fixed(100 * withColor, 1))%: \
        \(withColor - withoutColor >= 0.02 ? "the network learned to use color, so a gray image withholds something it relies on." : "the network barely relies on color.")
        """)
    cell.check(
        "the pre-trained network uses color: removing it costs at least 2 points of held-out accuracy",
        withColor - withoutColor >= 0.02,
        "\(Format.fixed(100 * withColor, 1))% with, \(Format.fixed(100 * withoutColor, 1))% without"
    )
    return Setup(
        pretrained: model, transfer: transfer, transferTest: transferTest, mean: means[0],
        std: stds[0])
}

// MARK: - 2. The three options, before training

/// A copy of the pre-trained network, fresh head for the gray task's five classes.
func copyOf(_ setup: Setup) throws -> ResNet {
    let model = makeNet(seed: 13)
    try model.loadStateDict(setup.pretrained.stateDict())
    var generator = SeededGenerator(seed: 31)
    model.replaceClassifier(classes: 5, generator: &generator)
    return model
}

/// The three ways, as one forward function each over gray [N, 1, 28, 28] input.
struct Option {
    let name: String
    let model: ResNet
    let adapter: GrayscaleAdapter?
    let forward: (Tensor) -> Tensor
    var parameters: Int { model.parameterCount + (adapter?.parameterCount ?? 0) }
}

func makeOptions(_ setup: Setup) throws -> [Option] {
    let repeatModel = try copyOf(setup)
    let sumModel = try copyOf(setup)
    sumModel.grayscaleStem(.sum)
    let lumaModel = try copyOf(setup)
    lumaModel.grayscaleStem(.luminance)
    let adapterModel = try copyOf(setup)
    let adapter = GrayscaleAdapter()
    return [
        Option(name: "1. repeat the channel", model: repeatModel, adapter: nil) {
            repeatModel(repeated($0))
        },
        Option(name: "2a. stem: sum of RGB filters", model: sumModel, adapter: nil) {
            sumModel($0)
        },
        Option(name: "2b. stem: luminance mix", model: lumaModel, adapter: nil) { lumaModel($0) },
        Option(name: "3. learnable 1 → 3 adapter", model: adapterModel, adapter: adapter) {
            adapterModel(adapter($0))
        },
    ]
}

notebook.cell("Three ways in, before any training", using: setup) { cell, setup in
    cell.prose(
        """
        - **1**, repeat the gray channel three times and keep the network as it is;
        - **2**, replace the stem by a one-channel convolution whose filters are ported from \
        the RGB ones: (a) their sum, which on a repeated gray image is exactly option 1 \
        folded into the weights, or (b) the luminance mix 0.2989·R + 0.5870·G + 0.1140·B;
        - **3**, put a learnable 1×1 convolution from 1 to 3 channels in front, starting at \
        1/3 each.

        The port of option 2, in the library:
        """)
    try cell.listing("grayscale-stem", in: "Sources/ResNetModels/ResNet+FineTuning.swift")
    let options = try makeOptions(setup)
    let sample = Tensor(
        shape: [8, 1, 28, 28],
        data: (0..<8).flatMap { i in
            setup.transferTest.image(at: i).pixels.map { ($0 - setup.mean) / setup.std }
        })
    let outputs = options.map { option in
        option.model.eval()
        return Tensor.withoutGrad { option.forward(sample) }.data
    }
    cell.table(
        ["option", "parameters", "largest difference from option 1's logits"],
        zip(options, outputs).map { option, logits in
            [
                option.name, Format.grouped(option.parameters),
                Format.scientific(Double(maxAbsDifference(logits, outputs[0]))),
            ]
        })
    cell.check(
        "options 1 and 2a give the same logits (to rounding, 1e-4)",
        maxAbsDifference(outputs[1], outputs[0]) < 1e-4)
    // Why 2b and 3 differ: their three weights sum to 1, where repeating sums to 3.
    let unitAdapter = GrayscaleAdapter()
    unitAdapter.conv.weight.data = [1, 1, 1]
    let unitLogits = Tensor.withoutGrad { options[3].model(unitAdapter(sample)) }.data
    cell.prose(
        """
        Options 2b and 3 differ from option 1 for one reason: the weights they give the three \
        channels sum to 1 (0.2989 + 0.5870 + 0.1140, or 3 × 1/3), while repeating the image \
        gives each of the three filters the whole gray value, weight 1 each, 3 in all. So 2b \
        and 3 feed the network about a third of the signal it gets from option 1 (2b with \
        the channels weighted unequally as well). An adapter that starts at 1 per channel \
        instead of 1/3 computes exactly option 1 at initialisation (largest logit difference \
        \(Format.scientific(Double(maxAbsDifference(unitLogits, outputs[0]))))), the identity \
        start lesson 04 recommends; the library's adapter starts at 1/3, the average, and \
        fine-tuning has to scale it up (see the weights it learns below).
        """)
    cell.check(
        "an adapter starting at 1, 1, 1 gives option 1's logits (to rounding, 1e-4)",
        maxAbsDifference(unitLogits, outputs[0]) < 1e-4)
    cell.check(
        "option 2 has 2 × 16 × 9 = 288 fewer parameters than option 1, option 3 three more",
        options[1].parameters == options[0].parameters - 288
            && options[3].parameters == options[0].parameters + 3)
}

// MARK: - 3. A linear probe

notebook.cell("Which start holds the better features: a linear probe", using: setup) {
    cell, setup in
    let epochs = notebook.quick(3, full: 10)
    cell.prose(
        """
        Logits through a random new head say little about the features behind them. A \
        linear probe asks the features directly: everything but the new head stays frozen \
        (batch norm in eval mode, the adapter at its start), and only the head trains, \
        \(epochs) passes over the 250 labelled gray images at rate 0.05, the same for every \
        option; then the test images are scored.
        """)
    let options = try makeOptions(setup)
    let normalize = Transform.normalize(mean: [setup.mean], std: [setup.std])
    var probes: [Double] = []
    for option in options {
        let model = option.model
        model.freeze { !$0.hasPrefix("fc.") }
        option.adapter?.freeze()
        let optimizer = try SGD(
            parameters: model.fc.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4)
        let loader = DataLoader(setup.transfer, batchSize: 25, seed: 4, transforms: [normalize])
        for epoch in 0..<epochs {
            model.eval()
            for batch in loader.epoch(epoch) {
                optimizer.zeroGrad()
                crossEntropy(logits: option.forward(batch.images), targets: batch.labels).backward()
                optimizer.step()
            }
        }
        probes.append(
            classificationAccuracy(
                of: option.forward, on: setup.transferTest, transforms: [normalize]))
    }
    cell.table(
        ["option", "linear probe: test accuracy on 1,000 gray images"],
        zip(options, probes).map { [$0.name, Format.fixed(100 * $1, 1) + "%"] })
    let gap = probes[0] - min(probes[2], probes[3])
    // With 1,000 test images, one accuracy near 80% has a standard error of about 1.3
    // points: a difference of 3 or more is beyond that noise.
    let noise = 0.03
    let bothBelow = probes[0] - probes[2] > noise && probes[0] - probes[3] > noise
    /// Option `i`'s probe against option 1's, in words.
    func relation(_ i: Int) -> String {
        let d = probes[0] - probes[i]
        return abs(d) <= noise
            ? "within the noise of option 1"
            : "\(Format.fixed(100 * abs(d), 1)) points \(d > 0 ? "below" : "above") option 1"
    }
    cell.prose(
        """
        Options 1 and 2a hold the same features (the same logits, shown above), and probe \
        alike: \(Format.fixed(100 * probes[0], 1))% and \(Format.fixed(100 * probes[1], 1))%. \
        Options 2b and 3, which feed the frozen network a third of the signal, probe at \
        \(Format.fixed(100 * probes[2], 1))% and \(Format.fixed(100 * probes[3], 1))%: \
        \(bothBelow ? "as they start, their features are worse for the new task, by up to \(Format.fixed(100 * gap, 1)) points; fine-tuning (next) has to recover that" : "option 2b probes \(relation(2)) and option 3 \(relation(3))"). \
        (One seed: with 1,000 test images a difference under about \(Format.fixed(100 * noise, 0)) \
        points is within noise.)
        """)
    if !notebook.isQuick {
        cell.check(
            "options 2b and 3, fed a third of option 1's signal, probe more than 3 points below it",
            bothBelow,
            "\(Format.fixed(100 * probes[0], 1))% vs \(Format.fixed(100 * probes[2], 1))% and "
                + "\(Format.fixed(100 * probes[3], 1))%")
    }
}

// MARK: - 4. After the same fine-tuning

notebook.cell("After the same fine-tuning", using: setup) { cell, setup in
    let epochs = notebook.quick(4, full: 10)
    cell.prose(
        """
        Each option then fine-tunes on the gray task (the five other classes, 50 labelled \
        images each) for \(epochs) passes: every parameter trains, the stem and layer1 at \
        0.0025 rising to 0.05 for the head (lesson 09's rates per stage), the adapter at the \
        head's rate.
        """)
    let options = try makeOptions(setup)
    let normalize = Transform.normalize(mean: [setup.mean], std: [setup.std])
    var rows: [[String]] = []
    var finals: [Double] = []
    for option in options {
        let model = option.model
        let stem = model.conv1.parameters + (model.bn1?.parameters ?? [])
        let stages =
            [stem + model.layers[0].parameters] + model.layers.dropFirst().map(\.parameters)
        var groups = zip(stages, [0.0025, 0.005, 0.01, 0.02]).map {
            ParameterGroup($0, learningRate: $1, weightDecay: 5e-4)
        }
        groups.append(ParameterGroup(model.fc.parameters, learningRate: 0.05, weightDecay: 5e-4))
        if let adapter = option.adapter {
            groups.append(ParameterGroup(adapter.parameters, learningRate: 0.05))
        }
        let optimizer = try SGD(groups: groups, learningRate: 0.05, momentum: 0.9)
        let loader = DataLoader(setup.transfer, batchSize: 25, seed: 4, transforms: [normalize])
        for epoch in 0..<epochs {
            model.train()
            for batch in loader.epoch(epoch) {
                optimizer.zeroGrad()
                crossEntropy(logits: option.forward(batch.images), targets: batch.labels).backward()
                optimizer.step()
            }
        }
        model.eval()
        let accuracy = classificationAccuracy(
            of: option.forward, on: setup.transferTest, transforms: [normalize])
        finals.append(accuracy)
        let adapterText =
            option.adapter.map { adapter in
                "adapter weights "
                    + adapter.conv.weight.data.map { Format.fixed($0, 3) }
                    .joined(separator: ", ")
            } ?? ""
        rows.append([option.name, Format.fixed(100 * accuracy, 1) + "%", adapterText])
    }
    cell.table(["option", "test accuracy on 1,000 gray images", "learned"], rows)
    let spread = (finals.max()! - finals.min()!) * 100
    cell.prose(
        """
        The four end within \(Format.fixed(spread, 1)) points of each other: here, once \
        everything fine-tunes, the choice matters little for accuracy (one seed, one task), \
        and what decides is cost and convenience. Option 2 is the cheapest at run time (one \
        channel in, no copies) and option 1 needs no change to the model at all; option 3 \
        lets the data pick its own color mix, at the price of three more weights.
        """)
    cell.check(
        "every option learned the gray task: over 70% (chance is 20%)",
        finals.allSatisfy { $0 > 0.7 },
        finals.map { Format.fixed(100 * $0, 1) + "%" }.joined(separator: ", "))
}

notebook.exercises(lesson: 10)

notebook.finish()
