import Foundation
import TextFormat

/// The metrics files a run keeps in its output directory, rewritten (atomically) after every
/// epoch:
///
/// - `metrics.csv`: one row per epoch (`epoch,step,learning_rate,train_loss,...`), for a
///   spreadsheet or `pandas.read_csv`;
/// - `steps.csv`: one row per step (`step,epoch,learning_rate,loss,accuracy`), the training
///   curve;
/// - `metrics.json`: the configuration, the class names and the whole history, per-class
///   accuracies and confusion matrices included.
public enum MetricsFiles {
    /// `metrics.csv`, one row per epoch.
    public static let epochsCSV = "metrics.csv"
    /// `steps.csv`, one row per step.
    public static let stepsCSV = "steps.csv"
    /// `metrics.json`, the configuration, the class names and the whole history.
    public static let json = "metrics.json"

    /// The columns of `metrics.csv`.
    public static let epochColumns = [
        "epoch", "step", "learning_rate", "train_loss", "train_accuracy", "test_loss",
        "test_accuracy", "train_seconds", "evaluation_seconds", "images_per_second",
    ]

    /// The columns of `steps.csv`.
    public static let stepColumns = ["step", "epoch", "learning_rate", "loss", "accuracy"]

    /// What `metrics.json` holds.
    public struct Contents: Codable, Equatable, Sendable {
        /// The run's settings.
        public var config: TrainingConfig
        /// The class names, indexed by label.
        public var classNames: [String]
        /// Every step and epoch logged when the files were written.
        public var history: TrainingHistory
    }

    /// Writes the three files into `directory`.
    /// - Throws: `TrainingError.cannotWrite` naming the file.
    public static func write(
        history: TrainingHistory, config: TrainingConfig, classNames: [String],
        to directory: String
    ) throws(TrainingError) {
        var epochRows = [epochColumns.joined(separator: ",")]
        for e in history.epochs {
            let values: [Any] = [
                e.epoch, e.step, e.learningRate, e.trainLoss, e.trainAccuracy, e.testLoss,
                e.testAccuracy, e.trainSeconds, e.evaluationSeconds, e.imagesPerSecond,
            ]
            epochRows.append(values.map { "\($0)" }.joined(separator: ","))
        }
        var stepRows = [stepColumns.joined(separator: ",")]
        for s in history.steps {
            stepRows.append("\(s.step),\(s.epoch),\(s.learningRate),\(s.loss),\(s.accuracy)")
        }
        let contents = Contents(config: config, classNames: classNames, history: history)
        let encoder = Checkpoint.encoder
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let jsonPath = path(json, in: directory)
        let jsonData: Data
        do {
            jsonData = try encoder.encode(contents)
        } catch {
            throw .cannotWrite(path: jsonPath, reason: "\(error)")
        }
        try save(
            Data((epochRows.joined(separator: "\n") + "\n").utf8),
            to: path(epochsCSV, in: directory))
        try save(
            Data((stepRows.joined(separator: "\n") + "\n").utf8), to: path(stepsCSV, in: directory))
        try save(jsonData, to: jsonPath)
    }

    /// Reads `metrics.json` back.
    /// - Throws: the file system's error, or the decoder's.
    public static func read(from directory: String) throws -> Contents {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(json, in: directory)))
        return try Checkpoint.decoder.decode(Contents.self, from: data)
    }

    /// The files of a run (checkpoint and metrics) present in `directory`, by name.
    public static func runFiles(in directory: String) -> [String] {
        [Checkpoint.fileName, epochsCSV, stepsCSV, json].filter {
            FileManager.default.fileExists(atPath: path($0, in: directory))
        }
    }

    /// Deletes the files of a run (checkpoint and metrics) from `directory`, and nothing else.
    /// - Throws: `TrainingError.cannotWrite` naming the file that could not be removed.
    public static func removeRunFiles(in directory: String) throws(TrainingError) {
        for name in runFiles(in: directory) {
            let file = path(name, in: directory)
            do {
                try FileManager.default.removeItem(atPath: file)
            } catch {
                throw .cannotWrite(
                    path: file, reason: "cannot remove it: \(describeWriteFailure(file, error))")
            }
        }
    }

    static func path(_ name: String, in directory: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    private static func save(_ data: Data, to path: String) throws(TrainingError) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotWrite(path: path, reason: describeWriteFailure(path, error))
        }
    }
}
