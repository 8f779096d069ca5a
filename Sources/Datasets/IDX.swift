import Checks

/// An array read from an IDX file: its dimensions and its elements as unsigned bytes.
///
/// IDX is the format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header, then the
/// elements row-major.
///
/// ```
/// byte 0, 1   0x00 0x00              magic
/// byte 2      data type              0x08 = unsigned byte (the only one read here)
/// byte 3      number of dimensions   3 for images [N, H, W], 1 for labels [N]
/// then        each dimension         big-endian UInt32
/// then        the elements           N·H·W bytes
/// ```
public struct IDXArray: Sendable, Equatable {
    /// The size of each dimension, outermost first (`[60000, 28, 28]`).
    public var dimensions: [Int]
    /// The elements, row-major; `bytes.count == dimensions.reduce(1, *)`.
    public var bytes: [UInt8]

    /// Creates an array; stops with a message when the sizes disagree.
    public init(dimensions: [Int], bytes: [UInt8]) {
        checkArgument(
            dimensions.allSatisfy { $0 >= 0 } && dimensions.reduce(1, *) == bytes.count,
            "IDXArray: dimensions \(dimensions) do not hold \(bytes.count) bytes")
        self.dimensions = dimensions
        self.bytes = bytes
    }
}

/// Reading and writing IDX files, gzip'd (`.gz`, as distributed) or plain.
public enum IDX {
    /// The data-type byte for unsigned bytes, the only type these data sets use.
    public static let unsignedByte: UInt8 = 0x08

    /// Reads an IDX file, decompressing it first when it is gzip'd.
    ///
    /// A file that starts with the gzip magic bytes is decompressed whatever its name; a file
    /// named `.gz` that does not is an error (`.notGzip`); any other file is read as plain IDX.
    ///
    /// - Throws: `DatasetError` naming the file and the problem: `.missingFile`, `.notGzip`,
    ///   `.corruptGzip`, `.badMagic`, `.unsupportedDataType`, `.truncated` (fewer bytes than
    ///   the header's dimensions call for), `.trailingData` (more).
    public static func read(contentsOf path: String) throws(DatasetError) -> IDXArray {
        try read(contentsOf: path, missingHint: nil)
    }

    /// `read(contentsOf:)` with a sentence added to the message when the file is missing.
    static func read(contentsOf path: String, missingHint: String?) throws(DatasetError)
        -> IDXArray
    {
        let raw = try readFileBytes(path, missingHint: missingHint)
        if isGzip(raw) {
            return try parse(gunzip(raw, path: path), path: path)
        }
        if path.hasSuffix(".gz") {
            _ = try gunzip(raw, path: path)  // throws .notGzip with the bytes it found
        }
        return try parse(raw, path: path)
    }

    /// Parses the bytes of an (uncompressed) IDX file.
    ///
    /// - Parameters:
    ///   - bytes: the whole file, header first.
    ///   - path: the file's name, for error messages.
    /// - Throws: `DatasetError` as `read(contentsOf:)` does.
    public static func parse(_ bytes: [UInt8], path: String) throws(DatasetError) -> IDXArray {
        guard bytes.count >= 4 else {
            throw DatasetError(
                .truncated, path: path,
                "truncated IDX header: the file has \(bytes.count) bytes, a header needs at least 4"
            )
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DatasetError(
                .badMagic, path: path,
                "bad magic: an IDX file starts with 0x00 0x00, this one with "
                    + "\(hex(bytes[0])) \(hex(bytes[1])) (not an IDX file?)")
        }
        guard bytes[2] == unsignedByte else {
            throw DatasetError(
                .unsupportedDataType, path: path,
                "unsupported data type \(hex(bytes[2])) (\(typeName(bytes[2]))); this reader "
                    + "handles \(hex(unsignedByte)) (unsigned byte)")
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else {
            throw DatasetError(.badShape, path: path, "the header declares 0 dimensions")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DatasetError(
                .truncated, path: path,
                "truncated IDX header: \(rank) dimensions need \(headerSize) header bytes, the "
                    + "file has \(bytes.count)")
        }
        var dimensions: [Int] = []
        var expected = 1
        var overflow = false
        for axis in 0..<rank {
            let at = 4 + 4 * axis
            let size =
                Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8
                | Int(bytes[at + 3])
            dimensions.append(size)
            let product = expected.multipliedReportingOverflow(by: size)
            expected = product.partialValue
            overflow = overflow || product.overflow
        }
        let got = bytes.count - headerSize
        guard !overflow, got >= expected else {
            throw DatasetError(
                .truncated, path: path,
                "truncated data: expected \(overflow ? "more than \(Int.max)" : "\(expected)") "
                    + "bytes from the header dimensions \(dimensions), got \(got)")
        }
        guard got == expected else {
            throw DatasetError(
                .trailingData, path: path,
                "\(got - expected) bytes after the data: expected \(expected) bytes from the "
                    + "header dimensions \(dimensions), got \(got)")
        }
        return IDXArray(dimensions: dimensions, bytes: Array(bytes[headerSize...]))
    }

    /// The bytes of an IDX file holding `array` (unsigned bytes).
    public static func encode(_ array: IDXArray) -> [UInt8] {
        checkArgument(
            array.dimensions.count <= 255 && array.dimensions.allSatisfy { $0 <= Int(UInt32.max) },
            "IDX.encode: dimensions \(array.dimensions) do not fit an IDX header")
        var bytes: [UInt8] = [0, 0, unsignedByte, UInt8(array.dimensions.count)]
        for size in array.dimensions {
            bytes += [UInt8(size >> 24 & 0xff), UInt8(size >> 16 & 0xff)]
            bytes += [UInt8(size >> 8 & 0xff), UInt8(size & 0xff)]
        }
        bytes += array.bytes
        return bytes
    }

    /// Writes `array` as an IDX file, gzip'd when `compressed` (the distributed form).
    /// - Throws: `DatasetError` `.unreadable` when the file cannot be written.
    public static func write(_ array: IDXArray, to path: String, compressed: Bool = true)
        throws(DatasetError)
    {
        let bytes = encode(array)
        if compressed {
            try writeGzip(bytes, to: path)
        } else {
            try writeFileBytes(bytes, to: path)
        }
    }

    /// The IDX name of a data-type byte.
    static func typeName(_ type: UInt8) -> String {
        switch type {
        case 0x08: "unsigned byte"
        case 0x09: "signed byte"
        case 0x0B: "16-bit integer"
        case 0x0C: "32-bit integer"
        case 0x0D: "32-bit float"
        case 0x0E: "64-bit float"
        default: "not an IDX type"
        }
    }
}
