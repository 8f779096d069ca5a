import CourseBindings
import ExerciseKit
import ExerciseSolutions
import Foundation
import Grading
import NN
import Randomness
import ResNetModels
import ScalarAutograd
import TensorCore
import Testing

// The graders graded: each passes the reference solution, reports an untouched stub as not
// attempted, and fails planted mistakes (a sign flip, a missing skip connection, a transposed
// index, an off-by-one padding, ...) with a message naming the broken identity and the seed.

/// Expects `report` to fail, naming `identity` and the seed.
func expectFails(
    _ report: GradeReport, naming identity: String, _ mistake: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(report.status == .failed, "\(mistake): \(report.text)", sourceLocation: sourceLocation)
    #expect(
        report.text.contains("identity broken: \(identity)"), "\(mistake): \(report.text)",
        sourceLocation: sourceLocation)
    #expect(
        report.text.contains("RESIDUAL_GRADE_SEED="), "\(mistake): \(report.text)",
        sourceLocation: sourceLocation)
}

@Suite("Graders: the solutions pass, stubs are not attempted, planted mistakes fail")
struct GradingTests {
    @Test("every reference solution passes its grader", arguments: Course.exercises.map(\.info.id))
    func solutionsPass(_ id: String) {
        let report = Course.exercise(id)!.grade(.solutions)
        #expect(report.status == .passed, "\(report.text)")
    }

