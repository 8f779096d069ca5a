import Ablation
import ArgumentParser
import Datasets
import Foundation
import Training

/// `resnet-lab ablate`: the plain-vs-residual ablation of lesson 08.
struct Ablate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train plain nets and their residual twins at several depths and compare them.",
        discussion: """
            For each seed and each depth, trains the plain net and its residual twin (same \
            layers, same initial weights, same batches; the residual one adds each block's \
            input back) on Fashion-MNIST with SGD (lr 0.1, momentum 0.9, weight decay 1e-4, \
            batch 128), the last steps at a tenth of the rate. Then measures, at \
            initialisation and after training, the gradient reaching each layer, how \
            correlated the gradients of nearby inputs are, and each layer's response; deletes \
            one block at a time from the trained nets; and maps the loss around the trained \
            weights of the deepest pair. Writes summary.json, summary.md, curves.csv and the \
            figures to --out.

            Before training it times each net's first steps (the training carries them on) \
            and prints the estimated wall time on this machine. With an even thread count it \
            trains two nets at a time, the threads split between them, the longest first \
            (--nets-at-once), and a lane with no net left measures the untrained nets \
            meanwhile. Each finished net is saved at once: run the same command again (after \
            Ctrl-C, say) and it skips the finished nets.

            Examples:
              swift run -c release resnet-lab ablate --out runs/ablation
              resnet-lab ablate --quick --out runs/quick          # under a minute
              resnet-lab ablate --seeds 0,1,2 --out runs/ablation # adds seeds 1 and 2
            """)

    @Option(help: "Where the run's files go (a rerun with the same directory resumes).")
    var out: String

    @Option(
        parsing: .unconditional,
        help: "Depths of the net pairs, comma-separated, each even and ≥ 8 (default: 18,34,56).")
    var depths: String?

    @Option(
        parsing: .unconditional,
        help: "Seeds, comma-separated: one set of nets per seed (default: 0)."
    )
    var seeds: String?

    @Option(
        parsing: .unconditional,
        help: "SGD steps per net (default: \(AblationConfig().iterations)).")
    var iterations: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Steps at the end of training at a tenth of the learning rate (default: "
                + "\(AblationConfig().decayIterations); 0: none)."))
    var decayIterations: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "A second cut, as in the paper: the last N of those steps at a hundredth of the "
                + "learning rate (default: none)."))
    var finalDecayIterations: Int?

    @Option(parsing: .unconditional, help: "Images per step (default: 128).")
    var batchSize: Int?

    @Option(
        name: .customLong("lr"), parsing: .unconditional,
        help: "The learning rate before the decay (default: 0.1).")
    var learningRate: Double?

    @Option(
        parsing: .unconditional,
        help: "Steps per point of the training curve (default: \(AblationConfig().window)).")
    var window: Int?

    @Option(
        parsing: .unconditional,
        help: "Test-error measurements along the way (default: \(AblationConfig().evaluations)).")
    var evaluations: Int?

    @OptionGroup var data: DataOptions

    @OptionGroup var threading: ThreadsOption
    /// `--threads`, if given.
    var threads: Int? { threading.threads }

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Nets trained side by side, the threads divided among them; 1: one net after "
                + "another on every thread. Results do not depend on it (default: 2 when the "
                + "thread count is even, else 1; fewer when memory is short)."))
    var netsAtOnce: Int?

    @Flag(help: "A small run (depths 8 and 14, 60 steps, a tenth of the data): under a minute.")
    var quick = false

    @Flag(help: "Skip the loss landscape (the slowest analysis).")
    var noLandscape = false

    @Option(
        parsing: .unconditional,
        help:
            "Points along the 1D loss-landscape slice, odd (default: \(AnalysisConfig().landscapePoints))."
    )
    var landscapePoints: Int?

    @Option(
        parsing: .unconditional,
        help:
            "Points per side of the 2D loss-landscape grid, odd (default: \(AnalysisConfig().landscapeGrid))."
    )
    var landscapeGrid: Int?

    @Flag(
        help: "Train, then write the summary and the training figures; skip the analyses.")
    var trainOnly = false

    func validate() throws {
        if out.trimmingCharacters(in: .whitespaces).isEmpty {
            // An unset $OUT in a script: the run would write into the current directory.
            throw ValidationError("--out must name a directory, got '\(out)'")
        }
        do {
            try makeConfig().validate()
            if let netsAtOnce { try AblationRun.check(netsAtOnce: netsAtOnce, threads: threads) }
        } catch let error as AblationError {
            throw ValidationError(error.description)
        }
    }

    /// The configuration the flags describe (`--quick` first, then each flag given).
    func makeConfig() throws -> AblationConfig {
        var config = quick ? AblationConfig.quick : AblationConfig()
        if let depths { config.depths = try Self.list(depths, flag: "--depths") }
        if let seeds { config.seeds = try Self.list(seeds, flag: "--seeds") }
        if let iterations { config.iterations = iterations }
        if let decayIterations { config.decayIterations = decayIterations }
        config.finalDecayIterations = finalDecayIterations
        if let batchSize { config.batchSize = batchSize }
        if let learningRate { config.learningRate = learningRate }
        if let window { config.window = window }
        if let evaluations { config.evaluations = evaluations }
        if let trainLimit = data.trainLimit { config.trainLimit = trainLimit }
        if let testLimit = data.testLimit { config.testLimit = testLimit }
        if let dataset = data.dataset { config.dataset = dataset }
        config.dataDirectory = data.dataDir
        if noLandscape { config.analysis.skipLandscape = true }
        if let landscapePoints { config.analysis.landscapePoints = landscapePoints }
        if let landscapeGrid { config.analysis.landscapeGrid = landscapeGrid }
        return config
    }

    /// `"18,34,56"` as numbers; anything else names the flag.
    static func list<T: FixedWidthInteger>(_ text: String, flag: String) throws -> [T] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        return try parts.map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let value = T(trimmed) else {
                throw ValidationError(
                    "\(flag) takes comma-separated whole numbers, e.g. \(flag) "
                        + "\(flag == "--seeds" ? "0,1,2" : "18,34,56"); got '\(text)'")
            }
            return value
        }
    }

    func run() throws {
        let config = try makeConfig()
        let run = try AblationRun(
            config: config, directory: out, threads: threads, netsAtOnce: netsAtOnce)
        try run.prepare()
        let data = try run.data()
        print(
            "ablation: depths \(config.depths.sorted().map(String.init).joined(separator: ", ")) × "
                + "plain and residual × seeds \(config.seeds.map(String.init).joined(separator: ", ")); "
                + "\(config.iterations) steps of \(config.batchSize) each "
                + "(\(config.scheduleDescription)); \(data.train.count) training images; "
                + "output \(out)"
        )
        var estimate: SuiteEstimate?
        if !run.remaining.isEmpty || (!trainOnly && run.hasAnalysesToDo) {
            // With nothing left to train, one timed step per net is enough for the analyses;
            // else seven, round by round across the nets (kept: the nets' first steps).
            let timed = try run.estimate(
                steps: run.remaining.isEmpty ? 1 : 7, analyses: !trainOnly)
            estimate = timed
            print(timed.description)
        }
        let interrupt = Interrupt.install(
            action: "stopping after this step; finished nets are kept (Ctrl-C again to quit at "
                + "once)")
        // A lane with no net left makes the analyses of untrained nets meanwhile.
        let finished = try run.trainAll(
            estimate: estimate, analysesAlongside: !trainOnly,
            shouldStop: { interrupt.wasRequested })
        guard finished else { throw stopped(interrupt) }
        // --train-only still writes the summary and the training figures: they need only the
        // nets' records (nets/*.json), which git keeps, where the analyses need the weights.
        if !trainOnly {
            guard try run.analyse(estimate: estimate, shouldStop: { interrupt.wasRequested }) else {
                throw stopped(interrupt)
            }
        }
        let command = (["resnet-lab"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let results = try run.writeOutputs(command: command)
        print("")
        print(results.markdownTable)
        print("\nfiles in \(out): summary.json, summary.md, curves.csv, test-curves.csv and")
        let written = Set(AblationFigures.all(results).map(\.name))
        for (name, shows) in AblationFigures.catalogue where written.contains(name) {
            print("  \(name).svg/.png: \(shows)")
        }
        if trainOnly && !results.missingAnalyses.isEmpty {
            print("not made (--train-only): \(results.missingAnalyses.joined(separator: ", "))")
        }
    }

    private func stopped(_ interrupt: Interrupt) -> ExitCode {
        print(
            "stopped: the nets or the analysis in progress are dropped, everything finished is saved in "
                + "\(out). Run the same command again to continue.")
        return ExitCode(interrupt.exitStatus)
    }
}
