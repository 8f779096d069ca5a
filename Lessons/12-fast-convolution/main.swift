// Lesson 12: making a convolution fast. One layer of the ablation nets, computed six ways on
// the student's own machine and measured against its measured arithmetic peak: the seven
// loops, im2col + GEMM, the register tile, threads, and Winograd's F(2×2, 3×3) and
// F(4×4, 3×3), with their rounding; then where a training step's time goes, and why every
// instruction set gives the same bits.
import Foundation
import Residual

let notebook = Notebook(
    name: "lesson-12-fast-convolution",
    title: "Lesson 12 · Making it fast: from seven loops to Winograd on a register tile")

notebook.introduction(
    """
    Every lesson so far leaned on `conv2dForward` and its two gradients, and the ablation of \
    lesson 08 runs them millions of times. This lesson opens them up. It takes one layer of \
    the ablation nets and computes it six ways, from the obvious loops to Winograd's \
    transforms on a register tile, measuring each on this machine as GFLOP/s and as a share \
    of what this machine's cores can do at most. Every number below is measured by this run; \
    a second run gives other times (by a few percent on a quiet machine, by much more on a \
    busy or shared one), never other outputs. Run it as \
    `swift run -c release lesson-12-fast-convolution`: a debug build times code compiled \
    for the debugger, so there the lesson shows its timings without checking them.
    """)

#if DEBUG
    if notebook.timingsNotMeaningful == nil {
        notebook.timingsNotMeaningful = "a debug build (run it with -c release)"
    }
#endif

/// The layer of this lesson: 3×3, 16 → 16 channels, 28×28, stride 1, padding 1, the first
/// stage of every ablation net, at the recipe's batch of 128 (8 in `--quick`).
let batch = notebook.quick(8, full: 128)
let layer = try Conv2dShape(
    batch: batch, inChannels: 16, height: 28, width: 28, outChannels: 16, kernelSize: 3,
    stride: 1, padding: 1)
let repeats = notebook.quick(2, full: 3)
/// Rounds of the alternating timings.
let rounds = notebook.quick(3, full: 7)
var generator = SeededGenerator(seed: 12)
let input = Tensor.randn([batch, 16, 28, 28], generator: &generator).data
let weight = Tensor.randn([16, 16, 3, 3], generator: &generator).data.map { $0 / 12 }
let gigaflops = Double(layer.flops) / 1e9

/// `share` as a percentage with `digits` decimals: "42%".
func percent(_ share: Double, _ digits: Int) -> String {
    Format.fixed(100 * share, digits) + "%"
}

/// Median seconds of `body` on `threads` threads.
func time(threads: Int, _ body: () -> Void) -> Double {
    Parallel.withThreadCount(threads) { Timing.medianSeconds(repeats: repeats, body) }
}

/// Median seconds of each of `bodies`, each on its own thread count, timed in alternating
/// rounds (`Timing.alternatingMedians`).
func alternating(_ bodies: [(threads: Int, body: () -> Void)]) -> [Double] {
    Timing.alternatingMedians(
        rounds: rounds,
        bodies.map { threads, body in { Parallel.withThreadCount(threads, body) } })
}

/// One measured way of computing the layer.
struct Measurement {
    let name: String
    /// The name on the chart's axis.
    let label: String
    let threads: Int
    let seconds: Double
    /// Flops actually performed as a share of the direct sum's (Winograd's products: 36 of
    /// 144 per block and channel pair); 1 for everything else.
    var performedShare = 1.0
    var gflops: Double { gigaflops / seconds }
}

// MARK: - 1. The machine

/// Vector registers of one core and floats per register, for the target each set's tiles
/// are written for (the portable tiles: arm64's NEON).
func registers(_ set: InstructionSet) -> (count: Int, floats: Int) {
    switch set {
    case .avx512: (32, 16)
    case .avx2: (16, 8)
    case .portable: (32, 4)
    }
}

/// Whether this build runs on x86-64 without AVX2 and FMA (a build with no target CPU).
var baselineX86: Bool {
    #if arch(x86_64)
        InstructionSet.compiled == .portable
    #else
        false
    #endif
}

let peak = notebook.cell("The layer, and what this machine can do at most") {
    cell -> [Int: Double] in
    let set = InstructionSet.compiled
    let (count, floats) = registers(set)
    cell.prose(
        """
        The layer: a 3×3 convolution from 16 to 16 channels on 28×28 maps, stride 1, padding \
        1, a batch of \(batch): the first stage of every net in lesson 08. Each output is a \
        sum of 16 × 9 = 144 products, so the layer is \(Format.grouped(layer.flops / 2)) \
        multiply-adds, \(Format.fixed(gigaflops, 3)) GFLOP counting a multiply-add as two \
        operations.

        What can a core do at most? This build targets \(set)\(baselineX86 ? " (baseline x86-64: SSE, 16 registers of 4 floats, and no FMA instruction)" : ": a vector register holds \(floats) floats and a core has \(count) of them")\
        . A fused multiply-add (FMA) instruction computes a·b + c on every lane of a register \
        at once, rounding once, and a core completes one or two vectors of them per clock \
        cycle, depending on its design: Zen 1's two FMA units are 128 bits wide, so one \
        256-bit AVX2 FMA takes both of them (one per cycle, 8 lanes); Zen 4 completes two 256-bit FMAs per \
        cycle, or one 512-bit one. The peak is cycles per second × lanes completed per cycle \
        × 2 operations. The clock is the catch: `/proc/cpuinfo` often shows the base or \
        a virtual machine's nominal clock, not the one the core runs at. So we measure the \
        peak instead (`FMAPeak`): each thread runs ten independent chains of FMAs on \
        registers, with nothing to load or store, and we count what it completes (the best \
        of \(notebook.quick(3, full: 9)) runs, one and two threads taking turns). No real \
        kernel can beat that; every share of peak below is a share of this measurement.
        """)
    var rows: [[String]] = []
    var measured: [Int: Double] = [:]
    // The helper threads of parallel loops start on first use: a first loop can find none
    // running yet and run every chunk on the calling thread. One untimed loop first.
    _ = FMAPeak.measure(threads: 2, iterations: 100_000, repeats: 1)
    // The best of many short runs, one and two threads taking turns: a core that a virtual
    // machine's host lends elsewhere for a moment makes one run slow, never one fast.
    for _ in 0..<notebook.quick(3, full: 9) {
        for threads in [1, 2] {
            let gflops = FMAPeak.measure(
                threads: threads, iterations: notebook.quick(300_000, full: 10_000_000),
                repeats: 1)
            measured[threads] = max(measured[threads] ?? 0, gflops)
        }
    }
    for threads in [1, 2] {
        let gflops = measured[threads]!
        rows.append([
            "\(threads)", Format.fixed(gflops, 1), Format.fixed(gflops / Double(threads), 1),
        ])
    }
    cell.table(["threads", "measured peak (GFLOP/s)", "per thread"], rows)
    cell.output(
        "\(CPUInfo.current.modelName); instruction set \(set); \(Parallel.processorCount) logical processors; "
            + "the layer: \(Format.fixed(gigaflops, 3)) GFLOP")
    if Parallel.processorCount >= 2 {
        cell.checkTiming(
            "two threads on two cores reach at least 1.3× one thread's peak (the second "
                + "core does work)", measured[2]! >= 1.3 * measured[1]!,
            Format.fixed(measured[2]! / measured[1]!, 2) + "×")
        if measured[2]! < 1.8 * measured[1]! {
            cell.prose(
                """
                Two threads reached \(Format.fixed(measured[2]! / measured[1]!, 2))× one \
                thread's peak, not 2×: on a virtual machine the host may be running something \
                else on the second core when asked. Rerun and the figures move; the shares \
                below are of what this run measured.
                """)
        }
    }
    return measured
}!

