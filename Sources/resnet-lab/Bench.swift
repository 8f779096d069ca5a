import Ablation
import ArgumentParser
import Foundation
import Kernels
import Randomness

/// `resnet-lab bench`: GFLOP/s of the GEMM and convolution kernels, fast against naive.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the tensor core: kernels and training steps (medians of several runs).",
        discussion: """
            gemm: GFLOP/s at square and convolution-shaped sizes. conv: conv2d forward and \
            backward at the ablation nets' layer shapes (batch 128). Both print the fast \
            kernels beside their naive references. train: images/s of a whole training step \
            (forward, loss, backward, SGD update; batch 128 of 28×28×1) for the six ablation \
            nets, and the minutes the ablation would take at that speed. eval: images/s of \
            forward-only evaluation of the same nets and cifar-resnet20 (batch 256 of \
            28×28×1): the training forward pass, eval mode without autograd, and batch norm \
            folded into the convolutions. build: \
            seconds to build each ResNet (layers allocated, weights drawn). Build with -c \
            release for figures worth quoting:
              swift run -c release resnet-lab bench train
            """)

    enum Suite: String, ExpressibleByArgument, CaseIterable {
        case gemm, conv, train, eval, build, all
    }

    @Argument(help: "What to measure: gemm, conv, train, eval, build or all.")
    var suite: Suite = .all

    @OptionGroup var threading: ThreadsOption
    /// `--threads`, if given.
    var threads: Int? { threading.threads }

    @Option(parsing: .unconditional, help: "Timed runs per measurement; the median is reported.")
    var repeats = 5

    @Option(
        parsing: .unconditional,
        help: "Steps per net the ablation estimate assumes, as `ablate --iterations`.")
    var iterations = AblationConfig().iterations

    @Option(
        help: ArgumentHelp(
            "Only this ablation net in `bench train` (plain-18, res-18, ... res-56), e.g. to "
                + "measure one net's peak memory; with --paired, also the net `bench eval` times "
                + "(cifar-resnet20 too)."))
    var net: String?

    @Option(
        help: ArgumentHelp(
            "Images per step in `bench train` and `bench eval` (default 128 and 256, the "
                + "figures Docs/PERFORMANCE.md quotes); smaller batches, for a quick check of the "
                + "report, measure something else."))
    var batchSize: Int?

    @Flag(help: "Skip the naive reference kernels (they are slow).")
    var noNaive = false

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "With train or eval and --net: keep the net alive and time the steps that each "
                + "line of standard input asks for (a number), one JSON line each, so a "
                + "side-by-side script can alternate with PyTorch every few seconds "
                + "(Docs/bench/paired_side_by_side.py). Eval times the folded forward pass."))
    var paired = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if let batchSize, batchSize < 1 {
            throw ValidationError("--batch-size must be at least 1, got \(batchSize)")
        }
        if iterations < 1 {
            throw ValidationError("--iterations must be at least 1, got \(iterations)")
        }
        if paired {
            guard suite == .train || suite == .eval else {
                throw ValidationError(
                    "--paired times one net in train or eval, got the suite '\(suite.rawValue)'")
            }
            guard net != nil else { throw ValidationError("--paired needs --net (one net)") }
            guard !json else {
                throw ValidationError("--paired prints one JSON line per slice; leave out --json")
            }
        }
        let names =
            (paired && suite == .eval ? EvalBench.nets.map(\.name) : TrainBench.nets.map(\.name))
        if let net, !names.contains(net) {
            throw ValidationError(
                "--net must be one of \(names.joined(separator: ", ")), got '\(net)'")
        }
    }

    func run() throws {
        let threadCount = threads ?? Parallel.threadCount
        if paired {
            try Parallel.withThreadCount(threadCount) { try runPaired() }
            return
        }
        let machine = MachineInfo.current()
        let computed = machine.peakGflops(threads: threadCount)
        // Measured on at most one thread per core: more threads share the same FMA units.
        let measured = FMAPeak.measure(threads: min(threadCount, machine.logicalCores))
        var report = BenchReport(
            threads: threadCount, machine: machine.summary,
            instructionSet: InstructionSet.compiled.description,
            tiles: InstructionSet.tiles.description,
            peakGflops: max(measured, computed), measuredPeakGflops: measured,
            computedPeakGflops: computed, gemm: [], conv: [], train: [])
        if !json {
            print("machine: \(machine.summary)")
            print(
                "instruction set: compiled for \(InstructionSet.compiled) (the CPU has "
                    + "\(machine.instructionSets)); register tiles: \(InstructionSet.tiles)")
            print(
                "threads: \(threadCount); FP32 peak \(format(report.peakGflops)) GFLOP/s, the "
                    + "larger of: measured \(format(measured)) (independent \(InstructionSet.compiled) "
                    + "FMAs on every thread, at the clock the cores run now) and computed "
                    + "\(format(computed)) (\(machine.peakFormula), the clock /proc/cpuinfo reports)"
            )
        }
        try Parallel.withThreadCount(threadCount) {
            if suite == .gemm || suite == .all { report.gemm = benchGemm(peak: report.peakGflops) }
            if suite == .conv || suite == .all { report.conv = try benchConv() }
            if suite == .train || suite == .all { try benchTrain(into: &report) }
            if suite == .eval || suite == .all { benchEval(into: &report) }
            if suite == .build || suite == .all { try benchBuild(into: &report) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase  // peakGflops → peak_gflops
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }

    /// Square sizes, then the GEMMs one image of each ablation stage's 3×3 conv performs:
    /// M = output channels, N = output pixels, K = input channels × 9.
    static let gemmSizes: [(m: Int, n: Int, k: Int)] = [
        (64, 64, 64), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024),
        (16, 784, 144), (32, 196, 288), (64, 49, 576),
    ]

    /// GEMM speeds; `peak` is the report's FP32 peak (their "% of peak").
    func benchGemm(peak: Double) -> [GemmResult] {
        if !json {
            print("\nGEMM  C[m×n] = A[m×k]·B[k×n]")
            print(row(["m", "n", "k", "fast GFLOP/s", "% of peak", "naive GFLOP/s", "speed-up"]))
        }
        var results: [GemmResult] = []
        var generator = SeededGenerator(seed: 1)
        for (m, n, k) in Self.gemmSizes {
            let a = (0..<(m * k)).map { _ in generator.nextUnitFloat() - 0.5 }
            let b = (0..<(k * n)).map { _ in generator.nextUnitFloat() - 0.5 }
            var c = [Float](repeating: 0, count: m * n)
            let flops = 2.0 * Double(m) * Double(n) * Double(k)
            func time(naive: Bool) -> Double {
                Timing.medianSeconds(repeats: repeats) {
                    let run = naive ? gemmNaive : gemm
                    run(false, false, m, n, k, 1, a, k, b, n, 0, &c, n)
                }
            }
            let fast = flops / time(naive: false) / 1e9
            let runNaive = !noNaive && flops <= 2.0 * 512 * 512 * 512
            let naive = runNaive ? flops / time(naive: true) / 1e9 : nil
            results.append(GemmResult(m: m, n: n, k: k, gflops: fast, naiveGflops: naive))
            if !json {
                print(
                    row([
                        "\(m)", "\(n)", "\(k)", format(fast), format(100 * fast / peak),
                        naive.map(format) ?? "-", naive.map { format(fast / $0) + "×" } ?? "-",
                    ]))
            }
        }
        return results
    }

    /// The 3×3 convolutions of the ablation nets (batch 128, 28×28 Fashion-MNIST input).
    static let convShapes: [(name: String, c: Int, k: Int, size: Int, stride: Int)] = [
        ("stem 1→16 @28", 1, 16, 28, 1), ("16→16 @28", 16, 16, 28, 1),
        ("16→32 /2 @28", 16, 32, 28, 2), ("32→32 @14", 32, 32, 14, 1),
        ("32→64 /2 @14", 32, 64, 14, 2), ("64→64 @7", 64, 64, 7, 1),
    ]

    func benchConv() throws -> [ConvResult] {
        if !json {
            print("\nconv2d 3×3, batch 128: GFLOP/s (naive in parentheses)")
            print(
                row(
                    [
                        "layer", "forward", "backward data", "backward weight",
                        "direct tile: fwd", "data", "weight", "weight by F(2×2)",
                    ], width: 22))
        }
        var results: [ConvResult] = []
        var generator = SeededGenerator(seed: 2)
        for shape in Self.convShapes {
            let s = try Conv2dShape(
                batch: 128, inChannels: shape.c, height: shape.size, width: shape.size,
                outChannels: shape.k, kernelH: 3, kernelW: 3, strideH: shape.stride,
                strideW: shape.stride, padH: 1, padW: 1)
            let x = (0..<(128 * s.inputImageSize)).map { _ in generator.nextUnitFloat() - 0.5 }
            let w = (0..<s.weightSize).map { _ in generator.nextUnitFloat() - 0.5 }
            let dy = (0..<(128 * s.outputImageSize)).map { _ in generator.nextUnitFloat() - 0.5 }
            var y = [Float](repeating: 0, count: 128 * s.outputImageSize)
            var dx = [Float](repeating: 0, count: 128 * s.inputImageSize)
            var dw = [Float](repeating: 0, count: s.weightSize)
            let flops = Double(s.flops)
            func rate(_ body: () -> Void) -> Double {
                flops / Timing.medianSeconds(repeats: repeats, body) / 1e9
            }
            let forward = rate { conv2dForward(s, input: x, weight: w, bias: nil, output: &y) }
            let data = rate { conv2dBackwardData(s, gradOutput: dy, weight: w, gradInput: &dx) }
            // Where the weight gradient runs Winograd's F(4×4, 3×3), F(2×2, 3×3)'s weight
            // gradient too (which training ran until 2026-12-07, with a quarter of the
            // rounding), timed in alternating rounds with it, so that each machine shows what
            // the change bought.
            let paths = s.paths
            let weight: Double
            var weight2x2: Double?
            if paths.backwardWeight == .winograd {
                var dw2 = dw
                let seconds = Timing.alternatingMedians(
                    rounds: repeats,
                    [
                        {
                            conv2dBackwardWeight(
                                s, input: x, gradOutput: dy, gradWeight: &dw, gradBias: nil)
                        },
                        {
                            conv2dBackwardWeightWinograd2x2(
                                s, input: x, gradOutput: dy, gradWeight: &dw2)
                        },
                    ])
                (weight, weight2x2) = (flops / seconds[0] / 1e9, flops / seconds[1] / 1e9)
            } else {
                weight = rate {
                    conv2dBackwardWeight(
                        s, input: x, gradOutput: dy, gradWeight: &dw, gradBias: nil)
                }
            }
            // Where Winograd runs (`Conv2dShape.paths`), the direct tile on the same layer,
            // in the same flops: what Winograd gains.
            let direct: [Double?] = [
                paths.forward == .winograd
                    ? rate { conv2dForwardDirect(s, input: x, weight: w, bias: nil, output: &y) }
                    : nil,
                paths.backwardData == .winograd
                    ? rate {
                        conv2dBackwardDataDirect(s, gradOutput: dy, weight: w, gradInput: &dx)
                    } : nil,
                paths.backwardWeight == .winograd
                    ? rate {
                        conv2dBackwardWeightDirect(s, input: x, gradOutput: dy, gradWeight: &dw)
                    } : nil,
            ]
            var naive: [Double]?
            if !noNaive {
                let once = max(1, repeats / 3)
                func naiveRate(_ body: () -> Void) -> Double {
                    flops / Timing.medianSeconds(repeats: once, body) / 1e9
                }
                naive = [
                    naiveRate { conv2dForwardNaive(s, input: x, weight: w, bias: nil, output: &y) },
                    naiveRate {
                        conv2dBackwardDataNaive(s, gradOutput: dy, weight: w, gradInput: &dx)
                    },
                    naiveRate {
                        conv2dBackwardWeightNaive(
                            s, input: x, gradOutput: dy, gradWeight: &dw, gradBias: nil)
                    },
                ]
            }
            results.append(
                ConvResult(
                    layer: shape.name, forwardGflops: forward, backwardDataGflops: data,
                    backwardWeightGflops: weight, naiveGflops: naive,
                    directGflops: direct.contains { $0 != nil } ? direct : nil,
                    winograd2x2WeightGflops: weight2x2))
            if !json {
                let cells = [forward, data, weight].enumerated().map { i, fast in
                    format(fast) + (naive.map { " (" + format($0[i]) + ")" } ?? "")
                }
                let directCells = (direct + [weight2x2]).map { $0.map(format) ?? "–" }
                print(row([shape.name] + cells + directCells, width: 22))
            }
        }
        return results
    }

    func benchTrain(into report: inout BenchReport) throws {
        if !json {
            print("\ntraining step, batch \(trainBatch) of 28×28×1 (forward, loss, backward, SGD)")
            print(row(["net", "images/s", "ms/step"]))
        }
        report.trainBatch = trainBatch
        report.train = try TrainBench.measure(repeats: repeats, batch: trainBatch, only: net) {
            result in
            if !json {
                print(
                    row([
                        result.net, format(result.imagesPerSecond),
                        format(1000 * result.secondsPerStep),
                    ]))
            }
        }
        // One net, or another batch than the recipe's, says nothing about the whole ablation.
        guard net == nil, trainBatch == TrainBench.batch else { return }
        report.ablationIterations = iterations
        report.ablationMinutes = TrainBench.ablationMinutes(report.train, iterations: iterations)
        if !json, let minutes = report.ablationMinutes {
            print(
                "ablation, 6 nets × \(iterations) steps at these speeds: "
                    + String(format: "%.1f", minutes) + " min")
        }
    }
}

