import Datasets
import Foundation
import Testing

@Suite("IDX files")
struct IDXTests {
    let images = IDXArray(dimensions: [3, 2, 4], bytes: countingBytes(24, from: 100))

    @Test("encode writes the big-endian header by hand-checked bytes")
    func encodeHeader() {
        let bytes = IDX.encode(IDXArray(dimensions: [258, 1], bytes: countingBytes(258)))
        #expect(Array(bytes.prefix(12)) == [0, 0, 8, 2, 0, 0, 1, 2, 0, 0, 0, 1])
        #expect(bytes.count == 12 + 258)
    }

    @Test("gzip and plain files round-trip", arguments: [true, false])
    func roundTrip(compressed: Bool) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file(compressed ? "images.gz" : "images")
        try IDX.write(images, to: path, compressed: compressed)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect((raw.prefix(2) == Data([0x1f, 0x8b])) == compressed)
        #expect(try IDX.read(contentsOf: path) == images)
    }

    @Test("reads a gzip file built by hand (stored block), and concatenated members")
    func handMadeGzip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let encoded = IDX.encode(images)
        let single = try directory.write(storedGzip(encoded), to: "single.gz")
        #expect(try IDX.read(contentsOf: single) == images)
        // Two members decompress to their contents concatenated.
        let halves = [Array(encoded.prefix(10)), Array(encoded.dropFirst(10))]
        let double = try directory.write(
            storedGzip(halves[0]) + storedGzip(halves[1]), to: "double.gz")
        #expect(try IDX.read(contentsOf: double) == images)
    }

    @Test("missing file")
    func missing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("nothing-here.gz")
        expectDatasetError(.missingFile, naming: path, containing: ["no such file"]) {
            _ = try IDX.read(contentsOf: path)
        }
    }

    @Test("a .gz name without gzip inside")
    func notGzip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(IDX.encode(images), to: "plain-but-named.gz")
        expectDatasetError(.notGzip, naming: path, containing: ["not a gzip file", "0x00 0x00"]) {
            _ = try IDX.read(contentsOf: path)
        }
    }

    @Test("a damaged gzip stream")
    func corruptStream() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A stored block whose length check (NLEN) disagrees with LEN: zlib rejects it.
        var bytes = storedGzip(IDX.encode(images))
        bytes[13] ^= 0xff
        let damaged = try directory.write(bytes, to: "damaged.gz")
        expectDatasetError(.corruptGzip, naming: damaged, containing: ["corrupt gzip stream"]) {
            _ = try IDX.read(contentsOf: damaged)
        }
        // A payload byte changed: the CRC-32 at the end no longer matches.
        var flipped = storedGzip(IDX.encode(images))
        flipped[20] ^= 0x01
        let checksum = try directory.write(flipped, to: "checksum.gz")
        expectDatasetError(.corruptGzip, naming: checksum, containing: ["incorrect data check"]) {
            _ = try IDX.read(contentsOf: checksum)
        }
    }

    @Test("a gzip file cut short")
    func cutShortGzip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let whole = storedGzip(IDX.encode(images))
        let path = try directory.write(Array(whole.prefix(whole.count - 12)), to: "cut.gz")
        expectDatasetError(.corruptGzip, naming: path, containing: ["ends early"]) {
            _ = try IDX.read(contentsOf: path)
        }
    }

    @Test("bad magic, named with the bytes found")
    func badMagic() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var bytes = IDX.encode(images)
        bytes[0] = 0x50
        bytes[1] = 0x4b
        let path = directory.file("zip-not-idx.gz")
        _ = try directory.write(storedGzip(bytes), to: "zip-not-idx.gz")
        expectDatasetError(.badMagic, naming: path, containing: ["bad magic", "0x50 0x4b"]) {
            _ = try IDX.read(contentsOf: path)
        }
    }

    @Test("unsupported data type")
    func unsupportedType() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var bytes = IDX.encode(images)
        bytes[2] = 0x0D
        let path = try directory.write(storedGzip(bytes), to: "floats.gz")
        expectDatasetError(
            .unsupportedDataType, naming: path, containing: ["0x0d", "32-bit float", "0x08"]
        ) {
            _ = try IDX.read(contentsOf: path)
        }
    }

    @Test("truncated data says how many bytes were expected and found")
    func truncated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bytes = IDX.encode(images)
        let short = directory.file("short.gz")
        _ = try directory.write(storedGzip(Array(bytes.dropLast(5))), to: "short.gz")
        expectDatasetError(
            .truncated, naming: short, containing: ["expected 24 bytes", "[3, 2, 4]", "got 19"]
        ) {
            _ = try IDX.read(contentsOf: short)
        }
        let header = try directory.write(Array(bytes.prefix(9)), to: "header")
        expectDatasetError(.truncated, naming: header, containing: ["header"]) {
            _ = try IDX.read(contentsOf: header)
        }
        let long = try directory.write(bytes + [1, 2], to: "long")
        expectDatasetError(.trailingData, naming: long, containing: ["2 bytes after"]) {
            _ = try IDX.read(contentsOf: long)
        }
    }
}
