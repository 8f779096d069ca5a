import Foundation

/// Loading an image classification set stored as a pair of IDX files (MNIST's layout):
/// images `[N, H, W]` unsigned bytes and labels `[N]`.
enum IDXImageSet {
    /// Standard MNIST-layout file names for a split (without `.gz`).
    static func fileNames(_ split: Split) -> (images: String, labels: String) {
        switch split {
        case .train: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
        case .test: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
        }
    }

    /// Reads the split's two files from `directory` into a one-channel data set.
    /// - Parameter missingHint: a sentence for the message when a file is missing.
    static func load(
        name: String, split: Split, directory: DataDirectory, classNames: [String],
        missingHint: String
    ) throws(DatasetError) -> Dataset {
        let names = fileNames(split)
        let imagesPath = idxFile(names.images, in: directory)
        let labelsPath = idxFile(names.labels, in: directory)
        let images = try IDX.read(contentsOf: imagesPath, missingHint: missingHint)
        let labels = try IDX.read(contentsOf: labelsPath, missingHint: missingHint)
        guard images.dimensions.count == 3 else {
            throw DatasetError(
                .badShape, path: imagesPath,
                "expected images of dimensions [N, H, W], got \(images.dimensions)")
        }
        guard labels.dimensions.count == 1 else {
            throw DatasetError(
                .badShape, path: labelsPath,
                "expected labels of dimensions [N], got \(labels.dimensions)")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DatasetError(
                .countMismatch, path: imagesPath,
                "image/label count mismatch: \(images.dimensions[0]) images but "
                    + "\(labels.dimensions[0]) labels in \(labelsPath)")
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= classNames.count }) {
            throw DatasetError(
                .labelOutOfRange, path: labelsPath,
                "label \(labels.bytes[bad]) of example \(bad) is out of range: expected "
                    + "0...\(classNames.count - 1)")
        }
        return try Dataset(
            name: "\(name) \(split.rawValue)", storage: .bytes(images.bytes),
            labels: labels.bytes.map { Int($0) }, channels: 1, height: images.dimensions[1],
            width: images.dimensions[2], classNames: classNames, path: imagesPath)
    }

    /// Whether both files of `split` are present in `directory`.
    static func isAvailable(split: Split, directory: DataDirectory) -> Bool {
        let names = fileNames(split)
        return [names.images, names.labels].allSatisfy {
            FileManager.default.fileExists(atPath: idxFile($0, in: directory))
        }
    }
}
