import Foundation

/// CIFAR-10 (Krizhevsky, 2009): 60,000 colour 32×32 images in ten classes, 50,000 for
/// training (five files of 10,000) and 10,000 for testing, in the "binary version"
/// (`cifar-10-batches-bin`).
///
/// Each file is a run of 3073-byte records: one label byte (0...9), then 3072 pixel bytes,
/// the red plane, the green plane, the blue plane, each 32×32 row-major, which is `[3, 32, 32]`
/// CHW as is. No system package ships it: download `cifar-10-binary.tar.gz`
/// from https://www.cs.toronto.edu/~kriz/cifar.html, unpack it, and pass `directory:` (the
/// `cifar-10-batches-bin` folder) or put it under `$RESIDUAL_DATA_DIR`.
public enum CIFAR10 {
    /// The folder name under a data root, as the archive unpacks.
    public static let folderName = "cifar-10-batches-bin"

    /// The ten classes, indexed by label.
    public static let classNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]

    /// Bytes per record: one label, then 3 × 32 × 32 pixels.
    public static let recordSize = 1 + 3 * 32 * 32

    /// The files of a split, in the order their records are concatenated.
    public static func fileNames(_ split: Split) -> [String] {
        switch split {
        case .train: (1...5).map { "data_batch_\($0).bin" }
        case .test: ["test_batch.bin"]
        }
    }

    /// The directory `load` reads: `directory` when given, else
    /// `$RESIDUAL_DATA_DIR/cifar-10-batches-bin`, else `/usr/share/datasets/cifar-10-batches-bin`.
    public static func directory(_ directory: String? = nil) -> DataDirectory {
        DataDirectory.resolve(directory, folder: folderName)
    }

    /// Whether every file of the split is present.
    public static func isAvailable(split: Split = .train, directory: String? = nil) -> Bool {
        let resolved = self.directory(directory)
        return fileNames(split).allSatisfy {
            FileManager.default.fileExists(atPath: resolved.file($0))
        }
    }

    /// Loads a split: images `[3, 32, 32]` in [0, 1], labels 0...9.
    /// - Throws: `DatasetError` naming the file and the problem (missing file, a size that is
    ///   not a whole number of records, a label above 9).
    public static func load(split: Split, directory: String? = nil) throws(DatasetError)
        -> Dataset
    {
        let resolved = self.directory(directory)
        var pixels: [UInt8] = []
        var labels: [Int] = []
        for name in fileNames(split) {
            let file = try readFile(resolved.file(name), hint: missingHint(resolved))
            pixels += file.pixels
            labels += file.labels
        }
        return try Dataset(
            name: "CIFAR-10 \(split.rawValue)", storage: .bytes(pixels), labels: labels,
            channels: 3, height: 32, width: 32, classNames: classNames, path: resolved.path)
    }

    /// Reads one binary batch file (`data_batch_1.bin`, `test_batch.bin`, or any file of
    /// records) into a data set named after the file.
    /// - Throws: `DatasetError` naming the file and the problem.
    public static func read(contentsOf path: String) throws(DatasetError) -> Dataset {
        let file = try readFile(path, hint: nil)
        return try Dataset(
            name: "CIFAR-10 \((path as NSString).lastPathComponent)", storage: .bytes(file.pixels),
            labels: file.labels, channels: 3, height: 32, width: 32, classNames: classNames,
            path: path)
    }

    /// The pixels (`[N, 3, 32, 32]` bytes) and labels of one file of records.
    static func readFile(_ path: String, hint: String?) throws(DatasetError)
        -> (pixels: [UInt8], labels: [Int])
    {
        let bytes = try readFileBytes(path, missingHint: hint)
        guard bytes.count % recordSize == 0 else {
            throw DatasetError(
                .badRecordSize, path: path,
                "size \(bytes.count) bytes is not a multiple of the record size \(recordSize) "
                    + "(1 label byte + 3072 pixel bytes): \(bytes.count / recordSize) whole "
                    + "records and \(bytes.count % recordSize) bytes over (truncated file?)")
        }
        let records = bytes.count / recordSize
        var pixels = [UInt8](repeating: 0, count: records * (recordSize - 1))
        var labels = [Int](repeating: 0, count: records)
        for record in 0..<records {
            let start = record * recordSize
            let label = Int(bytes[start])
            guard label < classNames.count else {
                throw DatasetError(
                    .labelOutOfRange, path: path,
                    "record \(record) has label \(label); CIFAR-10 labels are 0...9")
            }
            labels[record] = label
            let target = record * (recordSize - 1)
            pixels[target..<(target + recordSize - 1)] = bytes[(start + 1)..<(start + recordSize)]
        }
        return (pixels, labels)
    }

    static func missingHint(_ directory: DataDirectory) -> String {
        "Looked in \(directory.path) (\(directory.origin)). Download the binary version from "
            + "https://www.cs.toronto.edu/~kriz/cifar.html, unpack it, and give the unpacked "
            + "\(folderName) folder with --data-dir (or `directory:` from Swift), or set "
            + "\(DataDirectory.environmentVariable) to the folder holding it"
    }
}