// MARK: - 2. Seven loops

let naive = notebook.cell("Seven loops") { cell -> ([Float], Measurement) in
    cell.prose(
        """
        The definition, written as loops: for every image, output channel, output row and \
        column, sum over input channels and the 3×3 window. This is the library's reference, \
        the function every fast kernel is tested against:
        """)
    try cell.listing("conv-naive", in: "Sources/Kernels/Reference/Conv2d+Naive.swift")
    var output = [Float](repeating: 0, count: batch * layer.outputImageSize)
    let seconds = time(threads: 1) {
        conv2dForwardNaive(layer, input: input, weight: weight, bias: nil, output: &output)
    }
    let measurement = Measurement(name: "seven loops", label: "loops", threads: 1, seconds: seconds)
    cell.output(
        "\(Format.fixed(seconds * 1000, 1)) ms, \(Format.fixed(measurement.gflops, 2)) GFLOP/s, "
            + "\(percent(measurement.gflops / peak[1]!, 1)) of one thread's peak")
    cell.prose(
        """
        Each product is two loads from addresses computed afresh, a multiply and an add, one \
        float at a time, and the innermost loop runs three times before the padding's bounds \
        checks come round again: the other lanes of the vector registers sit idle, and \
        nothing loaded is kept for the next output that needs it.
        """)
    return (output, measurement)
}!

// MARK: - 3. im2col + GEMM

let viaGemm = notebook.cell("im2col + GEMM: why packing and blocking matter") {
    cell -> [Measurement] in
    cell.prose(
        """
        Lesson 02 turned the convolution into a matrix product: im2col copies every 3×3 window \
        of an image into a column of a [144 × 784] matrix, and the [16 × 144] weights times \
        that matrix is the output. Both products below are the same matrices; only the \
        matrix multiply differs. `gemmNaive` is the triple loop. `gemm` copies blocks of the \
        two matrices into small contiguous panels (packing), sized so that a block of one \
        stays in the L2 cache and a panel of the other in L1 while it is reused (blocking), \
        and its inner kernel keeps a 6 × 16 block of the result in registers for the whole \
        sum, so each loaded value is used 6 or 16 times instead of once. This product is \
        small (16 × 144 times 144 × 784): it fits one cache block, so what it shows is the \
        packing and the register block; blocking pays on larger matrices (`resnet-lab bench \
        gemm`).
        """)
    var columns = [Float](repeating: 0, count: layer.columnRows * layer.columnCount)
    var naiveOut = [Float](repeating: 0, count: batch * layer.outputImageSize)
    var fastOut = naiveOut
    func run(
        _ product: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
        into out: inout [Float]
    ) {
        out.withUnsafeMutableBufferPointer { y in
            for n in 0..<batch {
                input.withUnsafeBufferPointer { x in
                    im2col(
                        layer, image: x.baseAddress! + n * layer.inputImageSize, columns: &columns)
                }
                columns.withUnsafeBufferPointer {
                    product($0.baseAddress!, y.baseAddress! + n * layer.outputImageSize)
                }
            }
        }
    }
    let naiveSeconds = time(threads: 1) {
        run(
            { b, c in
                gemmNaive(
                    transposeA: false, transposeB: false, m: 16, n: layer.columnCount,
                    k: layer.columnRows, alpha: 1, a: weight, lda: layer.columnRows, b: b,
                    ldb: layer.columnCount, beta: 0, c: c, ldc: layer.columnCount)
            }, into: &naiveOut)
    }
    let fastSeconds = time(threads: 1) {
        run(
            { b, c in
                gemm(
                    transposeA: false, transposeB: false, m: 16, n: layer.columnCount,
                    k: layer.columnRows, alpha: 1, a: weight, lda: layer.columnRows, b: b,
                    ldb: layer.columnCount, beta: 0, c: c, ldc: layer.columnCount)
            }, into: &fastOut)
    }
    let reference = naive.0
    let scale = reference.reduce(0) { max($0, abs($1)) }
    let worst = max(maxAbsDifference(reference, naiveOut), maxAbsDifference(reference, fastOut))
    cell.check(
        "both products give the loops' outputs (max difference ≤ 1e-6 of the largest)",
        worst <= 1e-6 * scale,
        "max difference \(worst), \(String(format: "%.1e", worst / scale)) of the largest output")
    cell.checkTiming(
        "packing and the register block make the same product faster",
        fastSeconds < naiveSeconds, Format.fixed(naiveSeconds / fastSeconds, 1) + "×")
    return [
        Measurement(
            name: "im2col + naive GEMM", label: "im2col, naive", threads: 1, seconds: naiveSeconds),
        Measurement(name: "im2col + GEMM", label: "im2col, GEMM", threads: 1, seconds: fastSeconds),
    ]
}!

// MARK: - 4. The register tile

