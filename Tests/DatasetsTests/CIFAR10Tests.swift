import Datasets
import Foundation
import Testing

@Suite("CIFAR-10 binary files")
struct CIFAR10Tests {
    /// `labels.count` records whose pixels count up from the record's index.
    func records(_ labels: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (n, label) in labels.enumerated() {
            bytes.append(label)
            bytes += countingBytes(3072, from: n)
        }
        return bytes
    }

    @Test("reads records as [3, 32, 32] CHW with labels")
    func readsRecords() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(records([3, 9, 0]), to: "test_batch.bin")
        let set = try CIFAR10.read(contentsOf: path)
        #expect(set.count == 3)
        #expect(set.imageShape == [3, 32, 32])
        #expect(set.labels == [3, 9, 0])
        let image = set.image(at: 1)
        // Pixel byte i of record 1 is (1 + i) % 256; channel 1 starts at byte 1024.
        #expect(image[0, 0, 0] == Float(1) / 255)
        #expect(image[1, 0, 0] == Float((1 + 1024) % 256) / 255)
        #expect(image[2, 31, 31] == Float((1 + 3071) % 256) / 255)
    }

    @Test("load concatenates the five training files in order")
    func loadsSplit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (i, name) in CIFAR10.fileNames(.train).enumerated() {
            _ = try directory.write(records([UInt8(i), UInt8(i + 1)]), to: name)
        }
        #expect(CIFAR10.isAvailable(split: .train, directory: directory.path))
        let train = try CIFAR10.load(split: .train, directory: directory.path)
        #expect(train.labels == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5])
        #expect(train.classNames[0] == "airplane")
    }

    @Test("a size that is not a whole number of records")
    func badSize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Array(records([1, 2]).dropLast(100)), to: "cut.bin")
        expectDatasetError(
            .badRecordSize, naming: path, containing: ["6046 bytes", "multiple of", "3073"]
        ) {
            _ = try CIFAR10.read(contentsOf: path)
        }
    }

    @Test("a label above 9")
    func badLabel() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(records([1, 2, 12]), to: "data_batch_1.bin")
        expectDatasetError(.labelOutOfRange, naming: path, containing: ["record 2", "label 12"]) {
            _ = try CIFAR10.read(contentsOf: path)
        }
    }

    @Test("a missing file")
    func missing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.write(records([1]), to: "data_batch_1.bin")
        expectDatasetError(
            .missingFile, naming: directory.file("data_batch_2.bin"),
            containing: ["cifar-10-batches-bin"]
        ) {
            _ = try CIFAR10.load(split: .train, directory: directory.path)
        }
    }
}