    @Test("the catalogue: ids in lesson order, files that exist, at least two hints each")
    func catalogue() {
        let infos = Catalogue.exercises
        #expect(infos.map(\.lesson) == infos.map(\.lesson).sorted())
        #expect(Set(infos.map(\.id)).count == infos.count)
        for info in infos {
            #expect(info.id.hasPrefix(String(format: "%02d.", info.lesson)))
            #expect(info.hints.count >= 2, "\(info.id)")
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
            #expect(
                FileManager.default.fileExists(atPath: root.appendingPathComponent(info.file).path),
                "\(info.file)")
        }
    }

    @Test("an untouched stub is not attempted, with the first hint, never failed")
    func stubsAreNotAttempted() {
        let reports = [
            Graders.scalarTanh { _ in throw NotAttempted() },
            Graders.backpropagate { _ in throw NotAttempted() },
            Graders.crossEntropyGradient { _, _ in throw NotAttempted() },
            Graders.reduceToShape { _, _ in throw NotAttempted() },
            Graders.conv2dLoops { _, _, _, _, _ in throw NotAttempted() },
            Graders.residualVJP { _, _ in throw NotAttempted() },
            Graders.basicBlockForward { _, _ in throw NotAttempted() },
            Graders.makeIdentityAtStart { _ in throw NotAttempted() },
            Graders.bottleneckCost { _, _, _, _, _ in throw NotAttempted() },
            Graders.warmupCosineRate { _, _, _, _ in throw NotAttempted() },
            Graders.filterNormalized { _, _ in throw NotAttempted() },
            Graders.grayscaleFilters { _ in throw NotAttempted() },
            Graders.makeBasicStage { _, _, _, _, _ in throw NotAttempted() },
            Graders.freezeAllBut { _, _ in throw NotAttempted() },
            Graders.stageOutputShapes { _, _ in throw NotAttempted() },
            Graders.projectionShortcut { _, _, _, _ in throw NotAttempted() },
            Graders.imagenetSides { _ in throw NotAttempted() },
            Graders.paddedCrop { _, _, _, _ in throw NotAttempted() },
            Graders.unnormalize { _, _, _ in throw NotAttempted() },
            Graders.centralDifference { _, _, _ in throw NotAttempted() },
            Graders.matmulBackward { _, _, _ in throw NotAttempted() },
            Graders.inputGradientNorms { _, _, _ in throw NotAttempted() },
            Graders.makePlainBlock { _, _, _, _ in throw NotAttempted() },
            Graders.bottleneckForward { _, _ in throw NotAttempted() },
            Graders.resnetParameterCount { _, _, _, _, _ in throw NotAttempted() },
            Graders.sgdStep { _, _, _, _, _, _ in throw NotAttempted() },
            Graders.plainTwin { _ in throw NotAttempted() },
            Graders.forwardDeleting { _, _, _ in throw NotAttempted() },
            Graders.replaceHead { _, _, _ in throw NotAttempted() },
            Graders.repeatToRGB(
                { _ in throw NotAttempted() }, backward: { _ in throw NotAttempted() }),
            Graders.winogradProducts { _, _ in throw NotAttempted() },
            Graders.winogradFilterTransform { _, _ in throw NotAttempted() },
        ]
        let ids = [
            "01.1", "01.2", "02.1", "02.2", "02.3", "03.1", "04.1", "04.2", "05.1", "07.1", "08.1",
            "10.1", "06.1", "09.1", "11.1", "04.3", "06.2", "07.2",
            "11.2", "01.3", "02.4", "03.2", "04.4", "05.2", "06.3", "07.3", "08.2", "08.3", "09.2",
            "10.2", "12.1", "12.2",
        ]
        #expect(Set(ids) == Set(Catalogue.exercises.map(\.id)), "a grader without a stub test")
        for (report, info) in zip(reports, ids.map { Catalogue.exercise($0)! }) {
            #expect(report.status == .notAttempted, "\(info.id): \(report.text)")
            #expect(report.text.contains(info.hints[0]), "\(info.id): \(report.text)")
        }
    }

    @Test("01.1 tanh: a wrong derivative, a lost input, a wrong forward")
    func scalarTanhMistakes() {
        func op(_ data: @escaping (Double) -> Double, _ local: @escaping (Double) -> Double)
            -> (Value) -> Value
        {
            { x in Value(data(x.data), op: "tanh", inputs: [x], localGradients: [local(x.data)]) }
        }
        expectFails(
            Graders.scalarTanh(op(Foundation.tanh, { 1 - Foundation.tanh($0) })),
            naming: "d tanh(x)/dx = 1 − tanh²(x)", "1 − tanh instead of 1 − tanh²")
        expectFails(
            Graders.scalarTanh(
                op(Foundation.tanh, { -(1 - Foundation.tanh($0) * Foundation.tanh($0)) })),
            naming: "d tanh(x)/dx = 1 − tanh²(x)", "a sign flip")
        expectFails(
            Graders.scalarTanh { x in Value(Foundation.tanh(x.data)) },
            naming: "d tanh(x)/dx = 1 − tanh²(x)", "a leaf: the input forgotten")
        expectFails(
            Graders.scalarTanh(op(Foundation.sin, { Foundation.cos($0) })),
            naming: "forward: scalarTanh(x).data = tanh(x)", "sin instead of tanh")
    }

    @Test("01.2 backward: no accumulation, the wrong order, a lost second path")
    func backpropagateMistakes() {
        /// The solution with one rule changed.
        func backward(reversed: Bool = true, leafAdds: Bool = true, sums: Bool = true)
            -> (Value) -> Void
        {
            { output in
                var pass: [ObjectIdentifier: Double] = [ObjectIdentifier(output): 1]
                let order = output.topologicalOrder()
                for value in reversed ? order.reversed() : order {
                    let upstream = pass[ObjectIdentifier(value), default: 0]
                    for (input, local) in zip(value.inputs, value.localGradients) {
                        let key = ObjectIdentifier(input)
                        pass[key] = (sums ? pass[key, default: 0] : 0) + local * upstream
                    }
                    if value.isLeaf && leafAdds {
                        value.grad += upstream
                    } else {
                        value.grad = upstream
                    }
                }
            }
        }
        #expect(Graders.backpropagate(backward()).status == .passed)
        expectFails(
            Graders.backpropagate(backward(leafAdds: false)),
            naming: "a second call adds ∂L/∂leaf", "leaves set, not accumulated")
        expectFails(
            Graders.backpropagate(backward(reversed: false)),
            naming: "after one call, every value's grad is ∂L/∂value", "inputs before outputs")
        expectFails(
            Graders.backpropagate(backward(sums: false)),
            naming: "after one call, every value's grad is ∂L/∂value",
            "a value used twice keeps only one path")
    }

    @Test("02.1 cross-entropy: no 1/N, the one-hot added, no max subtracted, transposed")
    func crossEntropyMistakes() {
        func variant(
            mean: Bool = true, sign: Float = -1, stable: Bool = true
        ) -> (Tensor, [Int]) -> Tensor {
            { logits, targets in
                let (n, c) = (logits.shape[0], logits.shape[1])
                var out = [Float](repeating: 0, count: n * c)
                for i in 0..<n {
                    let row = Array(logits.data[(i * c)..<((i + 1) * c)])
                    let top = stable ? row.max()! : 0
                    let e = row.map { Foundation.exp($0 - top) }
                    let total = e.reduce(0, +)
                    for k in 0..<c {
                        out[i * c + k] =
                            (e[k] / total + (k == targets[i] ? sign : 0)) / (mean ? Float(n) : 1)
                    }
                }
                return Tensor(shape: logits.shape, data: out)
            }
        }
        #expect(Graders.crossEntropyGradient(variant()).status == .passed)
        let identity = "∂L/∂logits = (softmax(logits) − onehot(targets)) / N"
        expectFails(Graders.crossEntropyGradient(variant(mean: false)), naming: identity, "no 1/N")
        expectFails(Graders.crossEntropyGradient(variant(sign: 1)), naming: identity, "+ one-hot")
        expectFails(
            Graders.crossEntropyGradient(variant(stable: false)),
            naming: "the gradient is finite for any logits", "exp without the max subtracted")
        expectFails(
            Graders.crossEntropyGradient { logits, targets in
                let g = try! ExerciseSolutions.crossEntropyGradient(
                    logits: logits, targets: targets)
                let (n, c) = (g.shape[0], g.shape[1])
                return Tensor(
                    shape: [n, c], data: (0..<(n * c)).map { g.data[($0 % n) * c + $0 / n] })
            }, naming: identity, "rows and columns transposed")
    }

    @Test("02.2 broadcasting: only the leading axes summed, the size-1 axes dropped")
    func reduceToShapeMistakes() {
        expectFails(
            Graders.reduceToShape { gradient, shape in
                // Sums the missing leading axes only, not the axes of size 1.
                let keep = shape.reduce(1, *)
                var out = [Float](repeating: 0, count: keep)
                for (i, v) in gradient.data.enumerated() { out[i % keep] += v }
                return Tensor(shape: shape, data: out)
            }, naming: "∂L/∂a sums ∂L/∂(a + b) over the axes", "size-1 axes not summed")
        expectFails(
            Graders.reduceToShape { gradient, shape in
                // The right sums, but the mean instead of the sum.
                let summed = try! ExerciseSolutions.reduceToShape(gradient, shape)
                let factor = Float(gradient.count / max(1, summed.count))
                return Tensor(shape: shape, data: summed.data.map { $0 / factor })
            }, naming: "∂L/∂a sums ∂L/∂(a + b) over the axes", "mean instead of sum")
    }

    @Test("02.3 convolution: an off-by-one padding, the kernel flipped, the stride ignored")
    func conv2dMistakes() {
        let identity = "your loops compute conv2d (cross-correlation)"
        expectFails(
            Graders.conv2dLoops { x, w, b, stride, padding in
                let shifted = try! ExerciseSolutions.conv2dLoops(
                    x, weight: w, bias: b, stride: stride, padding: padding + 1)
                return padding == 0
                    ? shifted
                    : try! ExerciseSolutions.conv2dLoops(
                        x, weight: w, bias: b, stride: stride, padding: padding - 1)
            }, naming: identity, "off-by-one padding")
        expectFails(
            Graders.conv2dLoops { x, w, b, stride, padding in
                // A true convolution: the kernel flipped in both axes.
                let (k, c, r, s) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
                var flipped = w.data
                for i in 0..<(k * c) {
                    for dy in 0..<r {
                        for dx in 0..<s {
                            flipped[(i * r + dy) * s + dx] =
                                w.data[(i * r + (r - 1 - dy)) * s + (s - 1 - dx)]
                        }
                    }
                }
                return try! ExerciseSolutions.conv2dLoops(
                    x, weight: Tensor(shape: w.shape, data: flipped), bias: b, stride: stride,
                    padding: padding)
            }, naming: identity, "the kernel flipped (convolution, not cross-correlation)")
        expectFails(
            Graders.conv2dLoops { x, w, b, _, padding in
                try! ExerciseSolutions.conv2dLoops(
                    x, weight: w, bias: b, stride: 1, padding: padding)
            }, naming: identity, "the stride ignored")
    }

    @Test("03.1 the residual gradient: the skip left out, the Jacobian transposed")
    func residualVJPMistakes() {
        let identity = "dL/dx = dL/dy · (I + ∂F/∂x)"
        expectFails(
            Graders.residualVJP { g, j in
                g.indices.map { c in g.indices.reduce(0) { $0 + g[$1] * j[$1][c] } }
            }, naming: identity, "no skip: g·J")
        expectFails(
            Graders.residualVJP { g, j in
                g.indices.map { r in g[r] + g.indices.reduce(0) { $0 + j[r][$1] * g[$1] } }
            }, naming: identity, "transposed: g + J·g")
        expectFails(
            Graders.residualVJP { g, j in
                g.indices.map { c in -g[c] + g.indices.reduce(0) { $0 + g[$1] * j[$1][c] } }
            }, naming: identity, "the skip's sign flipped")
    }

    @Test("04.1 BasicBlock: the ReLU before the sum, the shortcut dropped, no final ReLU")
    func basicBlockMistakes() {
        let identity =
            "basicBlockForward(block, x) = ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + shortcut(x))"
        expectFails(
            Graders.basicBlockForward { block, x in
                let out = block.bn2(block.conv2(block.relu(block.bn1(block.conv1(x)))))
                return block.shortcut.map { block.relu(out) + $0(x) } ?? block.relu(out)
            }, naming: identity, "the ReLU before the sum")
        expectFails(
            Graders.basicBlockForward { block, x in
                block.relu(block.bn2(block.conv2(block.relu(block.bn1(block.conv1(x))))))
            }, naming: identity, "the shortcut left out")
        expectFails(
            Graders.basicBlockForward { block, x in
                let out = block.bn2(block.conv2(block.relu(block.bn1(block.conv1(x)))))
                return block.shortcut.map { out + $0(x) } ?? out
            }, naming: identity, "no ReLU after the sum")
    }

    @Test("04.2 identity at the start: γ only, the wrong batch norm, the convolution zeroed")
    func identityAtStartMistakes() {
        let identity = "after your change the block computes ReLU(x + F(x)) = ReLU(x)"
        expectFails(
            Graders.makeIdentityAtStart { block in
                block.bn2.weight.data = [Float](repeating: 0, count: block.bn2.channels)
            }, naming: identity, "γ zeroed, β left")
        expectFails(
            Graders.makeIdentityAtStart { block in
                block.bn1.weight.data = [Float](repeating: 0, count: block.bn1.channels)
                block.bn1.bias.data = [Float](repeating: 0, count: block.bn1.channels)
            }, naming: identity, "the first batch norm zeroed")
        expectFails(
            Graders.makeIdentityAtStart { block in
                block.conv2.weight.data = [Float](repeating: 0, count: block.conv2.weight.count)
            }, naming: identity, "the second convolution zeroed (its batch norm still shifts)")
    }

    @Test("05.1 bottleneck cost: batch norms left out, the stride on conv1, no projection")
    func bottleneckCostMistakes() {
        /// The solution's counting with one rule changed.
        func cost(
            norms countNorms: Bool = true, strideFirst: Bool = false, projectOnChannels: Bool = true
        )
            -> (Int, Int, Int, Int, Int) -> (parameters: Int, multAdds: Int)
        {
            { input, width, stride, height, imageWidth in
                let rows = (height + stride - 1) / stride
                let columns = (imageWidth + stride - 1) / stride
                let full = strideFirst ? rows * columns : height * imageWidth
                var convolutions = [
                    (input, width, 1, full), (width, width, 3, rows * columns),
                    (width, 4 * width, 1, rows * columns),
                ]
                var norms = [width, width, 4 * width]
                if stride != 1 || (projectOnChannels && input != 4 * width) {
                    convolutions.append((input, 4 * width, 1, rows * columns))
                    norms.append(4 * width)
                }
                let weights = convolutions.reduce(0) { $0 + $1.0 * $1.1 * $1.2 * $1.2 }
                let macs = convolutions.reduce(0) { $0 + $1.1 * $1.3 * $1.0 * $1.2 * $1.2 }
                let normParameters = countNorms ? 2 * norms.reduce(0, +) : 0
                return (weights + normParameters, macs + normParameters)
            }
        }
        #expect(Graders.bottleneckCost(cost()).status == .passed)
        expectFails(
            Graders.bottleneckCost(cost(norms: false)),
            naming: "parameters = the convolutions' weights + 2 per batch-norm channel",
            "batch norms left out")
        expectFails(
            Graders.bottleneckCost(cost(strideFirst: true)),
            naming: "mult-adds = Σ over convolutions", "the stride on the first 1×1 (Caffe's)")
        expectFails(
            Graders.bottleneckCost(cost(projectOnChannels: false)),
            naming: "parameters = the convolutions' weights",
            "no projection when only the channels change")
    }

    @Test("07.1 warm-up and cosine: warm-up from 0, the cosine over every step, off by one")
    func warmupCosineMistakes() {
        let identity = "the rate is the linear warm-up from peak/10, then the cosine to 0"
        expectFails(
            Graders.warmupCosineRate { step, peak, warmup, total in
                step < warmup
                    ? peak * Double(step) / Double(warmup)
                    : try ExerciseSolutions.warmupCosineRate(
                        step: step, peak: peak, warmupSteps: warmup, totalSteps: total)
            }, naming: identity, "warm-up from 0")
        expectFails(
            Graders.warmupCosineRate { step, peak, warmup, total in
                step < warmup
                    ? peak * (0.1 + 0.9 * Double(step) / Double(warmup))
                    : peak * (1 + cos(Double.pi * Double(step) / Double(total))) / 2
            }, naming: identity, "the cosine over all the steps, not the ones after the warm-up")
        expectFails(
            Graders.warmupCosineRate { step, peak, warmup, total in
                try ExerciseSolutions.warmupCosineRate(
                    step: min(step + 1, total - 1), peak: peak, warmupSteps: warmup,
                    totalSteps: total)
            }, naming: identity, "one step ahead")
    }

    @Test("08.1 filter normalisation: the whole tensor at once, a sign flip, biases moved")
    func filterNormalizedMistakes() {
        expectFails(
            Graders.filterNormalized { d, w in
                // One scale for the whole tensor, not one per filter.
                guard w.shape.count >= 2 else { return Tensor.zeros(w.shape) }
                let norm = { (t: Tensor) in t.data.reduce(0) { $0 + $1 * $1 }.squareRoot() }
                let scale = norm(w) / norm(d)
                return Tensor(shape: d.shape, data: d.data.map { $0 * scale })
            }, naming: "‖d_f‖ = ‖w_f‖ for every filter f", "normalised as a whole")
        expectFails(
            Graders.filterNormalized { d, w in
                let right = try! ExerciseSolutions.filterNormalized(d, like: w)
                return Tensor(shape: right.shape, data: right.data.map { -$0 })
            }, naming: "each filter of the result is a positive multiple", "the sign flipped")
        expectFails(
            Graders.filterNormalized { d, w in
                w.shape.count >= 2 ? try! ExerciseSolutions.filterNormalized(d, like: w) : d
            }, naming: "one-dimensional parameters are not moved", "biases moved")
    }

    @Test("10.1 gray stem: the mean, one channel only, summed over the wrong axis")
    func grayscaleFiltersMistakes() {
        let identity = "conv2d(gray, your weights) = conv2d(gray repeated into 3 channels"
        expectFails(
            Graders.grayscaleFilters { rgb in
                let sum = try! ExerciseSolutions.grayscaleFilters(rgb)
                return Tensor(shape: sum.shape, data: sum.data.map { $0 / 3 })
            }, naming: identity, "the mean of the three filters")
        expectFails(
            Graders.grayscaleFilters { rgb in
                let (k, r, s) = (rgb.shape[0], rgb.shape[2], rgb.shape[3])
                return Tensor(
                    shape: [k, 1, r, s],
                    data: (0..<k).flatMap { rgb.data[($0 * 3 * r * s)..<(($0 * 3 + 1) * r * s)] })
            }, naming: identity, "the red filter only")
        expectFails(
            Graders.grayscaleFilters { rgb in
                // Summed over the filters instead of the channels, then repeated.
                let (k, r, s) = (rgb.shape[0], rgb.shape[2], rgb.shape[3])
                let plane = r * s
                var total = [Float](repeating: 0, count: plane)
                for f in 0..<k { for i in 0..<plane { total[i] += rgb.data[f * 3 * plane + i] } }
                return Tensor(shape: [k, 1, r, s], data: (0..<k).flatMap { _ in total })
            }, naming: identity, "summed over the wrong axis")
    }

    @Test("06.1 a stage: the stride on every block, no projection, blocks built out of order")
    func basicStageMistakes() {
        func stage(everyStride: Bool = false, option: ShortcutOption = .b, reversed: Bool = false)
            -> (Int, Int, Int, Int, inout SeededGenerator) -> Sequential
        {
            { input, channels, blocks, stride, generator in
                var modules: [Module] = (0..<blocks).map { index in
                    BasicBlock(
                        inputChannels: index == 0 ? input : channels, channels: channels,
                        stride: index == 0 || everyStride ? stride : 1, shortcut: option,
                        generator: &generator)
                }
                if reversed { modules.swapAt(0, modules.count - 1) }
                return Sequential(modules)
            }
        }
        #expect(Graders.makeBasicStage(stage()).status == .passed)
        expectFails(
            Graders.makeBasicStage(stage(everyStride: true)),
            naming: "the stage's parameters and buffers are torchvision's",
            "the stride on every block")
        expectFails(
            Graders.makeBasicStage(stage(option: .a)),
            naming: "the stage's parameters and buffers are torchvision's",
            "option A (no projection) instead of B")
        expectFails(
            Graders.makeBasicStage(stage(reversed: true)),
            naming: "each block's weights are drawn from the generator in order",
            "the blocks out of order")
    }

    @Test("09.1 freezing: a bare prefix, nothing frozen, everything frozen")
    func freezeAllButMistakes() {
        let identity = "after an SGD step only the parameters under the trainable paths move"
        expectFails(
            Graders.freezeAllBut { model, trainable in
                for (name, parameter) in model.namedParameters() {
                    parameter.requiresGrad = trainable.contains { name.hasPrefix($0) }
                }
            }, naming: identity, "a prefix without the dot: layer1.1 takes in layer1.10")
        expectFails(
            Graders.freezeAllBut { _, _ in }, naming: identity, "nothing frozen")
        expectFails(
            Graders.freezeAllBut { model, _ in model.freeze() }, naming: identity,
            "everything frozen")
    }

    @Test("11.1 hooks: left behind, on the blocks instead of the stages, the input's shape")
    func stageOutputShapesMistakes() {
        expectFails(
            Graders.stageOutputShapes { model, x in
                var shapes: [[Int]] = []
                for stage in model.layers {
                    stage.registerForwardHook { _, _, output in shapes.append(output.shape) }
                }
                _ = Tensor.withoutGrad { model(x) }
                return shapes
            }, naming: "the hooks are removed afterwards", "hooks never removed")
        expectFails(
            Graders.stageOutputShapes { model, x in
                var shapes: [[Int]] = []
                let blocks = model.layers.flatMap(\.modules)
                let ids = blocks.map { block in
                    block.registerForwardHook { _, _, output in shapes.append(output.shape) }
                }
                _ = Tensor.withoutGrad { model(x) }
                for (block, id) in zip(blocks, ids) { block.removeForwardHook(id) }
                return shapes
            }, naming: "your hooks see each stage's output", "every block's output")
        expectFails(
            Graders.stageOutputShapes { model, x in
                var shapes: [[Int]] = []
                let ids = model.layers.map { stage in
                    stage.registerForwardHook { _, input, _ in shapes.append(input.shape) }
                }
                _ = Tensor.withoutGrad { model(x) }
                for (stage, id) in zip(model.layers, ids) { stage.removeForwardHook(id) }
                return shapes
            }, naming: "your hooks see each stage's output", "the input's shape, not the output's")
    }

    @Test("04.3 projection: a bias, a 3×3 kernel, the stride left out")
    func projectionShortcutMistakes() {
        func projection(bias: Bool = false, kernel: Int = 1, strided: Bool = true)
            -> (Int, Int, Int, inout SeededGenerator) -> Sequential
        {
            { input, output, stride, generator in
                Sequential([
                    Conv2d(
                        inputChannels: input, outputChannels: output, kernelSize: kernel,
                        stride: strided ? stride : 1, padding: kernel / 2, bias: bias,
                        generator: &generator),
                    BatchNorm2d(output),
                ])
            }
        }
        #expect(Graders.projectionShortcut(projection()).status == .passed)
        let identity = "the projection is torchvision's downsample"
        expectFails(Graders.projectionShortcut(projection(bias: true)), naming: identity, "a bias")
        expectFails(
            Graders.projectionShortcut(projection(kernel: 3)), naming: identity, "a 3×3 kernel")
        expectFails(
            Graders.projectionShortcut(projection(strided: false)),
            naming: "in evaluation mode the projection computes BN(conv1x1(x, stride))",
            "the stride left out")
    }

    @Test("06.2 sides: halving with the floor, no max pool, the stride on layer1")
    func imagenetSidesMistakes() {
        let identity = "the sides after conv1, maxpool and layer1-4 are those ResNet-18 produces"
        expectFails(
            Graders.imagenetSides { side in
                let halves = (1...5).map { side >> $0 }
                return [halves[0], halves[1], halves[1], halves[2], halves[3], halves[4]]
            }, naming: identity, "side / 2 each time (wrong for odd sides)")
        expectFails(
            Graders.imagenetSides { side in
                let sides = try! ExerciseSolutions.imagenetSides(side)
                return [sides[0], sides[0], sides[0], sides[2], sides[3], sides[4]]
            }, naming: identity, "the max pool forgotten")
        expectFails(
            Graders.imagenetSides { side in
                let sides = try! ExerciseSolutions.imagenetSides(side)
                return [sides[0], sides[1], sides[3], sides[4], sides[5], (sides[5] - 1) / 2 + 1]
            }, naming: identity, "layer1 given a stride too")
    }

    @Test("07.2 padded crop: the shift reversed, the padding forgotten, edges clamped")
    func paddedCropMistakes() {
        let shifted = "each crop is the image shifted by (top − padding, left − padding)"
        expectFails(
            Graders.paddedCrop { image, padding, top, left in
                try! ExerciseSolutions.paddedCrop(
                    image, padding: padding, top: 2 * padding - top, left: 2 * padding - left)
            }, naming: shifted, "the shift the wrong way")
        expectFails(
            Graders.paddedCrop { image, padding, top, left in
                try! ExerciseSolutions.paddedCrop(image, padding: 0, top: top, left: left)
            }, naming: "the crop at (padding, padding) is the image itself", "the padding forgotten"
        )
        expectFails(
            Graders.paddedCrop { image, padding, top, left in
                // Edge pixels repeated instead of zeros.
                let (h, w) = (image.shape[1], image.shape[2])
                return Tensor(
                    shape: image.shape,
                    data: (0..<image.count).map { index in
                        let (k, i, j) = (index / (h * w), index / w % h, index % w)
                        let row = min(max(i + top - padding, 0), h - 1)
                        let column = min(max(j + left - padding, 0), w - 1)
                        return image.data[(k * h + row) * w + column]
                    })
            }, naming: shifted, "edges repeated instead of zeros")
    }

    @Test("11.2 un-normalise: · 0.5 + 0.5, divided instead of multiplied, one channel's numbers")
    func unnormalizeMistakes() {
        let identity = "unnormalize((x − mean) / std) = x"
        expectFails(
            Graders.unnormalize { x, _, _ in
                Tensor(shape: x.shape, data: x.data.map { $0 * 0.5 + 0.5 })
            }, naming: identity, "· 0.5 + 0.5")
        expectFails(
            Graders.unnormalize { x, mean, std in
                let plane = x.shape[2] * x.shape[3]
                return Tensor(
                    shape: x.shape,
                    data: x.data.enumerated().map {
                        let c = $0 / plane % x.shape[1]
                        return $1 / std[c] + mean[c]
                    })
            }, naming: identity, "divided by std instead of multiplied")
        expectFails(
            Graders.unnormalize { x, mean, std in
                Tensor(shape: x.shape, data: x.data.map { $0 * std[0] + mean[0] })
            }, naming: identity, "the first channel's statistics for every channel")
    }
}