let tiles = notebook.cell("The register tile") { cell -> [Measurement] in
    cell.prose(
        """
        im2col writes a matrix nine times the size of the image and reads it back. The direct \
        tile skips it: entry (tap, pixel) of that matrix is the padded image at "where the \
        pixel's window starts + where the tap sits in the window", two small tables of \
        offsets. The tile keeps R output pixels × 16 output channels in registers; for each of \
        the 144 taps it loads one vector of 16 weights and, for each of its R pixels, \
        broadcasts one input value across a register and adds the product: R fused \
        multiply-adds per weight vector loaded.

        A register is a few dozen bytes of storage inside the core, the only place the \
        arithmetic reads from and writes to at full speed. The R accumulators of 16 floats \
        and the broadcast value must fit in them, or the compiler spills some to memory and \
        reloads them at every tap. That is what limits R on AVX2 (6 rows: 13 of 16 \
        registers). With AVX-512's and NEON's 32 registers more rows would fit: the 8 and 4 \
        rows there are choices, not limits (on AVX-512 a larger tile measured no faster: \
        Docs/PERFORMANCE.md).
        """)
    var rows: [[String]] = []
    for set in InstructionSet.allCases {
        let (count, floats) = registers(set)
        let perVector = 16 / floats
        let accumulators = set.directRows * perVector
        rows.append([
            set == .portable ? "NEON (portable)" : "\(set)", "\(count) × \(floats)",
            "\(set.directRows) × 16", "\(accumulators)", "\(accumulators + 1) of \(count)",
            "\(8 * perVector + 1) of \(count)",
        ])
    }
    cell.table(
        [
            "instruction set", "registers × floats", "tile", "accumulator registers",
            "with the broadcast value", "an 8 × 16 tile would need at least",
        ],
        rows)
    cell.prose(
        """
        The weight vector can stay in memory: an x86 FMA may read one operand straight from \
        it. The broadcast value needs a register. On AVX2 a 16-float vector takes two \
        registers, so an 8 × 16 tile needs 16 accumulators and a broadcast, 17 of 16: it \
        cannot fit, and the compiler keeps some accumulators in memory (spills them), \
        storing and reloading them as the sum goes on. The AVX2 tile has 6 rows: 12 \
        accumulators, 13 registers with the broadcast (15 if the compiler also keeps the \
        weights in two). With AVX-512, wherever a layer has more than 16 output channels, \
        Winograd's products and the direct tile run a wider tile still, 8 pixels × 32 \
        channels (two panels of 16): 16 accumulators, 2 weight vectors and a broadcast, 19 of \
        32. The \
        portable tile is written for NEON's 32 registers of 4 floats.\(baselineX86 ? " This build is baseline x86-64, which has no FMA instruction: each `addingProduct` becomes a call to the C library's `fmaf` for every lane, which gives the same correctly rounded results but keeps nothing in registers across the calls. It is correct and slow: build with a target CPU (the package does unless told otherwise)." : "")

        Here is the 6-row tile, every accumulator a named variable so that the compiler \
        keeps it in a register. `taps[p]` and `starts[r]` look up the two tables of offsets; \
        they are generic so that a caller whose offsets follow a rule (taps a fixed step \
        apart, rows one float apart) can pass the rule instead of a table, and the compiler \
        can then step one pointer where a table needs one per row:
        """)
    try cell.listing("direct-tile-6", in: "Sources/Kernels/Conv/Direct/DirectTiles.swift")
    cell.prose(
        """
        Any machine can run any set's tiles: a tile written for wider registers still \
        computes the right numbers on narrower ones, only slower. So we can measure what a \
        tile too large for the registers costs: the layer with each set's tiles, one \
        thread, in this \(InstructionSet.compiled) build.
        """)
    var measurements: [InstructionSet: Measurement] = [:]
    var outputs: [InstructionSet: [Float]] = [:]
    for set in InstructionSet.allCases {
        outputs[set] = [Float](repeating: 0, count: batch * layer.outputImageSize)
    }
    let seconds = alternating(
        InstructionSet.allCases.map { set in
            (
                1,
                {
                    InstructionSet.$tiles.withValue(set) {
                        conv2dForwardDirect(
                            layer, input: input, weight: weight, bias: nil, output: &outputs[set]!)
                    }
                }
            )
        })
    for (set, seconds) in zip(InstructionSet.allCases, seconds) {
        measurements[set] = Measurement(
            name: "direct tile, \(set.directRows) rows", label: "tile", threads: 1,
            seconds: seconds)
    }
    cell.table(
        ["tiles of", "tile", "ms (1 thread)", "GFLOP/s", "of peak"],
        InstructionSet.allCases.map { set in
            let m = measurements[set]!
            return [
                "\(set)", "\(set.directRows) × 16", Format.fixed(m.seconds * 1000, 2),
                Format.fixed(m.gflops, 1), percent(m.gflops / peak[1]!, 0),
            ]
        })
    let own = InstructionSet.compiled
    let ownSeconds = measurements[own]!.seconds
    // The other sets' tiles that cannot fit this build's registers (accumulators and the
    // broadcast value).
    let (count, floats) = registers(own)
    let spilling = InstructionSet.allCases.filter {
        $0 != own && !baselineX86 && $0.directRows * 16 / floats + 1 > count
    }
    let times = InstructionSet.allCases.map {
        "\($0): \(Format.fixed(measurements[$0]!.seconds * 1000, 2)) ms"
    }.joined(separator: ", ")
    // The build's tile passes within 2% of the fastest: on a core where the rows do not change
    // the speed (a Zen 4 core, which runs a 512-bit FMA as two 256-bit halves, runs the three
    // within about 1% of each other), which one comes first is the timer's noise.
    let tie = 1.02
    if spilling.isEmpty {
        cell.checkTiming(
            "the tile made for this build (\(own.directRows) rows) is the fastest of the three, "
                + "or within 2% of it",
            measurements.values.allSatisfy { ownSeconds <= tie * $0.seconds }, times)
    } else {
        let names = spilling.map { "\($0.directRows) rows" }.joined(separator: ", ")
        cell.checkTiming(
            "each tile too large for these registers (\(names)) is at least 20% slower than "
                + "this build's \(own.directRows)-row tile",
            spilling.allSatisfy { measurements[$0]!.seconds >= 1.2 * ownSeconds }, times)
    }
    let fits = InstructionSet.allCases.filter { !spilling.contains($0) }
    let fastest = fits.min { measurements[$0]!.seconds < measurements[$1]!.seconds } ?? own
    let ownShare = percent(measurements[own]!.gflops / peak[1]!, 0)
    let fitSeconds = fits.map { measurements[$0]!.seconds }
    let spread = (fitSeconds.max() ?? ownSeconds) / (fitSeconds.min() ?? ownSeconds)
    var comparison =
        "Of the tiles that fit, the \(fastest.directRows)-row tile was the fastest here"
    if fits.count > 1 && spread <= tie {
        comparison =
            "The tiles that fit ran within \(percent(spread - 1, 1)) of each other here: on this "
            + "core more rows did not make the tile faster, so the weight-vector loads that extra "
            + "rows save are not what limits it"
    } else if fastest != own {
        comparison +=
            ", \(Format.fixed(ownSeconds / measurements[fastest]!.seconds, 2))× the speed of "
            + "this build's \(own.directRows)-row tile: more rows mean more multiply-adds per "
            + "weight vector loaded, but which count runs best depends on the core's pipelines "
            + "too. The tiles were chosen by measurement on Zen 4 and Zen 5 "
            + "(Docs/PERFORMANCE.md); on \(CPUInfo.current.modelName), measure"
    }
    cell.prose(
        """
        \(comparison). The tile made for this build reached \(ownShare) of one thread's \
        peak. The peak's chains do nothing but FMAs on registers; the tile must also load \
        and broadcast one input value for every \(16 / floats == 1 ? "" : "\(16 / floats) ")FMA \
        instruction\(16 / floats == 1 ? "" : "s"), \
        fetch a weight vector per tap, and store its outputs, and those instructions \
        compete with the FMAs for the core's issue slots.
        """)
    let scale = naive.0.reduce(0) { max($0, abs($1)) }
    let worst = maxAbsDifference(naive.0, outputs[own]!)
    cell.check(
        "the tile gives the loops' outputs (max difference ≤ 1e-6 of the largest)",
        worst <= 1e-6 * scale,
        "max difference \(worst), \(String(format: "%.1e", worst / scale)) of the largest output")
    cell.check(
        "the three tiles give the same bits",
        outputs[.avx512]! == outputs[.avx2]! && outputs[.avx2]! == outputs[.portable]!)
    return [measurements[own]!]
}!