extension Bench {
    /// Images per training step: `--batch-size`, else `TrainBench.batch`.
    var trainBatch: Int { batchSize ?? TrainBench.batch }
    /// Images per evaluation: `--batch-size`, else `EvalBench.batch`.
    var evalBatch: Int { batchSize ?? EvalBench.batch }

    func benchEval(into report: inout BenchReport) {
        if !json {
            print("\nforward only, batch \(evalBatch) of 28×28×1: images/s")
            print(
                row(
                    [
                        "net", "training fwd", "eval, no grad", "folded BN", "folded/training",
                        "faults/img: training fwd", "eval",
                    ], width: 16))
        }
        report.evalBatch = evalBatch
        report.eval = EvalBench.measure(repeats: repeats, batch: evalBatch) { result in
            if !json {
                print(
                    row(
                        [
                            result.net, format(result.trainingForwardImagesPerSecond),
                            format(result.evalForwardImagesPerSecond),
                            format(result.foldedForwardImagesPerSecond),
                            format(
                                result.foldedForwardImagesPerSecond
                                    / result.trainingForwardImagesPerSecond) + "×",
                            String(format: "%.1f", result.trainingForwardPageFaultsPerImage ?? 0),
                            String(format: "%.1f", result.evalForwardPageFaultsPerImage ?? 0),
                        ], width: 16))
            }
        }
    }

