import Foundation
import TextFormat

/// One line of `summary.json`: one net of one seed, as scripts and students read it.
public struct SummaryEntry: Codable, Equatable, Sendable {
    /// `"plain-18"`, `"res-56"`, ...
    public var net: String
    /// Weighted layers.
    public var depth: Int
    /// True for the residual net, false for the plain one.
    public var residual: Bool
    /// The ablation seed.
    public var seed: UInt64
    /// Trained parameters (a plain net and its twin have the same count).
    public var params: Int
    /// Steps taken.
    public var iterations: Int
    /// Mean training error (fraction misclassified) of the last `window` batches.
    public var trainErrorFinal: Double
    /// Mean training loss of the last `window` batches.
    public var trainLossFinal: Double
    /// Error (fraction misclassified) on the test images after training.
    public var testError: Double
    /// Mean cross-entropy loss on the test images after training.
    public var testLoss: Double
    /// Test images the final error is measured on.
    public var testImages: Int
    /// Wall-clock seconds for the net: training and evaluation.
    public var seconds: Double
    /// Wall-clock seconds of the training steps alone.
    public var trainSeconds: Double

    /// The entry of `result`, its final training error and loss the means of its last
    /// `window` steps.
    /// - Parameters:
    ///   - result: one finished net.
    ///   - window: steps averaged for `trainErrorFinal` and `trainLossFinal`.
    ///   - testImages: test images behind the final test error, recorded as is.
    public init(_ result: NetResult, window: Int, testImages: Int) {
        let final = result.finalTraining(window: window)
        net = result.net
        depth = result.depth
        residual = result.residual
        seed = result.seed
        params = result.parameters
        iterations = result.iterations
        trainErrorFinal = final.trainError
        trainLossFinal = final.trainLoss
        testError = result.test.error
        testLoss = result.test.loss
        self.testImages = testImages
        seconds = result.trainSeconds + result.evaluationSeconds
        trainSeconds = result.trainSeconds
    }
}

/// Mean and (sample) standard deviation; the deviation is 0 for a single value.
public struct MeanStd: Equatable, Sendable {
    /// The mean (NaN for no values).
    public var mean: Double
    /// The sample standard deviation, with n − 1 in the denominator (0 for fewer than two
    /// values).
    public var std: Double
    /// Values summarised.
    public var count: Int

    /// The mean and sample standard deviation of `values`.
    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        let m = mean
        std =
            values.count > 1
            ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1))
                .squareRoot()
            : 0
    }

    /// Element by element over series (one per seed): entry i summarises the i-th value of
    /// every series, for i up to the shortest series' length.
    public static func columns(_ series: [[Double]]) -> [MeanStd] {
        guard let length = series.map(\.count).min() else { return [] }
        return (0..<length).map { i in MeanStd(series.map { $0[i] }) }
    }

    /// `12.3%` for one value, `12.3 ± 0.4%` for several, from fractions.
    public var percent: String {
        count > 1
            ? String(format: "%.2f ± %.2f%%", 100 * mean, 100 * std)
            : String(format: "%.2f%%", 100 * mean)
    }
}

/// Everything a finished run produced, read back from its directory: what the summary,
/// the CSV files, the figures and lesson 08 are made from.
public struct AblationResults: Sendable {
    /// The run's configuration (its `config.json`, or the one given).
    public var config: AblationConfig
    /// Every net of every seed, in training order.
    public var nets: [NetResult]
    /// The init-time diagnostics of each seed that has them, in the order of `config.seeds`.
    public var initDiagnostics: [InitDiagnostics]
    /// The shattered-gradients measurements of each seed that has them, in the order of
    /// `config.seeds`.
    public var shattered: [ShatteredGradients]
    /// The trained nets' responses and lesions of each seed that has them, in the order of
    /// `config.seeds`.
    public var trained: [TrainedDiagnostics]
    /// The loss landscapes of the first seed's analysed pair, plain then residual (empty
    /// when not measured).
    public var landscapes: [LossLandscape]
    /// Test images of the final test errors.
    public var testImages: Int
    /// The analysis files the configuration calls for that are not in the directory, or
    /// were made for other nets (`--depths` changed since): `analysis/init-seed0.json (init
    /// diagnostics, seed 0)`. Empty for a complete run.
    public var missingAnalyses: [String] = []

    /// The `summary.json` entries.
    public var summary: [SummaryEntry] {
        nets.map { SummaryEntry($0, window: config.window, testImages: testImages) }
    }