// MARK: - 5. Threads

let threaded = notebook.cell("Threads, without locks and without changing a bit") {
    cell -> Measurement in
    cell.prose(
        """
        A second core brings a second set of FMA units, if the work splits. The kernels \
        split it by what \
        each thread *writes*: whole images when there are at least as many images as \
        threads, otherwise the tiles of one image (both branches below). No two threads write the same output, so \
        no locks are needed, and each output is still the same sum in the same order, so the \
        result cannot depend on the thread count. `Parallel.forChunks` cuts the work into \
        one contiguous range per thread, and the calling thread and helper threads claim \
        them from a shared counter (the helpers wait for the next loop by polling for a \
        moment rather than going to sleep, so a loop starts without waking anyone):
        """)
    try cell.listing("direct-threads", in: "Sources/Kernels/Conv/Direct/Conv2d+Direct.swift")
    var one = [Float](repeating: 0, count: batch * layer.outputImageSize)
    var two = one
    let times = alternating([
        (1, { conv2dForwardDirect(layer, input: input, weight: weight, bias: nil, output: &one) }),
        (2, { conv2dForwardDirect(layer, input: input, weight: weight, bias: nil, output: &two) }),
    ])
    let (t1, t2) = (times[0], times[1])
    let m = Measurement(name: "direct tile", label: "tile", threads: 2, seconds: t2)
    cell.output(
        "1 thread \(Format.fixed(t1 * 1000, 2)) ms, 2 threads \(Format.fixed(t2 * 1000, 2)) ms: "
            + "\(Format.fixed(t1 / t2, 2))×, \(percent(m.gflops / peak[2]!, 0)) of the "
            + "two-thread peak")
    // The same bits whatever the split: the layer above (whole images per thread), and one
    // image (its tiles split), through the forward pass and both gradients on the path
    // `conv2dForward` takes (Winograd).
    let single = try Conv2dShape(
        batch: 1, inChannels: 16, height: 28, width: 28, outChannels: 16, kernelSize: 3,
        stride: 1, padding: 1)
    let x1 = Array(input.prefix(single.inputImageSize))
    var sameBits = true
    for s in [layer, single] {
        let x = s.batch == 1 ? x1 : input
        let dy = x.map { $0 * 0.5 }
        var results: [[[Float]]] = []
        for threads in [1, 2] {
            var y = [Float](repeating: 0, count: s.batch * s.outputImageSize)
            var dx = [Float](repeating: 0, count: x.count)
            var dw = [Float](repeating: 0, count: weight.count)
            var direct = y
            Parallel.withThreadCount(threads) {
                conv2dForwardDirect(s, input: x, weight: weight, bias: nil, output: &direct)
                conv2dForward(s, input: x, weight: weight, bias: nil, output: &y)
                conv2dBackwardData(s, gradOutput: dy, weight: weight, gradInput: &dx)
                conv2dBackwardWeight(s, input: x, gradOutput: dy, gradWeight: &dw, gradBias: nil)
            }
            results.append([direct, y, dx, dw])
        }
        sameBits = sameBits && results[0] == results[1]
    }
    cell.check(
        "1 and 2 threads give the same bits: the direct tile, and Winograd's forward pass and "
            + "both gradients, on \(batch) images and on one",
        sameBits && one == two)
    if Parallel.processorCount >= 2 {
        cell.checkTiming(
            "two threads are faster than one (at least 1.1×: a split that ran serially would not be)",
            t1 >= 1.1 * t2, Format.fixed(t1 / t2, 2) + "×")
        let peakRatio = peak[2]! / peak[1]!
        let speedUp = t1 / t2
        let comparison =
            speedUp > 1.1 * peakRatio
            ? "more than the peak did, which the arithmetic alone cannot do. Either the "
                + "one-thread runs lost time that the two-thread runs did not (on a shared "
                + "virtual machine, to the host's other work), or the two threads gained from "
                + "having two cores' private caches; this lesson does not tell which, and a "
                + "second run gives other ratios"
            : speedUp >= 0.9 * peakRatio
                ? "as much as the peak did"
                : "less than the peak did. The peak's chains touch no memory; a convolution reads "
                    + "its inputs and writes its outputs through caches and a memory bus that the "
                    + "cores share, and each thread pads its own images first"
        cell.prose(
            """
            With two threads the peak grew \(Format.fixed(peakRatio, 2))× and this layer \
            \(Format.fixed(speedUp, 2))×: \(comparison). (`Parallel.processorCount` counts \
            logical processors; two of them can be one physical core's two hyperthreads, \
            which share its FMA units.)
            """)
    }
    return m
}!

// MARK: - 6. Winograd by hand

// listing: f23-by-hand
/// Winograd's F(2, 3): two outputs of a 3-tap filter g over four inputs d, with four
/// multiplications (m1 ... m4) where the direct sums take six.
func f23(_ d: [Double], _ g: [Double]) -> (outputs: [Double], products: [Double]) {
    let m1 = (d[0] - d[2]) * g[0]
    let m2 = (d[1] + d[2]) * ((g[0] + g[1] + g[2]) / 2)
    let m3 = (d[2] - d[1]) * ((g[0] - g[1] + g[2]) / 2)
    let m4 = (d[1] - d[3]) * g[2]
    return ([m1 + m2 + m3, m2 - m3 - m4], [m1, m2, m3, m4])
}
// listing-end: f23-by-hand