    func benchBuild(into report: inout BenchReport) throws {
        if !json {
            print("\nbuilding a model (layers allocated, weights drawn), 1000 or 10 classes")
            print(row(["model", "parameters", "seconds"], width: 18))
        }
        report.build = try BuildBench.measure(repeats: repeats) { result in
            if !json {
                print(
                    row(
                        [
                            result.model, "\(result.parameters)",
                            String(format: "%.3f", result.seconds),
                        ], width: 18))
            }
        }
    }
}

struct BenchReport: Codable {
    var threads: Int
    var machine: String
    /// What the kernels were compiled for: "AVX-512", "AVX2" or "portable".
    var instructionSet: String
    /// The register tiles that ran (the compiled set's unless `RESIDUAL_KERNELS` says).
    var tiles: String
    /// The FP32 peak the GEMM shares are of: the larger of the measured one (`FMAPeak`) and
    /// the one computed from /proc/cpuinfo's clock.
    var peakGflops: Double
    /// `FMAPeak.measure` on these threads.
    var measuredPeakGflops: Double = 0
    /// Cores × /proc/cpuinfo's clock × FMA lanes × 2 (too low when the cores boost above it).
    var computedPeakGflops: Double = 0
    var gemm: [GemmResult]
    var conv: [ConvResult]
    var train: [TrainResult]
    var eval: [EvalResult] = []
    var build: [BuildResult] = []
    /// Images per step of `train` and `eval` (nil where that suite did not run).
    var trainBatch: Int?
    var evalBatch: Int?
    /// Steps per net assumed by `ablationMinutes`.
    var ablationIterations: Int?
    /// Minutes the six ablation nets take at the measured speeds.
    var ablationMinutes: Double?
}