    /// The results of `net` over every seed.
    public func results(_ net: AblationNet) -> [NetResult] {
        nets.filter { $0.ablationNet == net }
    }

    /// Final training error of `net` over the seeds.
    public func finalTrainError(_ net: AblationNet) -> MeanStd {
        MeanStd(results(net).map { $0.finalTraining(window: config.window).trainError })
    }

    /// Final test error of `net` over the seeds.
    public func testError(_ net: AblationNet) -> MeanStd {
        MeanStd(results(net).map(\.test.error))
    }

    /// The training curve of `net`, point by point over the seeds.
    public func curve(_ net: AblationNet) -> (iterations: [Int], error: [MeanStd], loss: [MeanStd])
    {
        let curves = results(net).map { $0.curve(window: config.window) }
        let iterations = curves.first?.map(\.iteration) ?? []
        return (
            iterations, MeanStd.columns(curves.map { $0.map(\.trainError) }),
            MeanStd.columns(curves.map { $0.map(\.trainLoss) })
        )
    }

    /// The test error along the way of `net`, over the seeds.
    public func testCurve(_ net: AblationNet) -> (iterations: [Int], error: [MeanStd]) {
        let evaluations = results(net).map(\.evaluations)
        return (
            evaluations.first?.map(\.iteration) ?? [],
            MeanStd.columns(evaluations.map { $0.map(\.score.error) })
        )
    }

    // MARK: - Text

    /// The Markdown table of `summary.md`: one row per net, mean ± std over the seeds.
    public var markdownTable: String {
        let seeds = config.seeds.count
        var lines = [
            "| net | depth | shortcuts | parameters | train error, last \(config.window) steps "
                + "| test error | seconds per net |",
            "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
        ]
        for net in config.nets {
            let results = results(net)
            guard let first = results.first else { continue }
            let seconds = MeanStd(results.map { $0.trainSeconds + $0.evaluationSeconds })
            lines.append(
                "| \(net.name) | \(net.depth) | \(net.residual ? "identity (option A)" : "none") "
                    + "| \(Format.grouped(first.parameters)) | \(finalTrainError(net).percent) "
                    + "| \(testError(net).percent) | \(String(format: "%.0f", seconds.mean)) |")
        }
        if seeds > 1 {
            lines.append("")
            lines.append("Mean ± standard deviation over \(seeds) seeds.")
        }
        return lines.joined(separator: "\n")
    }

    /// `summary.md`: what was run and the table.
    public func markdown(command: String?) -> String {
        let c = config
        var text = "# Plain vs residual nets on \(c.dataset.displayName)\n\n"
        if let command { text += "Made by `\(command)`.\n\n" }
        text +=
            "Each net: \(c.iterations) SGD steps of \(c.batchSize) images (learning rate "
            + "\(c.learningRate), the last \(c.decayIterations) steps at \(c.learningRate / 10)"
            + (c.finalDecayIterations.map {
                " and the last \($0) of those at \(c.learningRate / 100)"
            } ?? "") + "; momentum \(c.momentum), weight decay \(c.weightDecay)); seeds "
            + "\(c.seeds.map(String.init).joined(separator: ", ")). Training error: the mean over "
            + "the last \(c.window) batches, measured before each update. Test error: "
            + ((c.testLimit ?? .max) > testImages ? "all " : "the first ")
            + "\(Format.grouped(testImages)) test images, after training.\n\n"
        text += markdownTable + "\n"
        if !missingAnalyses.isEmpty {
            text +=
                "\nNot made for these nets (`--train-only`, or made for other nets): "
                + missingAnalyses.joined(separator: "; ") + ".\n"
        }
        return text
    }

    /// `curves.csv`: `net,seed,iteration,train_error,train_loss,learning_rate`.
    public var curvesCSV: String {
        var rows = ["net,seed,iteration,train_error,train_loss,learning_rate"]
        for result in nets {
            for point in result.curve(window: config.window) {
                rows.append(
                    "\(result.net),\(result.seed),\(point.iteration),\(point.trainError),"
                        + "\(point.trainLoss),\(config.learningRate(atStep: point.iteration - 1))")
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// `test-curves.csv`: `net,seed,iteration,test_error,test_loss,images`.
    public var testCurvesCSV: String {
        var rows = ["net,seed,iteration,test_error,test_loss,images"]
        for result in nets {
            for evaluation in result.evaluations {
                rows.append(
                    "\(result.net),\(result.seed),\(evaluation.iteration),"
                        + "\(evaluation.score.error),\(evaluation.score.loss),"
                        + "\(result.evaluationImages)")
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }
}
