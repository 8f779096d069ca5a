import ExerciseSolutions
import Grading
import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

// Planted mistakes for exercises 07.3, 09.2 and 10.2: each must fail, naming its identity.

@Suite("Graders 07.3, 09.2, 10.2: planted mistakes fail")
struct TransferMistakesTests {
    @Test("07.3 SGD: the rate folded into v, decay after momentum, dampened gradients")
    func sgdStepMistakes() {
        let identity = "p ← p − lr·v with v = momentum·v + (gradient + decay·p), as SGD updates"
        expectFails(
            Graders.sgdStep { p, gradient, velocity, rate, momentum, decay in
                // v = μ·v + lr·g; p −= v: the same as PyTorch only while the rate is constant.
                let g = zip(gradient, p).map { rate * ($0 + decay * $1) }
                let v = velocity.map { zip($0, g).map { momentum * $0 + $1 } } ?? g
                velocity = v
                for i in p.indices { p[i] -= v[i] }
            }, naming: identity, "the learning rate folded into the velocity")
        expectFails(
            Graders.sgdStep { p, gradient, velocity, rate, momentum, decay in
                let v = velocity.map { zip($0, gradient).map { momentum * $0 + $1 } } ?? gradient
                velocity = v
                for i in p.indices { p[i] -= rate * (v[i] + decay * p[i]) }
            }, naming: identity, "weight decay added after the momentum")
        expectFails(
            Graders.sgdStep { p, gradient, velocity, rate, momentum, decay in
                let g = zip(gradient, p).map { $0 + decay * $1 }
                let v = velocity.map { zip($0, g).map { momentum * $0 + (1 - momentum) * $1 } } ?? g
                velocity = v
                for i in p.indices { p[i] -= rate * v[i] }
            }, naming: identity, "the gradient dampened by 1 − momentum")
    }

    @Test("09.2 new head: in-features hard-coded, zeros, the backbone reinitialised")
    func replaceHeadMistakes() {
        expectFails(
            Graders.replaceHead { net, classes, generator in
                net.fc = Linear(inputFeatures: 512, outputFeatures: classes, generator: &generator)
                _ = net.featureCount
            },
            naming: "the new head maps the pooled features to the classes: weight [classes, "
                + "features], bias [classes]", "in-features hard-coded to 512 (ResNet-18's)")
        expectFails(
            Graders.replaceHead { net, classes, generator in
                let head = Linear(
                    inputFeatures: net.featureCount, outputFeatures: classes, generator: &generator)
                head.weight.data = [Float](repeating: 0, count: head.weight.count)
                net.fc = head
            }, naming: "the head starts as PyTorch's Linear: uniform in ±1/√features",
            "the weights set to zero")
        expectFails(
            Graders.replaceHead { net, classes, generator in
                for parameter in net.parameters {
                    parameter.data = parameter.data.map { $0 * 0.5 }
                }
                try ExerciseSolutions.replaceHead(of: net, classes: classes, generator: &generator)
            },
            naming: "only the head changes: every backbone weight and statistic is bit-identical",
            "the backbone rescaled too")
        expectFails(
            Graders.replaceHead { net, classes, generator in
                try ExerciseSolutions.replaceHead(of: net, classes: classes, generator: &generator)
                net.freeze()
            },
            naming: "only the head changes: every backbone weight and statistic is bit-identical",
            "everything frozen, the head too")
    }

    @Test(
        "10.2 gray into RGB: the backward averages, one channel only, channels interleaved, the batch repeated"
    )
    func repeatToRGBMistakes() {
        let adjoint = "the adjoint identity ⟨repeat(x), g⟩ = ⟨x, repeatᵀ(g)⟩"
        expectFails(
            Graders.repeatToRGB(
                ExerciseSolutions.repeatToRGB,
                backward: { g in try ExerciseSolutions.repeatToRGBBackward(g) * (1 / 3) }),
            naming: adjoint, "the backward averages the three channels")
        expectFails(
            Graders.repeatToRGB(
                ExerciseSolutions.repeatToRGB,
                backward: { g in
                    let plane = g.shape[2] * g.shape[3]
                    return Tensor(
                        shape: [g.shape[0], 1, g.shape[2], g.shape[3]],
                        data: (0..<g.shape[0] * plane).map { index in
                            let (image, pixel) = index.quotientAndRemainder(dividingBy: plane)
                            return g.data[image * 3 * plane + pixel]
                        })
                }),
            naming: adjoint, "the backward keeps channel 0 only")
        expectFails(
            Graders.repeatToRGB(
                { gray in
                    // [N, H, W, 3] order written into [N, 3, H, W]: each pixel three times.
                    Tensor(
                        shape: [gray.shape[0], 3, gray.shape[2], gray.shape[3]],
                        data: gray.data.flatMap { [$0, $0, $0] })
                }, backward: ExerciseSolutions.repeatToRGBBackward),
            naming: "repeatToRGB(x)[n, c, i, j] = x[n, 0, i, j] for c = 0, 1, 2",
            "channels interleaved")
        expectFails(
            Graders.repeatToRGB(
                { gray in
                    // The whole batch three times over: right only when N = 1.
                    Tensor(
                        shape: [gray.shape[0], 3, gray.shape[2], gray.shape[3]],
                        data: gray.data + gray.data + gray.data)
                }, backward: ExerciseSolutions.repeatToRGBBackward),
            naming: "repeatToRGB(x)[n, c, i, j] = x[n, 0, i, j] for c = 0, 1, 2",
            "the whole batch repeated, not each image")
    }
}