struct GemmResult: Codable {
    var m: Int
    var n: Int
    var k: Int
    var gflops: Double
    var naiveGflops: Double?
}

struct ConvResult: Codable {
    var layer: String
    var forwardGflops: Double
    var backwardDataGflops: Double
    var backwardWeightGflops: Double
    /// forward, backward data, backward weight
    var naiveGflops: [Double]?
    /// Where a computation runs Winograd (F(4×4, 3×3), forward and for both gradients): the
    /// direct tile's GFLOP/s on the
    /// same layer (forward, backward data, backward weight; nil where Winograd does not
    /// run), to set beside it. Nil when Winograd runs none of the three.
    var directGflops: [Double?]?
    /// Where the weight gradient runs Winograd: F(2×2, 3×3)'s weight gradient
    /// (`conv2dBackwardWeightWinograd2x2`, which training ran until 2026-12-07; F(4×4, 3×3)
    /// since) on the same layer, to set beside it, the two timed in alternating rounds. Nil
    /// elsewhere. (Until 2026-12-07 this was `winograd4x4_weight_gflops`, F(4×4, 3×3) beside
    /// the F(2×2, 3×3) that training ran.)
    var winograd2x2WeightGflops: Double?
}

private func format(_ x: Double) -> String {
    x >= 100
        ? String(format: "%.0f", x)
        : x >= 10 ? String(format: "%.1f", x) : String(format: "%.2f", x)
}

private func row(_ cells: [String], width: Int = 14) -> String {
    cells.map { $0.padding(toLength: max(width, $0.count), withPad: " ", startingAt: 0) }.joined()
}