notebook.cell("Winograd in one dimension, by hand") { cell in
    cell.prose(
        """
        The tile does every multiply-add of the sum, as fast as the core allows. To go past \
        that, do fewer. Two neighbouring outputs of a 3-tap filter, y₀ = d₀g₀ + d₁g₁ + d₂g₂ \
        and y₁ = d₁g₀ + d₂g₁ + d₃g₂, share inputs; Winograd showed that they need only \
        4 multiplications, not 6 (S. Winograd, *Arithmetic Complexity of Computations*, \
        SIAM, 1980; Lavin and Gray 2016, section 4, write F(2, 3) in this form and count \
        m + r − 1 multiplications for m outputs of an r-tap filter). The filter's combinations (g₀ + g₁ + g₂)/2 and \
        (g₀ − g₁ + g₂)/2 are computed once per filter and reused for every pair of outputs, \
        so they do not count:
        """)
    try cell.listing("f23-by-hand", in: "Lessons/12-fast-convolution/main.swift")
    let d: [Double] = [3, -1, 4, 2]
    let g: [Double] = [2, -1, 0.5]
    let (y, m) = f23(d, g)
    let direct = [
        d[0] * g[0] + d[1] * g[1] + d[2] * g[2], d[1] * g[0] + d[2] * g[1] + d[3] * g[2],
    ]
    cell.output(
        """
        d = (3, −1, 4, 2), g = (2, −1, 0.5)
        m1 = (d0 − d2)·g0 = \(m[0]);  m2 = (d1 + d2)·(g0 + g1 + g2)/2 = \(m[1])
        m3 = (d2 − d1)·(g0 − g1 + g2)/2 = \(m[2]);  m4 = (d1 − d3)·g2 = \(m[3])
        y0 = m1 + m2 + m3 = \(y[0]);  y1 = m2 − m3 − m4 = \(y[1])
        direct: y0 = \(direct[0]), y1 = \(direct[1])
        """)
    cell.check("F(2, 3)'s four products give the direct sums' two outputs", y == direct)
    cell.prose(
        """
        The price is the additions before and after the products, and rounding: d₀ − d₂ and \
        the halved filter sums are new numbers, each rounded. In two dimensions the same \
        trick nests, rows and then columns.
        """)
}

// MARK: - 7. F(2×2, 3×3) and F(4×4, 3×3)

/// A matrix as text, one row per line, fractions as fractions.
func show(_ matrix: [[Double]]) -> String {
    func entry(_ x: Double) -> String {
        if x == x.rounded() { return String(Int(x)) }
        for denominator in [2, 4, 6, 12, 24] {
            let numerator = x * Double(denominator)
            if abs(numerator - numerator.rounded()) < 1e-9 {
                return "\(Int(numerator.rounded()))/\(denominator)"
            }
        }
        return "\(x)"
    }
    let cells = matrix.map { $0.map(entry) }
    let width = cells.flatMap { $0 }.map(\.count).max() ?? 1
    return cells.map { row in
        "[ "
            + row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(
                separator: " ") + " ]"
    }.joined(separator: "\n")
}