@Suite("The lesson-12 graders fail planted mistakes")
struct Lesson12MistakesTests {
    @Test("12.1 F(2, 3): six products, the halves forgotten, a sign flipped")
    func winogradProductsMistakes() {
        expectFails(
            Graders.winogradProducts { d, g in
                [d[0] * g[0], d[1] * g[1], d[2] * g[2], d[1] * g[0], d[2] * g[1], d[3] * g[2]]
            }, naming: "F(2, 3) takes exactly four products", "the six products of the direct sums")
        let outputs = "m₁ + m₂ + m₃ = d₀g₀ + d₁g₁ + d₂g₂"
        expectFails(
            Graders.winogradProducts { d, g in
                [
                    (d[0] - d[2]) * g[0], (d[1] + d[2]) * (g[0] + g[1] + g[2]),
                    (d[2] - d[1]) * (g[0] - g[1] + g[2]), (d[1] - d[3]) * g[2],
                ]
            }, naming: outputs, "the filter sums not halved")
        expectFails(
            Graders.winogradProducts { d, g in
                [
                    (d[0] - d[2]) * g[0], (d[1] + d[2]) * ((g[0] + g[1] + g[2]) / 2),
                    (d[2] - d[1]) * ((g[0] - g[1] + g[2]) / 2), (d[3] - d[1]) * g[2],
                ]
            }, naming: outputs, "m₄ with its sign flipped")
    }

