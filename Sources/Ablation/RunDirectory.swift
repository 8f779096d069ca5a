import Foundation
import TextFormat
import Training

/// The files of an ablation run, all under one directory (`--out`):
///
/// | File | What |
/// |---|---|
/// | `config.json` | the `AblationConfig` of the run |
/// | `data.json` | the training data's size, mean and standard deviation, checked on a rerun |
/// | `nets/<net>-seed<k>.json` | one finished net: its `NetResult` |
/// | `nets/<net>-seed<k>.safetensors` | its trained weights (PyTorch names) |
/// | `analysis/*.json` | diagnostics, lesions, loss landscapes |
/// | `summary.json`, `summary.md`, `curves.csv`, `test-curves.csv` | the results, rewritten at the end |
/// | `*.svg`, `*.png` | the figures |
///
/// Every file is written atomically (a temporary file renamed into place), so an interrupted
/// run leaves whole files only, and a net counts as finished once its JSON exists.
public struct RunDirectory: Sendable {
    /// The directory's path, as given (absolute or relative to the working directory).
    public let path: String

    /// The directory at `path`; nothing is checked or created until a file is written.
    public init(_ path: String) {
        self.path = path
    }

    /// `<path>/config.json`.
    public var configPath: String { file("config.json") }

    /// `<path>/<name>`; `name` may hold subdirectories (`nets/res-56-seed0.json`).
    public func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// `<path>/nets/<net>-seed<k>.json`: the `NetResult` of a finished net.
    public func netResultPath(_ net: AblationNet, seed: UInt64) -> String {
        file("nets/\(net.name)-seed\(seed).json")
    }

    /// `<path>/nets/<net>-seed<k>.safetensors`: the trained weights of a net.
    public func weightsPath(_ net: AblationNet, seed: UInt64) -> String {
        file("nets/\(net.name)-seed\(seed).safetensors")
    }

    /// `<path>/analysis/<name>.json`: one analysis file (names from `AnalysisName`).
    public func analysisPath(_ name: String) -> String {
        file("analysis/\(name).json")
    }

    /// Whether anything is at `absolutePath` (a path from `file(_:)` and the like; a relative
    /// path is taken from the process's working directory, not the run directory).
    public func exists(_ absolutePath: String) -> Bool {
        FileManager.default.fileExists(atPath: absolutePath)
    }

    // MARK: - JSON

    /// Indented, snake_case `RecordJSON`.
    static var encoder: JSONEncoder { RecordJSON.encoder(pretty: true, snakeCase: true) }

    static var decoder: JSONDecoder { RecordJSON.decoder(snakeCase: true) }

    /// Writes `value` as JSON to `path`, atomically, creating the directories on the way.
    ///
    /// The JSON is indented, with snake_case keys and sorted keys (`RecordJSON`), and ends
    /// with a newline.
    /// - Throws: `AblationError.cannotWrite` when `value` cannot be encoded or the file
    ///   cannot be written.
    public func writeJSON<T: Encodable>(_ value: T, to path: String) throws(AblationError) {
        let data: Data
        do {
            data = try Self.encoder.encode(value)
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
        try write(data + Data("\n".utf8), to: path)
    }

    /// Reads JSON from `path` as `type`, its snake_case keys converted (`RecordJSON`).
    /// - Throws: `AblationError.cannotRead` when the file is missing, unreadable or does not
    ///   decode as `type`.
    public func readJSON<T: Decodable>(_ type: T.Type, from path: String) throws(AblationError) -> T
    {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try Self.decoder.decode(type, from: data)
        } catch {
            throw .cannotRead(path: path, reason: "\(error)")
        }
    }

    /// Writes `text` to `path` as UTF-8, atomically, creating the directories on the way.
    /// - Throws: `AblationError.cannotWrite` when the directory or file cannot be written.
    public func write(_ text: String, to path: String) throws(AblationError) {
        try write(Data(text.utf8), to: path)
    }

    /// Writes `data` to `path`, atomically, creating the directories on the way.
    /// - Throws: `AblationError.cannotWrite` when the directory or file cannot be written.
    public func write(_ data: Data, to path: String) throws(AblationError) {
        try createDirectory(for: path)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotWrite(path: path, reason: describeWriteFailure(path, error))
        }
    }

    /// Creates the directory that will hold `path`, and any missing above it.
    /// - Throws: `AblationError.cannotWrite` naming the directory when it cannot be created.
    public func createDirectory(for path: String) throws(AblationError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: describeWriteFailure(directory, error))
        }
    }
}