let winograd = notebook.cell("F(2×2, 3×3) and F(4×4, 3×3)") { cell -> [Measurement] in
    cell.prose(
        """
        In two dimensions an m×m block of outputs comes from the (m+2)×(m+2) block of input \
        under it as Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A (A. Lavin and S. Gray, *Fast \
        Algorithms for Convolutional Neural Networks*, CVPR 2016, section 4): Bᵀ \
        transforms the input block, G the filter (once per filter), ⊙ multiplies the two \
        element by element, which is the only multiplication that involves both, and Aᵀ \
        brings the products back to outputs. Over C input channels the products add up in \
        the transformed domain, so the output transform runs once per block and output \
        channel, not once per input channel too. These are the library's matrices (`WinogradTransform`), as the reference \
        holds them:
        """)
    for transform in [WinogradTransform.f2x2, .f4x4] {
        cell.output(
            "\(transform.name)\nBᵀ =\n\(show(transform.bt))\nG =\n\(show(transform.g))\n"
                + "Aᵀ =\n\(show(transform.at))")
    }
    cell.table(
        [
            "algorithm", "outputs per block", "multiplications per block and channel",
            "per output", "direct sum per output", "fewer by",
        ],
        [WinogradTransform.f2x2, .f4x4].map { (t: WinogradTransform) -> [String] in
            let outputs = Double(t.m * t.m)
            let products = Double(t.multiplications)
            let perOutput: String = Format.fixed(products / outputs, 2)
            let fewer: String = Format.fixed(Double(t.directMultiplications) / products, 2)
            return [t.name, "\(t.m * t.m)", "\(t.multiplications)", perOutput, "9", fewer + "×"]
        })
    cell.prose(
        """
        The reference computes exactly that, block by block, the transforms as matrix \
        products; it is slow and meant to be read. The fast kernel does the same arithmetic \
        in another arrangement: the 36 element-wise products, summed over channels, are 36 \
        matrix products (blocks × channels times channels × output channels) that run on the \
        register tile above, and the transforms are written out as additions and \
        multiplications by the matrices' small constants (2, 4, 5, 8; the filter's sixths \
        and twenty-fourths are applied once per filter).
        """)
    try cell.listing(
        "winograd-reference", in: "Sources/Kernels/Reference/Conv2d+WinogradReference.swift")

    // Rounding, on one image: each way in float against a double-precision direct sum.
    let side = notebook.quick(14, full: 28)
    let small = try Conv2dShape(
        batch: 1, inChannels: 16, height: side, width: side, outChannels: 16, kernelSize: 3,
        stride: 1, padding: 1)
    let x = Array(input.prefix(small.inputImageSize))
    let exact = conv2dWinogradReference(
        .f4x4, batch: 1, channels: 16, height: side, width: side, outChannels: 16,
        input: x.map(Double.init), weight: weight.map(Double.init))
    var direct = [Double](repeating: 0, count: exact.count)
    // The direct sum in double, to check the double reference itself.
    var loops = [Float](repeating: 0, count: exact.count)
    conv2dForwardNaive(small, input: x, weight: weight, bias: nil, output: &loops)
    let xd = x.map(Double.init)
    let wd = weight.map(Double.init)
    for k in 0..<16 {
        for h in 0..<side {
            for v in 0..<side {
                var sum = 0.0
                for c in 0..<16 {
                    for r in 0..<3 where (0..<side).contains(h + r - 1) {
                        for t in 0..<3 where (0..<side).contains(v + t - 1) {
                            sum +=
                                xd[(c * side + h + r - 1) * side + v + t - 1]
                                * wd[((k * 16 + c) * 3 + r) * 3 + t]
                        }
                    }
                }
                direct[(k * side + h) * side + v] = sum
            }
        }
    }
    let rms = (direct.reduce(0) { $0 + $1 * $1 } / Double(direct.count)).squareRoot()
    func relativeError(_ values: [Float]) -> Double {
        let squares = zip(values, direct).reduce(0.0) {
            $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1)
        }
        return (squares / Double(direct.count)).squareRoot() / rms
    }
    let exact2 = conv2dWinogradReference(
        .f2x2, batch: 1, channels: 16, height: side, width: side, outChannels: 16,
        input: x.map(Double.init), weight: weight.map(Double.init))
    let doubleError =
        max(
            zip(exact, direct).reduce(0.0) { max($0, abs($1.0 - $1.1)) },
            zip(exact2, direct).reduce(0.0) { max($0, abs($1.0 - $1.1)) }) / rms
    let f2 = conv2dWinogradReference(
        .f2x2, batch: 1, channels: 16, height: side, width: side, outChannels: 16, input: x,
        weight: weight)
    let f4 = conv2dWinogradReference(
        .f4x4, batch: 1, channels: 16, height: side, width: side, outChannels: 16, input: x,
        weight: weight)
    var fast = [Float](repeating: 0, count: exact.count)
    conv2dForward(small, input: x, weight: weight, bias: nil, output: &fast)
    let errors = [relativeError(loops), relativeError(f2), relativeError(f4), relativeError(fast)]
    cell.prose(
        """
        What the transforms cost in accuracy: one \(side)×\(side) image through the layer in \
        float, each way, against the direct sum in double precision. The error is the root \
        mean square of the differences over the root mean square of the outputs (a float \
        carries 24 bits, a unit roundoff of \(Format.scientific(Double(Float.ulpOfOne) / 2))).
        """)
    cell.table(
        ["computed in float by", "rms error / rms output"],
        [
            ["the seven loops", Format.scientific(errors[0])],
            ["F(2×2, 3×3), the reference", Format.scientific(errors[1])],
            ["F(4×4, 3×3), the reference", Format.scientific(errors[2])],
            ["F(4×4, 3×3), the fast kernel (`conv2dForward`)", Format.scientific(errors[3])],
        ])
    cell.check(
        "both references in double precision give the direct sum (max difference < 1e-12 of the rms)",
        doubleError < 1e-12, Format.scientific(doubleError))
    cell.check(
        "F(4×4, 3×3) rounds at least twice as much as the loops and as F(2×2, 3×3)",
        errors[2] >= 2 * max(errors[0], errors[1]),
        errors.prefix(3).map { Format.scientific($0) }.joined(separator: ", "))
    cell.check(
        "F(4×4, 3×3)'s error is about a millionth of the outputs (between 1e-7 and 3e-6)",
        errors[2] > 1e-7 && errors[2] < 3e-6 && errors[3] > 1e-7 && errors[3] < 3e-6,
        "reference \(Format.scientific(errors[2])), kernel \(Format.scientific(errors[3]))")
    let f2Compared =
        errors[1] < errors[0]
        ? "below the loops' (\(Format.fixed(errors[1] / errors[0], 2))×)"
        : "\(Format.fixed(errors[1] / errors[0], 2))× the loops'"
    cell.prose(
        """
        Two things set the error: how the float sums are grouped, and how large the numbers \
        in them get. The loops add 144 products one after another into one running sum. \
        F(2×2, 3×3) groups them: each transformed product is a sum of 16 terms (one per \
        channel), and the output transform adds a few of those, with coefficients ±1 (the ½ \
        sits in the filter transform G); \
        its error here is \(f2Compared). F(4×4, 3×3)'s transforms multiply by up to 8 and 5 \
        and by sixths and twenty-fourths, so its terms are larger than the outputs they add \
        up to, and much of them cancels: \(Format.fixed(errors[2] / errors[0], 1))× the \
        loops' error, still about a millionth of the outputs (every run of lesson 08 trains \
        with it). The library uses F(4×4, 3×3) for the forward pass and for both \
        gradients; F(2×2, 3×3), with a quarter of the rounding, ran the weight gradient \
        until F(4×4, 3×3) was measured faster there too (Kernels/README.md).
        """)

    // Speed of the fast kernel on the lesson's layer.
    var out = [Float](repeating: 0, count: batch * layer.outputImageSize)
    let share =
        Double(WinogradTransform.f4x4.multiplications)
        / Double(WinogradTransform.f4x4.directMultiplications)
    let times = alternating([
        (1, { conv2dForward(layer, input: input, weight: weight, bias: nil, output: &out) }),
        (2, { conv2dForward(layer, input: input, weight: weight, bias: nil, output: &out) }),
    ])
    let (t1, t2) = (times[0], times[1])
    return [
        Measurement(
            name: "Winograd F(4×4, 3×3)", label: "Winograd", threads: 1, seconds: t1,
            performedShare: share),
        Measurement(
            name: "Winograd F(4×4, 3×3)", label: "Winograd", threads: 2, seconds: t2,
            performedShare: share),
    ]
}!

// MARK: - 8. All the steps