    @Test("12.2 G g Gᵀ: the filter transposed, G g alone, Gᵀ's sign lost")
    func filterTransformMistakes() {
        let identity = "Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A = the direct 3×3 sums over the block"
        func ggt(_ g: [[Double]], _ G: [[Double]]) -> [[Double]] {
            let gg = G.map { row in
                (0..<3).map { j in (0..<3).reduce(0.0) { $0 + row[$1] * g[$1][j] } }
            }
            return gg.map { row in
                G.map { other in (0..<3).reduce(0.0) { $0 + row[$1] * other[$1] } }
            }
        }
        expectFails(
            Graders.winogradFilterTransform { g, G in
                ggt((0..<3).map { i in (0..<3).map { g[$0][i] } }, G)
            }, naming: identity, "the filter transposed")
        expectFails(
            Graders.winogradFilterTransform { g, G in
                G.map { row in (0..<3).map { j in (0..<3).reduce(0.0) { $0 + row[$1] * g[$1][j] } }
                }
            }, naming: "G g Gᵀ is (m+2)×(m+2)", "G g without Gᵀ")
        expectFails(
            Graders.winogradFilterTransform { g, G in
                ggt(g, G.map { $0.map(abs) })
            }, naming: identity, "G's signs dropped")
        #expect(
            Graders.winogradFilterTransform {
                try ExerciseSolutions.winogradFilterTransform($0, G: $1)
            }
            .status == .passed)
    }
}
