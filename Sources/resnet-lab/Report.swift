import ArgumentParser
import Foundation
import Plots
import TextFormat
import Training

/// `resnet-lab report`: a finished (or running) training run as Markdown and a curve, so that
/// the figures recorded in Docs/ come from the run's own files.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a training run: a Markdown table per epoch and curves (PNG/SVG).",
        discussion:
            "Example: resnet-lab report --run runs/resnet20 --curve Docs/training/resnet20.png")

    @Option(name: .customLong("run"), help: "The run's output directory (holding metrics.json).")
    var directory: String

    @Option(help: "Where to write the accuracy curve (.png or .svg); omit for none.")
    var curve: String?

    @Option(help: "Where to write the loss curve (.png or .svg); omit for none.")
    var lossCurve: String?

    func validate() throws {
        try checkThreadsEnvironment(threads: nil, usesThreads: false)
    }

    func run() throws {
        let file = (directory as NSString).appendingPathComponent(MetricsFiles.json)
        guard FileManager.default.fileExists(atPath: file) else {
            throw ValidationError(
                "--run: no \(MetricsFiles.json) in \(directory): is it a training run's output directory?"
            )
        }
        let contents: MetricsFiles.Contents
        do {
            contents = try MetricsFiles.read(from: directory)
        } catch {
            throw ValidationError("--run: cannot read \(directory)/\(MetricsFiles.json): \(error)")
        }
        let epochs = contents.history.epochs
        guard !epochs.isEmpty else {
            throw ValidationError("--run: \(directory) has no finished epoch yet")
        }
        let config = contents.config
        let totalSeconds = epochs.reduce(0) { $0 + $1.trainSeconds + $1.evaluationSeconds }
        print(
            "\(config.model), \(Format.count(config.epochs, "epoch")), batch \(config.batchSize), \(config.optimizer) "
                + "lr \(config.learningRate)"
                + (config.optimizer == .sgd ? ", momentum \(config.momentum)" : "")
                + ", weight decay "
                + "\(config.weightDecay), schedule \(config.schedule)"
                + (config.augment ? ", augmented (random crops, flips)" : "")
                + ", seed \(config.seed): "
                + "\(Format.count(epochs.count, "epoch")) recorded, \(formatDuration(totalSeconds)) of training and evaluation."
        )
        print("")
        print("| epoch | train loss | train accuracy | test loss | test accuracy | images/s |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for e in epochs {
            print(
                "| \(e.epoch) | \(String(format: "%.4f", e.trainLoss)) | "
                    + "\(String(format: "%.2f%%", 100 * e.trainAccuracy)) | "
                    + "\(String(format: "%.4f", e.testLoss)) | \(String(format: "%.2f%%", 100 * e.testAccuracy)) | "
                    + "\(String(format: "%.0f", e.imagesPerSecond)) |")
        }
        let x = epochs.map { Double($0.epoch) }
        /// Train (solid) and test (dashed) against the epoch, written to `path`.
        func drawCurves(_ yLabel: String, train: [Double], test: [Double], to path: String)
            throws
        {
            var chart = LineChart(
                title: "\(config.model) on \(config.dataset.rawValue)", xLabel: "epoch",
                yLabel: yLabel)
            chart.add(LineSeries("train", x: x, y: train, showsMarkers: true))
            chart.add(LineSeries("test", x: x, y: test, style: .dashed, showsMarkers: true))
            do {
                try chart.write(to: path)
            } catch {
                throw ReportFailure("cannot write '\(path)': \(describeWriteFailure(path, error))")
            }
        }
        if let curve {
            try drawCurves(
                "accuracy (%)", train: epochs.map { 100 * $0.trainAccuracy },
                test: epochs.map { 100 * $0.testAccuracy }, to: curve)
            print("")
            print("curve written to \(curve)")
        }
        if let lossCurve {
            try drawCurves(
                "cross-entropy loss", train: epochs.map(\.trainLoss),
                test: epochs.map(\.testLoss), to: lossCurve)
            print("loss curve written to \(lossCurve)")
        }
    }
}

/// A curve that cannot be written: "Error: ..." with exit status 1, no usage line.
struct ReportFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