notebook.cell("Six ways, side by side") { cell in
    // The four fastest ways timed again, together, in alternating rounds: their differences
    // are small enough that timings from different moments could reorder them.
    var out = [Float](repeating: 0, count: batch * layer.outputImageSize)
    let fast = alternating([
        (1, { conv2dForwardDirect(layer, input: input, weight: weight, bias: nil, output: &out) }),
        (2, { conv2dForwardDirect(layer, input: input, weight: weight, bias: nil, output: &out) }),
        (1, { conv2dForward(layer, input: input, weight: weight, bias: nil, output: &out) }),
        (2, { conv2dForward(layer, input: input, weight: weight, bias: nil, output: &out) }),
    ])
    let retimed = [tiles[0], threaded, winograd[0], winograd[1]].enumerated().map {
        Measurement(
            name: $0.element.name, label: $0.element.label, threads: $0.element.threads,
            seconds: fast[$0.offset], performedShare: $0.element.performedShare)
    }
    let all = [naive.1] + viaGemm + retimed
    cell.prose(
        """
        Every way of computing the layer (the last four timed again here, together, in \
        alternating rounds, so that they compare fairly), as GFLOP/s of the direct sum's \
        \(Format.fixed(gigaflops, 3)) GFLOP (so Winograd's figure counts multiply-adds it \
        does not do), and as a share of the measured peak of as many threads. For Winograd \
        the share counts the multiplications it does perform, its element-wise products \
        (36 of every 144), and leaves out its transforms: a lower bound on its real work.
        """)
    cell.table(
        [
            "computed by", "threads", "ms", "GFLOP/s (direct sum's count)", "of peak",
            "vs the loops",
        ],
        all.map { m in
            [
                m.name, "\(m.threads)", Format.fixed(m.seconds * 1000, 2),
                Format.fixed(m.gflops, 1),
                percent(m.gflops * m.performedShare / peak[m.threads]!, 0),
                Format.fixed(naive.1.seconds / m.seconds, 1) + "×",
            ]
        })
    let shares = all.map { $0.gflops * $0.performedShare / peak[$0.threads]! }
    cell.check(
        "no way of computing the layer does more arithmetic per second than the measured peak",
        shares.allSatisfy { $0 <= 1 }, shares.map { percent($0, 0) }.joined(separator: ", "))
    cell.checkTiming(
        "Winograd is the fastest way on two threads",
        retimed[3].seconds <= retimed[1].seconds,
        "Winograd \(Format.fixed(retimed[3].seconds * 1000, 2)) ms, direct tile "
            + "\(Format.fixed(retimed[1].seconds * 1000, 2)) ms")
    try cell.picture(
        "conv-steps.png",
        caption:
            "The layer computed six ways, against the measured peak (GFLOP/s, higher is better)"
    ) { path in
        var chart = BarChart(
            title: "3×3 conv, 16→16, 28×28, batch \(batch) (\(InstructionSet.compiled))",
            yLabel: "GFLOP/s",
            categories: all.map { "\($0.label), \($0.threads)t" } + ["peak, 1t", "peak, 2t"],
            series: [
                BarSeries("GFLOP/s", values: all.map(\.gflops) + [peak[1]!, peak[2]!])
            ],
            showsValues: true, legend: .hidden)
        chart.yScale = .log
        chart.width = 960
        try chart.write(to: path, scale: 2)
    }
}

// MARK: - 9. A training step

