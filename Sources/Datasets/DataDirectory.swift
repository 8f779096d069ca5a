import Foundation

/// Which part of a data set: the training images or the held-out test images.
public enum Split: String, Sendable, CaseIterable, Codable {
    /// The training images (60,000 in Fashion-MNIST and MNIST, 50,000 in CIFAR-10).
    case train
    /// The held-out test images (10,000 in each of the three).
    case test
}

/// Where a data set's files are looked for, and why there.
///
/// Precedence, first match wins:
/// 1. the `directory:` argument of `load`, used as is;
/// 2. `$RESIDUAL_DATA_DIR/<folder>` when the environment variable `RESIDUAL_DATA_DIR` is set
///    (a root holding `fashion-mnist/`, `mnist/`, `cifar-10-batches-bin/`, laid out as
///    `/usr/share/datasets`);
/// 3. `/usr/share/datasets/<folder>`, where the Debian package `dataset-fashion-mnist` puts
///    Fashion-MNIST.
public struct DataDirectory: Sendable, Equatable {
    /// The directory holding the files.
    public let path: String
    /// How it was chosen, for messages.
    public let source: Source

    /// How a directory was chosen.
    public enum Source: Sendable, Equatable {
        /// Given by the caller (`directory:`, `--data-dir`), used as is.
        case argument
        /// The data set's folder under `$RESIDUAL_DATA_DIR`.
        case environment
        /// The data set's folder under `/usr/share/datasets`, where nothing else said where.
        case systemDefault
    }

    /// The environment variable naming a root data directory.
    public static let environmentVariable = "RESIDUAL_DATA_DIR"
    /// The root where system packages install data sets.
    public static let systemRoot = "/usr/share/datasets"

    /// A directory chosen by `source`.
    public init(path: String, source: Source) {
        self.path = path
        self.source = source
    }

    /// Resolves the directory for a data set stored in `folder` (see the precedence above).
    ///
    /// - Parameters:
    ///   - argument: the caller's directory, used as is when given.
    ///   - folder: the data set's folder under a root (`fashion-mnist`).
    ///   - environment: the variables to consult (the process's by default); an empty
    ///     `RESIDUAL_DATA_DIR` counts as unset.
    /// - Returns: the directory and which rule chose it.
    public static func resolve(
        _ argument: String?, folder: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DataDirectory {
        if let argument { return DataDirectory(path: argument, source: .argument) }
        if let root = environment[environmentVariable], !root.isEmpty {
            return DataDirectory(path: join(root, folder), source: .environment)
        }
        return DataDirectory(path: join(systemRoot, folder), source: .systemDefault)
    }

    /// The path of file `name` in this directory, `path/name`.
    public func file(_ name: String) -> String { DataDirectory.join(path, name) }

    /// A phrase saying where the directory came from, for messages.
    var origin: String {
        switch source {
        case .argument: "the directory passed to load"
        case .environment: "from \(DataDirectory.environmentVariable)"
        case .systemDefault: "the default location"
        }
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// The path of an IDX file `base` in `directory`: `base.gz` when present, else `base`
/// (uncompressed), else `base.gz` (so the error names the distributed name).
func idxFile(_ base: String, in directory: DataDirectory) -> String {
    let compressed = directory.file(base + ".gz")
    let plain = directory.file(base)
    if !FileManager.default.fileExists(atPath: compressed),
        FileManager.default.fileExists(atPath: plain)
    {
        return plain
    }
    return compressed
}
