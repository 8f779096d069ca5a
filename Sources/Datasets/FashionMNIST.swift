/// A data set stored as MNIST's four IDX files (`train-images-idx3-ubyte.gz`, ...), gzip'd or
/// not, in a folder of its own under a data root: Fashion-MNIST and MNIST. Each says its names
/// and how to get its files; finding, checking and loading them is shared.
public protocol IDXDataSet {
    /// The folder name under a data root (`fashion-mnist` in `/usr/share/datasets`).
    static var folderName: String { get }
    /// The name in messages and in `Dataset.name` ("Fashion-MNIST").
    static var displayName: String { get }
    /// The classes, indexed by label.
    static var classNames: [String] { get }
    /// What to do about a missing file, knowing where and why the loader looked there.
    static func missingFileHint(_ resolved: DataDirectory) -> String
}

extension IDXDataSet {
    /// The directory `load` reads: `directory` when given, else
    /// `$RESIDUAL_DATA_DIR/<folderName>`, else `/usr/share/datasets/<folderName>`.
    public static func directory(_ directory: String? = nil) -> DataDirectory {
        DataDirectory.resolve(directory, folder: folderName)
    }

    /// Whether the split's two files are present (for skipping tests and lesson steps).
    public static func isAvailable(split: Split = .train, directory: String? = nil) -> Bool {
        IDXImageSet.isAvailable(split: split, directory: self.directory(directory))
    }

    /// Loads a split: images `[1, 28, 28]` in [0, 1], labels 0...9.
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000) or `.test` (10,000).
    ///   - directory: where the IDX files are (gzip'd or not); see `directory(_:)` for the
    ///     default.
    /// - Throws: `DatasetError` naming the file and the problem, with `missingFileHint` for a
    ///   file that is not there.
    public static func load(split: Split, directory: String? = nil) throws(DatasetError)
        -> Dataset
    {
        try load(split: split, from: self.directory(directory))
    }

    /// Loads a split from a directory already resolved (by `directory(_:)`, or made by hand):
    /// the missing-file message depends on how it was chosen.
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000) or `.test` (10,000).
    ///   - resolved: the directory holding the IDX files, and how it was chosen.
    /// - Returns: images `[1, 28, 28]` in [0, 1], labels 0...9.
    /// - Throws: `DatasetError` naming the file and the problem, as
    ///   ``load(split:directory:)`` does.
    public static func load(split: Split, from resolved: DataDirectory) throws(DatasetError)
        -> Dataset
    {
        try IDXImageSet.load(
            name: displayName, split: split, directory: resolved, classNames: classNames,
            missingHint: missingFileHint(resolved))
    }
}

/// Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): 70,000 grayscale 28×28 images of clothing in
/// ten classes, 60,000 for training and 10,000 for testing, in MNIST's IDX format.
///
/// On Debian/Ubuntu, `apt-get install dataset-fashion-mnist` puts the four `.gz` files in
/// `/usr/share/datasets/fashion-mnist`, which `load` finds by itself. Lesson 07 trains on it.
///
/// ```swift
/// let train = try FashionMNIST.load(split: .train)     // 60000 images [1, 28, 28]
/// let (mean, std) = train.channelStatistics()           // [0.2860], [0.3530]
/// ```
public enum FashionMNIST: IDXDataSet {
    /// `fashion-mnist`, its folder under a data root (where the Debian package puts it).
    public static let folderName = "fashion-mnist"
    /// `Fashion-MNIST`, the name in messages and in `Dataset.name`.
    public static let displayName = "Fashion-MNIST"

    /// The ten classes, indexed by label: `T-shirt/top`, `Trouser`, `Pullover`, `Dress`,
    /// `Coat`, `Sandal`, `Shirt`, `Sneaker`, `Bag`, `Ankle boot`.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The `apt-get` command (and the other ways to point at the files) when the default
    /// directory was searched; otherwise where it looked and the files that should be there.
    public static func missingFileHint(_ resolved: DataDirectory) -> String {
        resolved.source == .systemDefault
            ? "Install Fashion-MNIST with `sudo apt-get install dataset-fashion-mnist`, or "
                + "give the folder holding its four .gz files with --data-dir (or `directory:` "
                + "from Swift), or set \(DataDirectory.environmentVariable) to a folder holding "
                + "\(folderName)/"
            : "Looked in \(resolved.path) (\(resolved.origin)); it should hold "
                + "train-images-idx3-ubyte.gz and the three other Fashion-MNIST files"
    }
}

/// MNIST (LeCun et al., 1998): handwritten digits 0–9, 28×28 grayscale, 60,000 + 10,000, the
/// format Fashion-MNIST copies. No system package installs it: download the four IDX files
/// (gzip'd or not) and pass their `directory:` or put them in `$RESIDUAL_DATA_DIR/mnist`.
public enum MNIST: IDXDataSet {
    /// `mnist`, its folder under a data root.
    public static let folderName = "mnist"
    /// `MNIST`, the name in messages and in `Dataset.name`.
    public static let displayName = "MNIST"

    /// The ten classes, `"0"` ... `"9"`.
    public static let classNames = (0...9).map { String($0) }

    /// Where it looked, and how to download the four IDX files and point at them.
    public static func missingFileHint(_ resolved: DataDirectory) -> String {
        "Looked in \(resolved.path) (\(resolved.origin)). Download the four MNIST IDX files "
            + "(train-images-idx3-ubyte.gz, ...) and give their folder with --data-dir (or "
            + "`directory:` from Swift), or put them in "
            + "$\(DataDirectory.environmentVariable)/\(folderName)"
    }
}
