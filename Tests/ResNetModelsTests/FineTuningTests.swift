import NN
import Optim
import Randomness
import ResNetModels
import TensorCore
import TestSupport
import Testing

@Suite("Fine-tuning: heads, freezing by path, grayscale stems")
struct FineTuningTests {
    func model(_ name: String = "cifar-resnet8", classes: Int = 4) -> ResNet {
        var generator = SeededGenerator(seed: 7)
        return try! ResNet.named(name, classes: classes, generator: &generator)
    }

    @Test("a misspelt module path is an error that lists the real ones, and changes nothing")
    func misspeltPath() {
        let net = model()
        #expect(throws: ModulePathError.self) { try net.freeze("layer1", "layr2") }
        do {
            try net.freeze("layr2")
        } catch {
            #expect(error.description.contains("no module at \"layr2\""))
            #expect(
                error.description.contains("layer2.0.conv1") && error.description.contains("fc"))
        }
        // The valid path before the misspelt one was not frozen either.
        #expect(net.parameters.allSatisfy { $0.requiresGrad })
    }

    @Test("frozen parameters stay bit for bit through an optimizer step; the rest move")
    func frozenStayPut() throws {
        let net = model()
        try net.freeze("conv1", "bn1", "layer1", "layer2")
        let before = net.namedParameters().map { ($0.name, $0.tensor.data) }
        let optimizer = try SGD(parameters: net.parameters, learningRate: 0.1, momentum: 0.9)
        #expect(optimizer.summary.contains("SGD: 1 group"))
        #expect(optimizer.summary.contains("frozen, skipped"))
        optimizer.zeroGrad()
        let x = randomTensor([2, 3, 8, 8], seed: 1)
        crossEntropy(logits: net(x), targets: [0, 3]).backward()
        optimizer.step()
        for ((name, old), (_, tensor)) in zip(before, net.namedParameters()) {
            let frozen = ["conv1", "bn1", "layer1", "layer2"].contains {
                name == $0 + ".weight" || name.hasPrefix($0 + ".")
            }
            if frozen {
                #expect(tensor.data == old, "\(name) moved")
                #expect(tensor.grad == nil, "\(name) got a gradient")
            } else if name.hasSuffix("weight") && name.hasPrefix("fc") {
                #expect(tensor.data != old, "\(name) did not move")
            }
        }
        try net.unfreeze("layer2")
        let layer2 = try net.module(at: "layer2")
        #expect(layer2.parameters.allSatisfy { $0.requiresGrad })
    }

    @Test("freeze(where:) freezes by name; the trainable count says what is left")
    func freezeByPredicate() {
        let net = model()
        let frozen = net.freeze { !$0.hasPrefix("fc.") }
        #expect(frozen == net.parameters.count - 2)
        #expect(net.trainableParameterCount == 64 * 4 + 4)
    }

    @Test("a new head for a new class count; the backbone keeps its weights")
    func newHead() {
        let net = model()
        let backbone = net.layers[2].parameters.map(\.data)
        var generator = SeededGenerator(seed: 8)
        net.replaceClassifier(classes: 7, generator: &generator)
        #expect(net(randomTensor([2, 3, 8, 8], seed: 2)).shape == [2, 7])
        #expect(net.layers[2].parameters.map(\.data) == backbone)
        #expect(net.stateDict().first { $0.name == "fc.weight" }?.tensor.shape == [7, 64])
    }

    @Test("evalBatchNorms keeps the running statistics while the rest trains")
    func batchNormsInEvalMode() {
        let net = model()
        net.train()
        net.evalBatchNorms()
        let bn = net.bn1!
        let mean = bn.runningMean.data
        _ = net(randomTensor([2, 3, 8, 8], seed: 3))
        #expect(bn.runningMean.data == mean)
        net.train()
        _ = net(randomTensor([2, 3, 8, 8], seed: 3))
        #expect(bn.runningMean.data != mean)
    }

    @Test("grayscale: a repeated gray image, and a stem whose filters are the RGB sum, agree")
    func grayscaleOptionsAgree() {
        let rgbNet = model()
        rgbNet.eval()
        let gray = randomTensor([2, 1, 8, 8], seed: 4)
        // Option 1: repeat the gray channel three times.
        let repeated = Tensor(
            shape: [2, 3, 8, 8],
            data: (0..<2).flatMap { n in
                let plane = Array(gray.data[n * 64..<(n + 1) * 64])
                return plane + plane + plane
            })
        let viaRepeat = Tensor.withoutGrad { rgbNet(repeated) }
        // Option 2: the same network, its stem summed over the three input channels.
        rgbNet.grayscaleStem(.sum)
        #expect(rgbNet.conv1.weight.shape == [16, 1, 3, 3])
        let viaSum = Tensor.withoutGrad { rgbNet(gray) }
        expectClose(viaSum.data, viaRepeat.data, absolute: 1e-5, relative: 1e-5, "logits")

        let luminance = model()
        let rgb = luminance.conv1.weight.data
        luminance.grayscaleStem(.luminance)
        let w = luminance.conv1.weight.data
        #expect(abs(w[0] - (0.2989 * rgb[0] + 0.5870 * rgb[9] + 0.1140 * rgb[18])) < 1e-6)
    }

    @Test("the 1 → 3 adapter starts as a third of the gray image in each channel")
    func adapter() {
        let adapter = GrayscaleAdapter()
        let gray = randomTensor([1, 1, 4, 4], seed: 5)
        let y = adapter(gray)
        #expect(y.shape == [1, 3, 4, 4])
        expectClose(Array(y.data[0..<16]), gray.data.map { $0 / 3 }, absolute: 1e-7)
        expectClose(Array(y.data[32..<48]), gray.data.map { $0 / 3 }, absolute: 1e-7)
        #expect(adapter.parameterCount == 3)
    }
}
