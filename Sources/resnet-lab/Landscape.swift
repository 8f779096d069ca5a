import Ablation
import ArgumentParser
import Foundation
import Plots
import TensorCore

/// `resnet-lab landscape`: the loss landscapes of trained ablation nets, side by side, along
/// the same filter-normalised directions.
struct Landscape: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the loss around trained ablation nets along shared random directions.",
        discussion: """
            Each --net is a weights file of an ablation run (RUN/nets/res-56-seed0.safetensors, \
            as `resnet-lab ablate` writes). For each of --pairs pairs of random directions, \
            drawn once and rescaled filter by filter to each net's weights (Li et al. 2018), \
            it measures the training loss on the first --images training images along the \
            first direction (--points points) and on the plane of both (--grid × --grid \
            points), forward only, batch norm in eval mode. Nets from different runs can be \
            compared, so that a plain net trained long can be set beside a residual net \
            trained short at the same training loss.

            Writes landscape.json after each net's pair (a rerun with the same --out and \
            settings continues where it stopped), then landscape-slices and landscape-planes \
            (.svg, .png), and prints a table per net and pair.

            Example:
              resnet-lab landscape --out runs/landscape \\
                --net runs/long/nets/plain-56-seed0.safetensors \\
                --net runs/ablation/nets/res-56-seed0.safetensors
            """)

    @Option(help: "Where landscape.json and the figures go (a rerun with it continues).")
    var out: String

    @Option(
        name: .customLong("net"),
        help: "A trained net's weights, RUN/nets/<net>-seed<k>.safetensors (repeat for more).")
    var nets: [String] = []

    @Option(parsing: .unconditional, help: "Training images per point (default: 256).")
    var images = LandscapeComparison.Settings().images

    @Option(parsing: .unconditional, help: "The largest step, in filter norms (default: 1).")
    var radius = LandscapeComparison.Settings().radius

    @Option(parsing: .unconditional, help: "Points along each 1D slice, odd (default: 41).")
    var points = LandscapeComparison.Settings().slicePoints

    @Option(parsing: .unconditional, help: "Points per side of each 2D grid, odd (default: 21).")
    var grid = LandscapeComparison.Settings().gridPoints

    @Option(parsing: .unconditional, help: "Pairs of random directions (default: 3).")
    var pairs = LandscapeComparison.Settings().directionPairs

    @Option(parsing: .unconditional, help: "Seed of the random directions (default: 0).")
    var directionSeed = LandscapeComparison.Settings().directionSeed

    @Option(help: "Directory holding the data set's files (default: each run's own).")
    var dataDir: String?

    @OptionGroup var threading: ThreadsOption

    var settings: LandscapeComparison.Settings {
        var settings = LandscapeComparison.Settings()
        settings.images = images
        settings.radius = radius
        settings.slicePoints = points
        settings.gridPoints = grid
        settings.directionPairs = pairs
        settings.directionSeed = directionSeed
        return settings
    }

    func validate() throws {
        if out.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--out must name a directory, got '\(out)'")
        }
        if nets.isEmpty { throw ValidationError("name at least one net with --net") }
        do throws(AblationError) {
            try settings.validate()
            for net in nets { _ = try LandscapeComparison.locate(net) }
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let directory = RunDirectory(out)
        let path = directory.file("landscape.json")
        let existing =
            directory.exists(path)
            ? try directory.readJSON(LandscapeComparison.self, from: path) : nil
        let interrupt = Interrupt.install(
            action: "stopping after this point; finished landscapes are kept (Ctrl-C again to "
                + "quit at once)")
        let start = ContinuousClock.now
        let measured = try Tensor.withThreadCount(threading.threads ?? Tensor.threadCount) {
            try LandscapeComparison.measure(
                weights: nets, settings: settings, existing: existing, dataDirectory: dataDir,
                save: { comparison throws(AblationError) in
                    try directory.writeJSON(comparison, to: path)
                }, shouldStop: { interrupt.wasRequested })
        }
        guard let comparison = measured else {
            print(
                "stopped: the landscapes finished so far are in \(path); run the same command "
                    + "again to continue")
            throw ExitCode(interrupt.exitStatus)
        }
        for (name, chart) in comparison.figures {
            for format in ["svg", "png"] {
                try chart.write(
                    to: directory.file("\(name).\(format)"), scale: format == "png" ? 2 : 1)
            }
        }
        print(comparison.markdownTable)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        print(
            "\nfiles in \(out) (\(String(format: "%.0f", seconds)) s): landscape.json and "
                + LandscapeComparison.figureCatalogue.map { "\($0.name).svg/.png" }.joined(
                    separator: ", "))
    }
}