notebook.cell("Where a training step's time goes") { cell in
    cell.prose(
        """
        A layer is not a network. One training step of res-18 from lesson 08 (batch \(batch)): \
        forward, loss, backward, SGD. Forward hooks record the input shape of every \
        convolution; each convolution is then run again on its own, forward, data gradient \
        and weight gradient, with the kernels above, and the SGD update is timed alone. What \
        remains of the step is batch norm, ReLU, additions, pooling, the loss and autograd's \
        bookkeeping.
        """)
    var weights = SeededGenerator(seed: 0)
    let model = ResNet.ablation(depth: 18, residual: true, generator: &weights)
    model.train()
    let optimizer = try SGD(
        parameters: model.parameters, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
    var data = SeededGenerator(seed: 1)
    let images = Tensor.randn([batch, 1, 28, 28], generator: &data)
    let labels = (0..<batch).map { _ in Int(data.next() % 10) }
    var shapes: [Conv2dShape] = []
    var hooks: [(Module, Int)] = []
    for module in model.namedModules().map(\.module) {
        guard let conv = module as? Conv2d else { continue }
        let id = conv.registerForwardHook { _, input, _ in
            shapes.append(
                try! Conv2dShape(
                    batch: input.shape[0], inChannels: conv.inputChannels, height: input.shape[2],
                    width: input.shape[3], outChannels: conv.outputChannels,
                    kernelSize: conv.kernelSize, stride: conv.stride, padding: conv.padding))
        }
        hooks.append((conv, id))
    }
    func step() {
        optimizer.zeroGrad()
        let loss = crossEntropy(logits: model(images), targets: labels)
        loss.backward()
        optimizer.step()
    }
    step()
    for (module, id) in hooks { module.removeForwardHook(id) }
    // Each convolution's tensors, made once; then the step and the replays in alternating
    // rounds, so that a machine whose speed drifts moves them all alike.
    struct Replay {
        let shape: Conv2dShape
        let x: [Float]
        let w: [Float]
        let dy: [Float]
        var y: [Float]
        var dx: [Float]
        var dw: [Float]
    }
    var g = SeededGenerator(seed: 2)
    var replays = shapes.map { s in
        let x = Tensor.randn([s.batch, s.inChannels, s.height, s.width], generator: &g).data
        let w = Tensor.randn([s.outChannels, s.inChannels, s.kernelH, s.kernelW], generator: &g)
            .data
        let dy = Tensor.randn([s.batch, s.outChannels, s.outHeight, s.outWidth], generator: &g)
            .data
        return Replay(
            shape: s, x: x, w: w, dy: dy, y: [Float](repeating: 0, count: dy.count),
            dx: [Float](repeating: 0, count: x.count), dw: [Float](repeating: 0, count: w.count))
    }
    let times = alternating([
        (2, step),
        (
            2,
            {
                for i in replays.indices {
                    let r = replays[i]
                    conv2dForward(
                        r.shape, input: r.x, weight: r.w, bias: nil, output: &replays[i].y)
                }
            }
        ),
        (
            2,
            {
                // The stem's input is the image: no gradient flows to it.
                for i in replays.indices.dropFirst() {
                    let r = replays[i]
                    conv2dBackwardData(
                        r.shape, gradOutput: r.dy, weight: r.w, gradInput: &replays[i].dx)
                }
            }
        ),
        (
            2,
            {
                for i in replays.indices {
                    let r = replays[i]
                    conv2dBackwardWeight(
                        r.shape, input: r.x, gradOutput: r.dy, gradWeight: &replays[i].dw,
                        gradBias: nil)
                }
            }
        ),
        (2, { optimizer.step() }),
    ])
    let (stepSeconds, forward, dataGradient, weightGradient, sgdSeconds) = (
        times[0], times[1], times[2], times[3], times[4]
    )
    let rest = stepSeconds - forward - dataGradient - weightGradient - sgdSeconds
    let parts: [(String, Double)] = [
        ("convolutions, forward", forward), ("convolutions, data gradient", dataGradient),
        ("convolutions, weight gradient", weightGradient), ("SGD update", sgdSeconds),
        ("everything else", rest),
    ]
    cell.table(
        ["part of the step (2 threads)", "ms", "share"],
        parts.map { [$0.0, Format.fixed($0.1 * 1000, 1), percent($0.1 / stepSeconds, 0)] }
            + [["the whole step", Format.fixed(stepSeconds * 1000, 1), "100%"]])
    try cell.picture(
        "step-shares.png", caption: "Where one training step of res-18 goes (ms, 2 threads)"
    ) { path in
        let chart = BarChart(
            title: "res-18, batch \(batch), one training step (\(InstructionSet.compiled))",
            yLabel: "ms",
            categories: ["conv forward", "conv data grad", "conv weight grad", "SGD", "the rest"],
            series: [BarSeries("ms", values: parts.map { 1000 * max(0, $0.1) })],
            showsValues: true, legend: .hidden, width: 960)
        try chart.write(to: path, scale: 2)
    }
    let convolutions = (forward + dataGradient + weightGradient) / stepSeconds
    cell.output(
        "\(shapes.count) convolutions; \(Format.fixed(Double(batch) / stepSeconds, 0)) images/s")
    cell.checkTiming(
        "the convolutions and the SGD update, run alone, take no longer than the whole step",
        rest >= 0,
        "convolutions and SGD \(Format.fixed((stepSeconds - rest) * 1000, 1)) ms of "
            + "\(Format.fixed(stepSeconds * 1000, 1)) ms")
    let weightRatio = weightGradient / forward
    let weightGap =
        weightRatio < 0.85
        ? "below that" : weightRatio > 1.15 ? "above it" : "near it"
    cell.prose(
        """
        The convolutions take \(percent(convolutions, 0)) of the step. Per layer their \
        three computations are the same number of multiply-adds (the data gradient skips \
        the stem, whose input is the image), yet the weight gradients took \
        \(Format.fixed(weightGradient / forward, 2))× the forward passes' time and the data \
        gradients \(Format.fixed(dataGradient / forward, 2))×. The products alone predict \
        1× for both (all three run F(4×4, 3×3), 36 products per 4×4 block and channel \
        pair); the measured weight-gradient ratio is \(weightGap). The products are not the whole \
        cost: the transforms, the copies into and out of the channel-last layout, and 3 of \
        the 17 layers (the one-channel stem and the two strided ones) that run no Winograd \
        at all take their share too. The rest of the step is batch norm, ReLU, additions, pooling and \
        the loss: each reads and writes whole tensors for a few operations per element. It \
        is measured here only as what remains, so it also carries the replay's own timing \
        error. Docs/PERFORMANCE.md splits the step function by function with `perf`, on the \
        six nets.
        """)
}

// MARK: - 10. Bits

notebook.cell("The same bits on every instruction set") { cell in
    cell.prose(
        """
        Lesson 08's numbers reproduce to the last digit on AVX-512, AVX2 and baseline x86-64 \
        builds (the test suite's `ReferenceNumbersTests` pins them, and Docs/PERFORMANCE.md \
        records the three builds agreeing). Floating-point addition is not associative, so that only holds if every output is \
        the same sequence of operations everywhere. The kernels make sure it is: each output \
        is one sum over its terms in a fixed order, one fused multiply-add per term (a·b + c \
        rounded once; `addingProduct` in Swift, an FMA instruction where the machine has one \
        and a correctly rounded library call where it does not, same result either way). The \
        tiles differ only in how many outputs they hold at once, and threads only in who \
        computes which outputs. Winograd's transforms are fixed sequences too, and its \
        weight-gradient sum over the batch is cut into a fixed number of groups that depends \
        on the batch alone. What one build can check: the three sets' tiles on one input, \
        here a 16 → 32 layer (so that the AVX-512 Winograd tile of 32 channels runs), its \
        forward pass and both gradients, and a strided layer's forward pass and data \
        gradient on the direct tile (the data gradient phase by phase: with stride 2, the \
        pixels of even or odd rows and columns, each reached by its own taps). The other \
        builds' own instructions (AVX-512's, and baseline x86-64's library `fmaf`) are \
        checked by building them and comparing the pinned numbers.
        """)
    let strided = try Conv2dShape(
        batch: 4, inChannels: 16, height: 28, width: 28, outChannels: 32, kernelSize: 3,
        stride: 2, padding: 1)
    var g = SeededGenerator(seed: 5)
    let x = Tensor.randn([4, 16, 28, 28], generator: &g).data
    let w = Tensor.randn([32, 16, 3, 3], generator: &g).data
    let ws = Tensor.randn([32, 16, 3, 3], generator: &g).data
    let dy = Tensor.randn([4, 32, 28, 28], generator: &g).data
    let dys = Tensor.randn([4, 32, 14, 14], generator: &g).data
    let four = try Conv2dShape(
        batch: 4, inChannels: 16, height: 28, width: 28, outChannels: 32, kernelSize: 3,
        stride: 1, padding: 1)
    var results: [InstructionSet: [[Float]]] = [:]
    for set in InstructionSet.allCases {
        results[set] = InstructionSet.$tiles.withValue(set) {
            var y = [Float](repeating: 0, count: dy.count)
            var dx = [Float](repeating: 0, count: x.count)
            var dw = [Float](repeating: 0, count: w.count)
            var ys = [Float](repeating: 0, count: 4 * strided.outputImageSize)
            var dxs = [Float](repeating: 0, count: x.count)
            conv2dForward(four, input: x, weight: w, bias: nil, output: &y)
            conv2dBackwardData(four, gradOutput: dy, weight: w, gradInput: &dx)
            conv2dBackwardWeight(four, input: x, gradOutput: dy, gradWeight: &dw, gradBias: nil)
            conv2dForward(strided, input: x, weight: ws, bias: nil, output: &ys)
            conv2dBackwardData(strided, gradOutput: dys, weight: ws, gradInput: &dxs)
            return [y, dx, dw, ys, dxs]
        }
    }
    let names = [
        "forward (Winograd)", "data gradient (Winograd)", "weight gradient (Winograd)",
        "stride-2 forward (direct tile)", "stride-2 data gradient (direct tile, by phases)",
    ]
    cell.table(
        ["computation", "AVX-512 tiles = AVX2 tiles", "AVX2 tiles = portable tiles"],
        names.indices.map { i in
            [
                names[i], results[.avx512]![i] == results[.avx2]![i] ? "same bits" : "differ",
                results[.avx2]![i] == results[.portable]![i] ? "same bits" : "differ",
            ]
        })
    cell.check(
        "every computation gives the same bits with the three sets' tiles",
        names.indices.allSatisfy {
            results[.avx512]![$0] == results[.avx2]![$0]
                && results[.avx2]![$0] == results[.portable]![$0]
        })
    cell.prose(
        """
        What would break it: a tile that kept two partial sums per output and added them at \
        the end (faster on some machines, different bits), a thread split inside one sum, or \
        a library whose kernel choice depends on the machine, as oneDNN's does. Comparing \
        arrays with `==` compares every float; the test suite does the same on odd shapes.
        """)
}

notebook.exercises(lesson: 12)

notebook.finish()
