/// The data sets a run can train on, by the names `--dataset` takes.
public enum DatasetName: String, Codable, Sendable, CaseIterable {
    /// Fashion-MNIST: 60,000 + 10,000 grayscale 28×28 images of clothing, ten classes
    /// (`apt-get install dataset-fashion-mnist`).
    case fashionMNIST = "fashion-mnist"
    /// MNIST digits, the same format (download the four IDX files yourself).
    case mnist
    /// CIFAR-10: 50,000 + 10,000 colour 32×32 images (download the binary version).
    case cifar10

    /// The name as people write it: `Fashion-MNIST`, `MNIST`, `CIFAR-10`.
    public var displayName: String {
        switch self {
        case .fashionMNIST: "Fashion-MNIST"
        case .mnist: "MNIST"
        case .cifar10: "CIFAR-10"
        }
    }

    /// Loads one split (images in [0, 1], not yet normalised): `[1, 28, 28]` for
    /// Fashion-MNIST and MNIST, `[3, 32, 32]` for CIFAR-10.
    ///
    /// - Parameters:
    ///   - split: the training or the test images.
    ///   - directory: where the files are; nil: `$RESIDUAL_DATA_DIR/<folder>` or
    ///     `/usr/share/datasets/<folder>`.
    /// - Throws: `DatasetError` naming the file and, for missing Fashion-MNIST, the `apt-get`
    ///   command that installs it.
    public func load(split: Split, directory: String? = nil) throws(DatasetError) -> Dataset {
        switch self {
        case .fashionMNIST: try FashionMNIST.load(split: split, directory: directory)
        case .mnist: try MNIST.load(split: split, directory: directory)
        case .cifar10: try CIFAR10.load(split: split, directory: directory)
        }
    }
}
