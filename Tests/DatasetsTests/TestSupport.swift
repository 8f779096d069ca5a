import Datasets
import Foundation
import Randomness
import Testing

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("residual-datasets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body`, expecting a `DatasetError` of `kind` whose message names `path` and contains
/// every phrase of `phrases`.
func expectDatasetError(
    _ kind: DatasetError.Kind, naming path: String?, containing phrases: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record(
            "expected a DatasetError .\(kind), but nothing was thrown",
            sourceLocation: sourceLocation)
    } catch let error as DatasetError {
        #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
        if let path {
            #expect(error.path == path, sourceLocation: sourceLocation)
            #expect(
                error.message.hasPrefix(path),
                "message should start with the file: \(error.message)",
                sourceLocation: sourceLocation)
        }
        for phrase in phrases {
            #expect(
                error.message.contains(phrase), "\"\(phrase)\" missing from: \(error.message)",
                sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a DatasetError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Bytes `0, 1, 2, ...` wrapping at 256: pixels whose value tells where they came from.
func countingBytes(_ count: Int, from start: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8((start + $0) % 256) }
}

/// An image whose pixel values are `offset + index`, so tests can see which pixel went where.
func countingImage(channels: Int, height: Int, width: Int, offset: Float = 0) -> Image {
    Image(
        channels: channels, height: height, width: width,
        pixels: (0..<(channels * height * width)).map { Float($0) + offset })
}

/// A small data set of `count` one-channel `side × side` images: every pixel of image `n`
/// is `n / 255` plus a ramp over the pixels, and label `n % classes`, so each example can be
/// recognised from its pixels.
func syntheticDataset(count: Int, side: Int = 4, classes: Int = 3) throws -> Dataset {
    var pixels: [UInt8] = []
    for n in 0..<count {
        for i in 0..<(side * side) { pixels.append(UInt8((n * 7 + i) % 256)) }
    }
    return try Dataset(
        name: "synthetic", pixels: pixels, labels: (0..<count).map { $0 % classes }, channels: 1,
        height: side, width: side, classNames: (0..<classes).map { "class \($0)" })
}

/// CRC-32 (the IEEE polynomial gzip uses), bit by bit: an oracle independent of zlib.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// A gzip member built by hand with one "stored" (uncompressed) deflate block, RFC 1951/1952,
/// for `payload` up to 65535 bytes: a second way to make gzip, not using zlib at all.
func storedGzip(_ payload: [UInt8]) -> [UInt8] {
    let length = UInt16(payload.count)
    var bytes: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]  // header, no name, no time
    bytes += [1]  // final block, type 00 (stored)
    bytes += littleEndian(UInt32(length), count: 2) + littleEndian(UInt32(~length), count: 2)
    bytes += payload
    bytes += littleEndian(crc32(payload), count: 4) + littleEndian(UInt32(payload.count), count: 4)
    return bytes
}

func littleEndian(_ value: UInt32, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(value >> (8 * UInt32($0)) & 0xff) }
}
