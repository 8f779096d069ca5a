import Datasets
import Foundation
import Testing

/// MNIST-layout folders written by the tests: the loaders' checks on small files.
@Suite("MNIST-layout loading")
struct ImageSetTests {
    /// Writes a train split of `count` 3×2 images with `labels` into `directory`.
    func writeSplit(
        in directory: TemporaryDirectory, count: Int, labels: [UInt8], compressed: Bool = true
    ) throws {
        let suffix = compressed ? ".gz" : ""
        try IDX.write(
            IDXArray(dimensions: [count, 3, 2], bytes: countingBytes(count * 6)),
            to: directory.file("train-images-idx3-ubyte" + suffix), compressed: compressed)
        try IDX.write(
            IDXArray(dimensions: [labels.count], bytes: labels),
            to: directory.file("train-labels-idx1-ubyte" + suffix), compressed: compressed)
    }

    @Test("loads images as bytes / 255 with their labels", arguments: [true, false])
    func loads(compressed: Bool) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeSplit(in: directory, count: 4, labels: [9, 0, 3, 3], compressed: compressed)
        let set = try MNIST.load(split: .train, directory: directory.path)
        #expect(set.count == 4)
        #expect(set.imageShape == [1, 3, 2])
        #expect(set.labels == [9, 0, 3, 3])
        #expect(set.classNames == MNIST.classNames)
        #expect(set.image(at: 1).pixels == (6..<12).map { Float($0) / 255 })
        #expect(MNIST.isAvailable(split: .train, directory: directory.path))
        #expect(!MNIST.isAvailable(split: .test, directory: directory.path))
    }

    @Test("image/label count mismatch names both files")
    func countMismatch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeSplit(in: directory, count: 4, labels: [1, 2, 3])
        let images = directory.file("train-images-idx3-ubyte.gz")
        let labels = directory.file("train-labels-idx1-ubyte.gz")
        expectDatasetError(
            .countMismatch, naming: images, containing: ["4 images", "3 labels", labels]
        ) {
            _ = try FashionMNIST.load(split: .train, directory: directory.path)
        }
    }

    @Test("label out of range names the file, the example and the label")
    func labelOutOfRange() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeSplit(in: directory, count: 3, labels: [1, 10, 3])
        expectDatasetError(
            .labelOutOfRange, naming: directory.file("train-labels-idx1-ubyte.gz"),
            containing: ["label 10 of example 1", "0...9"]
        ) {
            _ = try FashionMNIST.load(split: .train, directory: directory.path)
        }
    }

    @Test("images with the wrong number of dimensions")
    func badShape() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeSplit(in: directory, count: 2, labels: [1, 2])
        let images = directory.file("train-images-idx3-ubyte.gz")
        try IDX.write(IDXArray(dimensions: [2, 6], bytes: countingBytes(12)), to: images)
        expectDatasetError(.badShape, naming: images, containing: ["[N, H, W]", "[2, 6]"]) {
            _ = try MNIST.load(split: .train, directory: directory.path)
        }
    }

    @Test("a missing file at the default location says how to install the package")
    func missingAtDefault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let here = DataDirectory(path: directory.path, source: .systemDefault)
        expectDatasetError(
            .missingFile, naming: directory.file("t10k-images-idx3-ubyte.gz"),
            containing: ["apt-get install dataset-fashion-mnist", "RESIDUAL_DATA_DIR"]
        ) {
            _ = try FashionMNIST.load(split: .test, from: here)
        }
        // A directory the user chose gets a message about that directory instead.
        expectDatasetError(
            .missingFile, naming: directory.file("t10k-images-idx3-ubyte.gz"),
            containing: ["Looked in \(directory.path)"]
        ) {
            _ = try FashionMNIST.load(split: .test, directory: directory.path)
        }
    }

    @Test("directory precedence: argument, then RESIDUAL_DATA_DIR, then /usr/share/datasets")
    func precedence() {
        let environment = ["RESIDUAL_DATA_DIR": "/data/root"]
        #expect(
            DataDirectory.resolve("/mine", folder: "fashion-mnist", environment: environment)
                == DataDirectory(path: "/mine", source: .argument))
        #expect(
            DataDirectory.resolve(nil, folder: "fashion-mnist", environment: environment)
                == DataDirectory(path: "/data/root/fashion-mnist", source: .environment))
        #expect(
            DataDirectory.resolve(nil, folder: "fashion-mnist", environment: [:])
                == DataDirectory(path: "/usr/share/datasets/fashion-mnist", source: .systemDefault))
    }
}

/// The real Fashion-MNIST files from the Debian package, when installed.
@Suite(
    "Fashion-MNIST (installed files)",
    .enabled(
        if: FashionMNIST.isAvailable(split: .train) && FashionMNIST.isAvailable(split: .test),
        "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist"))
struct FashionMNISTFileTests {
    @Test("train: 60000 images 28×28, 6000 per class, mean 0.2860, std 0.3530")
    func trainSet() throws {
        let train = try FashionMNIST.load(split: .train)
        #expect(train.count == 60000)
        #expect(train.imageShape == [1, 28, 28])
        #expect(train.classNames.count == 10)
        #expect(train.classCounts() == Array(repeating: 6000, count: 10))
        let (mean, std) = train.channelStatistics()
        // The widely quoted 0.2860 and 0.3530, to the digits computed here (in Double, and
        // checked against a plain two-pass loop over the Float pixels).
        #expect(abs(mean[0] - 0.2860406) < 1e-6, "mean \(mean)")
        #expect(abs(std[0] - 0.3530242) < 1e-6, "std \(std)")
        let first = train.image(at: 0).pixels
        #expect(first.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(first.contains { $0 == 1 } || first.contains { $0 > 0.9 })
    }

    @Test("test: 10000 images, 1000 per class")
    func testSet() throws {
        let test = try FashionMNIST.load(split: .test)
        #expect(test.count == 10000)
        #expect(test.imageShape == [1, 28, 28])
        #expect(test.classCounts() == Array(repeating: 1000, count: 10))
    }
}
