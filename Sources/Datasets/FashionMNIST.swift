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
public enum FashionMNIST {
    /// The folder name under a data root (`/usr/share/datasets/fashion-mnist`).
    public static let folderName = "fashion-mnist"

    /// The ten classes, indexed by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The directory `load` reads: `directory` when given, else
    /// `$RESIDUAL_DATA_DIR/fashion-mnist`, else `/usr/share/datasets/fashion-mnist`.
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
    /// - Throws: `DatasetError` naming the file and the problem; for a missing file at the
    ///   default location the message says how to install the package.
    public static func load(split: Split, directory: String? = nil) throws(DatasetError)
        -> Dataset
    {
        try load(split: split, from: self.directory(directory))
    }

    /// Loads a split from a directory already resolved (by `directory(_:)`, or made by hand):
    /// the missing-file message depends on how it was chosen.
    public static func load(split: Split, from resolved: DataDirectory) throws(DatasetError)
        -> Dataset
    {
        let hint =
            resolved.source == .systemDefault
            ? "Install Fashion-MNIST with `sudo apt-get install dataset-fashion-mnist`, or "
                + "give the folder holding its four .gz files with --data-dir (or `directory:` "
                + "from Swift), or set \(DataDirectory.environmentVariable) to a folder holding "
                + "\(folderName)/"
            : "Looked in \(resolved.path) (\(resolved.origin)); it should hold "
                + "train-images-idx3-ubyte.gz and the three other Fashion-MNIST files"
        return try IDXImageSet.load(
            name: "Fashion-MNIST", split: split, directory: resolved, classNames: classNames,
            missingHint: hint)
    }
}

/// MNIST (LeCun et al., 1998): handwritten digits 0–9, 28×28 grayscale, 60,000 + 10,000, the
/// format Fashion-MNIST copies. No system package installs it: download the four IDX files
/// (gzip'd or not) and pass their `directory:` or put them in `$RESIDUAL_DATA_DIR/mnist`.
public enum MNIST {
    /// The folder name under a data root.
    public static let folderName = "mnist"

    /// The ten classes, `"0"` ... `"9"`.
    public static let classNames = (0...9).map { String($0) }

    /// The directory `load` reads: `directory` when given, else `$RESIDUAL_DATA_DIR/mnist`,
    /// else `/usr/share/datasets/mnist`.
    public static func directory(_ directory: String? = nil) -> DataDirectory {
        DataDirectory.resolve(directory, folder: folderName)
    }

    /// Whether the split's two files are present.
    public static func isAvailable(split: Split = .train, directory: String? = nil) -> Bool {
        IDXImageSet.isAvailable(split: split, directory: self.directory(directory))
    }

    /// Loads a split: images `[1, 28, 28]` in [0, 1], labels 0...9.
    /// - Throws: `DatasetError` naming the file and the problem.
    public static func load(split: Split, directory: String? = nil) throws(DatasetError)
        -> Dataset
    {
        let resolved = self.directory(directory)
        let hint =
            "Looked in \(resolved.path) (\(resolved.origin)). Download the four MNIST IDX files "
            + "(train-images-idx3-ubyte.gz, ...) and give their folder with --data-dir (or "
            + "`directory:` from Swift), or put them in "
            + "$\(DataDirectory.environmentVariable)/\(folderName)"
        return try IDXImageSet.load(
            name: "MNIST", split: split, directory: resolved, classNames: classNames,
            missingHint: hint)
    }
}
