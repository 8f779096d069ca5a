import Foundation
import TensorCore

/// Reads and writes tensors in the safetensors format (Hugging Face), the format PyTorch
/// users share weights in. With PyTorch state-dict names, a model saved here loads in
/// PyTorch and weights exported there load here.
///
/// The format, all little-endian:
/// ```
/// [8 bytes]  N, the header length (UInt64)
/// [N bytes]  a UTF-8 JSON object, maybe padded with spaces:
///            {"__metadata__": {"key": "value", ...},              (optional, strings only)
///             "0.weight": {"dtype": "F32", "shape": [3, 2, 3, 3],
///                          "data_offsets": [0, 216]}, ...}
/// [rest]     the data section: each tensor's row-major elements at
///            data_offsets [begin, end) counted from the start of this section
/// ```
///
/// `write` stores Float32 (`F32`). `read` also converts F64, F16, BF16 and integer
/// dtypes to Float (PyTorch exports batch norm's `num_batches_tracked` as `I64`).
public enum Safetensors {
    /// The element types this reader understands, by their names in the header.
    public enum DType: String, CaseIterable, Sendable {
        /// `F64`, IEEE 754 double precision; read rounded to Float.
        case float64 = "F64"
        /// `F32`, IEEE 754 single precision: what `write` stores, read as it is.
        case float32 = "F32"
        /// `F16`, IEEE 754 half precision; read exactly.
        case float16 = "F16"
        /// `BF16`, bfloat16 (a Float's top 16 bits); read exactly.
        case bfloat16 = "BF16"
        /// `I64`, signed 64-bit integers (PyTorch's `num_batches_tracked`); read exactly up
        /// to ±2²⁴, rounded to the nearest Float beyond.
        case int64 = "I64"
        /// `I32`, signed 32-bit integers; read exactly up to ±2²⁴, rounded beyond.
        case int32 = "I32"
        /// `I16`, signed 16-bit integers; read exactly.
        case int16 = "I16"
        /// `I8`, signed bytes; read exactly.
        case int8 = "I8"
        /// `U8`, unsigned bytes; read exactly.
        case uint8 = "U8"
        /// `BOOL`, one byte each; read as 1 for any nonzero byte, 0 otherwise.
        case bool = "BOOL"

        /// Bytes per element.
        public var byteCount: Int {
            switch self {
            case .float64, .int64: 8
            case .float32, .int32: 4
            case .float16, .bfloat16, .int16: 2
            case .int8, .uint8, .bool: 1
            }
        }
    }

    /// The header key the format reserves for string metadata.
    public static let metadataKey = "__metadata__"

    /// The metadata key under which `write` stores a checksum of the whole file but the
    /// checksum itself (`fnv1a64:` and 16 hex digits), which `read` verifies: a flipped bit
    /// in any tensor, in a tensor's name, shape or offsets, or in any metadata value (a
    /// checkpoint's training state lives there) makes the file fail to read as corrupt,
    /// instead of silently changing the numbers or the run. What it covers is the header in
    /// its canonical form (`canonicalHeader`) followed by the data section. Files from
    /// elsewhere, without it, are read unchecked. `read` leaves it out of the metadata it
    /// returns.
    public static let checksumKey = "residual.checksum"

    /// The key of the checksum files written before 2026-12-04 carry: of the data section
    /// only. Still verified when it is the only one; never written.
    public static let dataChecksumKey = "residual.data_checksum"

    // MARK: - Writing

    /// Writes `tensors` (as F32, in the order given) and `metadata` to `path`, atomically:
    /// the bytes go to a temporary file in the same directory, which is then renamed over
    /// `path`, so a crash never leaves a half-written file under that name.
    ///
    /// The tensors' bytes go to the file straight from their storage, one after another: no
    /// copy of the whole file is made in memory (a ResNet-18 checkpoint is 90 MB).
    ///
    /// - Parameters:
    ///   - tensors: names and tensors; each tensor's elements are stored row-major.
    ///   - metadata: strings for the header's `__metadata__`, stored with keys sorted; the
    ///     checksum is added under `checksumKey`, replacing any value given for that key.
    ///   - path: the file to write.
    /// - Throws: `SafetensorsError`: `.duplicateName` or `.reservedName` (a tensor named
    ///   `__metadata__`) before anything is written, `.writeFailed` with the system's reason
    ///   when the file cannot be written (no space left, no permission, ...).
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
        to path: String
    ) throws(SafetensorsError) {
        let header = try header(tensors, metadata: metadata, path: path)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            "\(temporaryPrefix(for: path))\(UUID().uuidString).tmp")
        func fail(_ reason: String) -> SafetensorsError {
            // A full disk leaves part of the file written: remove it, keep the old `path`.
            try? FileManager.default.removeItem(at: temporary)
            return SafetensorsError(path: path, problem: .writeFailed(reason))
        }
        guard let file = fopen(temporary.path, "wb") else {
            throw fail(String(cString: strerror(errno)))
        }
        var written = header.withUnsafeBytes { put($0, file) }
        for (_, tensor) in tensors where written {
            written = withLittleEndianBytes(of: tensor) { put($0, file) }
        }
        let reason = String(cString: strerror(errno))
        // fclose flushes what the C library still buffers: it can fail too (a full disk).
        if fclose(file) != 0 || !written {
            throw fail(written ? String(cString: strerror(errno)) : reason)
        }
        if rename(temporary.path, url.path) != 0 {
            throw fail(String(cString: strerror(errno)))
        }
    }

    /// The temporary file `write` uses for `path` begins with this and ends in `.tmp`.
    static func temporaryPrefix(for path: String) -> String {
        ".\((path as NSString).lastPathComponent)."
    }

    /// Removes the temporary files that writes of `path` left behind when their process was
    /// killed before it could clean up (kill -9 in the middle of a 65 MB checkpoint): every
    /// `.<name>.<UUID>.tmp` beside it. Call it before writing `path` again, when no other
    /// process writes it.
    ///
    /// - Parameter path: the file whose leftovers to remove (it need not exist).
    /// - Returns: the names (not paths) of the files removed.
    @discardableResult
    public static func removeStaleTemporaries(of path: String) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let folder = directory.isEmpty ? "." : directory
        let prefix = temporaryPrefix(for: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            name.hasPrefix(prefix) && name.hasSuffix(".tmp")
                && (try? FileManager.default.removeItem(
                    atPath: (folder as NSString).appendingPathComponent(name))) != nil
        }
    }

    /// Writes `bytes` to `file`; false when not all of them were written (errno says why).
    private static func put(_ bytes: UnsafeRawBufferPointer, _ file: UnsafeMutablePointer<FILE>)
        -> Bool
    {
        bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count
    }

    /// Calls `body` with `tensor`'s elements as little-endian Float32 bytes: its own storage
    /// on a little-endian machine (every one Swift runs on today), a converted copy otherwise.
    private static func withLittleEndianBytes<R>(
        of tensor: Tensor, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        #if _endian(little)
            return tensor.data.withUnsafeBytes(body)
        #else
            return tensor.data.map { $0.bitPattern.littleEndian }.withUnsafeBytes(body)
        #endif
    }

    /// The bytes of a safetensors file holding `tensors` and `metadata` (used by tests that
    /// damage a file on purpose). `path` only names the file in errors.
    static func encode(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], path: String
    ) throws(SafetensorsError) -> [UInt8] {
        var bytes = try header(tensors, metadata: metadata, path: path)
        for (_, tensor) in tensors {
            withLittleEndianBytes(of: tensor) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The first part of the file: the header's length (8 bytes), then the header, padded
    /// so that the data section starts 8-byte aligned. The metadata gets the checksum of
    /// the canonical header and the tensors' bytes.
    /// - Throws: `SafetensorsError` for a duplicate or reserved name.
    static func header(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], path: String
    ) throws(SafetensorsError) -> [UInt8] {
        var seen: Set<String> = []
        for (name, _) in tensors {
            if name == metadataKey {
                throw SafetensorsError(path: path, problem: .reservedName(name))
            }
            if !seen.insert(name).inserted {
                throw SafetensorsError(path: path, problem: .duplicateName(name))
            }
        }
        var entries: [EntryLayout] = []
        var offset = 0
        for (name, tensor) in tensors {
            let end = offset + tensor.count * DType.float32.byteCount
            entries.append(
                EntryLayout(
                    name: name, dtype: DType.float32.rawValue, shape: tensor.shape, begin: offset,
                    end: end))
            offset = end
        }
        var hash = Checksum()
        hash.add(canonicalHeader(metadata: metadata, entries: entries))
        for (_, tensor) in tensors {
            withLittleEndianBytes(of: tensor) { hash.add($0) }
        }
        var metadata = metadata
        metadata[checksumKey] = hash.text
        // The header: metadata first (keys sorted, for reproducible files), then the tensors
        // in the order given, which is the order of their bytes.
        let fields = [metadataField(metadata)] + entries.map(\.jsonField)
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        // Pad with spaces so the data section starts 8-byte aligned, as the reference
        // implementation does.
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var bytes: [UInt8] = []
        appendLittleEndian(UInt64(header.count), to: &bytes)
        return bytes + header
    }

    /// One tensor's place in the file, as its header entry states it.
    struct EntryLayout {
        var name: String
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int

        /// `"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}`
        var jsonField: String {
            let dimensions = shape.map(String.init).joined(separator: ",")
            return "\(jsonString(name)):{\"dtype\":\(jsonString(dtype)),\"shape\":[\(dimensions)],"
                + "\"data_offsets\":[\(begin),\(end)]}"
        }
    }

    /// `"__metadata__":{"a":"1","b":"2"}`, keys sorted.
    private static func metadataField(_ metadata: [String: String]) -> String {
        let pairs = metadata.sorted { $0.key < $1.key }.map {
            "\(jsonString($0.key)):\(jsonString($0.value))"
        }
        return "\(jsonString(metadataKey)):{\(pairs.joined(separator: ","))}"
    }

    /// The header as the checksum sees it, whatever the spacing and key order of the file:
    /// the metadata but the checksum (keys sorted), then the entries in the order of their
    /// bytes (ties by name), all in compact JSON. Writer and reader build it alike.
    static func canonicalHeader(metadata: [String: String], entries: [EntryLayout]) -> [UInt8] {
        var metadata = metadata
        metadata[checksumKey] = nil
        metadata[dataChecksumKey] = nil
        let ordered = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        let fields = [metadataField(metadata)] + ordered.map(\.jsonField)
        return Array("{\(fields.joined(separator: ","))}".utf8)
    }

    // MARK: - Reading

    /// Reads every tensor (converted to Float) and the metadata from the file at `path`.
    ///
    /// Tensors come back in the order of their bytes in the file, which for files written by
    /// `write` is the order they were written in.
    ///
    /// - Parameter path: the file to read.
    /// - Returns: the tensors with their names, and the metadata without the checksum keys.
    /// - Throws: `SafetensorsError` naming the file and the problem: `.missingFile`,
    ///   `.unreadable`, `.truncatedHeader`, `.headerLengthTooLarge`, `.invalidHeader` (also
    ///   for a number too large for `Int`), `.duplicateKey`, `.checksumMismatch`,
    ///   `.missingChecksum`, `.unknownDType`, `.offsetsOutOfRange`, `.sizeMismatch`,
    ///   `.overlappingTensors`, `.gapBetweenTensors` or `.trailingBytes`.
    public static func read(
        _ path: String
    ) throws(SafetensorsError) -> (
        tensors: [(name: String, tensor: Tensor)], metadata: [String: String]
    ) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SafetensorsError(path: path, problem: .missingFile)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw SafetensorsError(path: path, problem: .unreadable("\(error)"))
        }
        return try decode(Array(data), path: path)
    }

    /// Parses the bytes of a safetensors file. `path` only names the file in errors.
    static func decode(
        _ bytes: [UInt8], path: String
    ) throws(SafetensorsError) -> (
        tensors: [(name: String, tensor: Tensor)], metadata: [String: String]
    ) {
        func fail(_ problem: SafetensorsError.Problem) -> SafetensorsError {
            SafetensorsError(path: path, problem: problem)
        }
        guard bytes.count >= 8 else { throw fail(.truncatedHeader(fileSize: bytes.count)) }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail(.headerLengthTooLarge(headerLength: headerLength, fileSize: bytes.count))
        }
        let dataStart = 8 + Int(headerLength)
        var header = try parseHeader(bytes[8..<dataStart], path: path)
        let dataSize = bytes.count - dataStart
        let fileChecksum = header.metadata.removeValue(forKey: checksumKey)
        let dataChecksum = header.metadata.removeValue(forKey: dataChecksumKey)

        // A file cut short first (the commonest damage: a copy that did not finish), then the
        // checksum (a flipped bit anywhere is corruption, whatever it broke), then the layout.
        for (name, entry) in header.entries where entry.end > dataSize {
            throw fail(
                .offsetsOutOfRange(
                    tensor: name, begin: entry.begin, end: entry.end, dataSize: dataSize))
        }
        if let stored = fileChecksum ?? dataChecksum {
            var hash = Checksum()
            if fileChecksum != nil {
                hash.add(
                    canonicalHeader(
                        metadata: header.metadata,
                        entries: header.entries.map {
                            EntryLayout(
                                name: $0.name, dtype: $0.entry.dtype, shape: $0.entry.shape,
                                begin: $0.entry.begin, end: $0.entry.end)
                        }))
            }
            bytes[dataStart...].withUnsafeBytes { hash.add($0) }
            let computed = hash.text
            guard computed == stored else {
                throw fail(
                    .checksumMismatch(
                        stored: stored, computed: computed, wholeFile: fileChecksum != nil))
            }
        } else if let sign = header.metadata.first(where: {
            $0.key.hasPrefix("residual.") || $0.value.hasPrefix("fnv1a64:")
        }) {
            // Written here (it has our metadata) but its checksum is gone: a flipped bit in
            // the checksum's key reads like this.
            throw fail(.missingChecksum(sign: sign.key))
        }

        // Check every entry, in the order of their bytes: each where it says, of the size
        // its shape needs, right after the one before, the last one ending the file (the
        // reference implementation's rules: no overlap, no gap, no trailing bytes).
        let entries = header.entries.sorted {
            ($0.entry.begin, $0.entry.end, $0.name) < ($1.entry.begin, $1.entry.end, $1.name)
        }
        var checked: [(name: String, dtype: DType, shape: [Int], begin: Int)] = []
        var previous: (name: String, end: Int)?
        for (name, entry) in entries {
            guard let dtype = DType(rawValue: entry.dtype) else {
                throw fail(.unknownDType(tensor: name, dtype: entry.dtype))
            }
            guard 0 <= entry.begin && entry.begin <= entry.end && entry.end <= dataSize else {
                throw fail(
                    .offsetsOutOfRange(
                        tensor: name, begin: entry.begin, end: entry.end, dataSize: dataSize))
            }
            let span = entry.end - entry.begin
            let expected = byteCount(of: entry.shape, dtype: dtype)
            guard expected == span else {
                throw fail(
                    .sizeMismatch(
                        tensor: name, dtype: dtype.rawValue, shape: entry.shape,
                        expectedBytes: expected ?? Int.max, gotBytes: span))
            }
            if span > 0 {
                let previousEnd = previous?.end ?? 0
                if entry.begin < previousEnd, let previous {
                    throw fail(.overlappingTensors(previous.name, name))
                }
                if entry.begin > previousEnd {
                    throw fail(
                        .gapBetweenTensors(
                            after: previous?.name, before: name, from: previousEnd,
                            to: entry.begin))
                }
                previous = (name, entry.end)
            }
            checked.append((name, dtype, entry.shape, entry.begin))
        }
        let end = previous?.end ?? 0
        guard end == dataSize else {
            throw fail(.trailingBytes(after: previous?.name, count: dataSize - end))
        }

        let tensors = checked.map { name, dtype, shape, begin in
            let count = shape.reduce(1, *)
            let values = convert(bytes, from: dataStart + begin, count: count, dtype: dtype)
            return (name: name, tensor: Tensor(shape: shape, data: values))
        }
        return (tensors, header.metadata)
    }

    /// The header's entries and metadata, validated for form (not yet against the data).
    private static func parseHeader(
        _ bytes: ArraySlice<UInt8>, path: String
    ) throws(SafetensorsError) -> Header {
        // What the decoder would let through or misreport: a key twice in one object (the
        // decoder keeps one of them silently) and a number too large for Int.
        switch HeaderScan.check(Array(bytes)) {
        case .duplicateKey(let key, let object)?:
            throw SafetensorsError(path: path, problem: .duplicateKey(key, object: object))
        case .numberTooLarge(let number, let location)?:
            throw SafetensorsError(
                path: path,
                problem: .invalidHeader(
                    "the number \(number)\(location.isEmpty ? "" : " at '\(location)'") is too "
                        + "large (at most \(Int.max))"))
        case nil:
            break
        }
        do {
            return try JSONDecoder().decode(Header.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw SafetensorsError(path: path, problem: .invalidHeader(explain(error)))
        } catch let error as HeaderFormError {
            throw SafetensorsError(path: path, problem: .invalidHeader(error.message))
        } catch {
            throw SafetensorsError(path: path, problem: .invalidHeader("\(error)"))
        }
    }

    /// The bytes `shape` needs in `dtype`, or nil when a dimension is negative or the
    /// product overflows.
    private static func byteCount(of shape: [Int], dtype: DType) -> Int? {
        var total = dtype.byteCount
        for size in shape {
            guard size >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// `count` elements of `dtype` starting at byte `start`, converted to Float.
    private static func convert(
        _ bytes: [UInt8], from start: Int, count: Int, dtype: DType
    ) -> [Float] {
        switch dtype {
        case .float64:
            convert(bytes, from: start, count: count) { Float(Double(bitPattern: $0 as UInt64)) }
        case .float32: convert(bytes, from: start, count: count) { Float(bitPattern: $0 as UInt32) }
        case .float16: convert(bytes, from: start, count: count) { floatFromHalf($0) }
        case .bfloat16:
            convert(bytes, from: start, count: count) {
                Float(bitPattern: UInt32($0 as UInt16) << 16)
            }
        case .int64: convert(bytes, from: start, count: count) { Float($0 as Int64) }
        case .int32: convert(bytes, from: start, count: count) { Float($0 as Int32) }
        case .int16: convert(bytes, from: start, count: count) { Float($0 as Int16) }
        case .int8: convert(bytes, from: start, count: count) { Float($0 as Int8) }
        case .uint8: convert(bytes, from: start, count: count) { Float($0 as UInt8) }
        case .bool: convert(bytes, from: start, count: count) { ($0 as UInt8) != 0 ? 1 : 0 }
        }
    }

    /// `count` little-endian integers of type `T` from byte `start`, each mapped by `element`
    /// (which reinterprets or converts the bits).
    @inline(__always)
    private static func convert<T: FixedWidthInteger>(
        _ bytes: [UInt8], from start: Int, count: Int, _ element: (T) -> Float
    ) -> [Float] {
        let size = MemoryLayout<T>.size
        return [Float](unsafeUninitializedCapacity: count) { values, initialized in
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: start + i * size, as: T.self)
                    values[i] = element(T(littleEndian: bits))
                }
            }
            initialized = count
        }
    }

    /// An IEEE 754 half-precision number (1 sign, 5 exponent, 10 fraction bits) as a Float,
    /// converted bit by bit (Swift's `Float16` is missing on some platforms).
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:  // zero or subnormal: fraction · 2⁻²⁴
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:  // infinity or NaN
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:  // rebias the exponent from 15 to 127
            return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
        }
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(
        _ value: T, to bytes: inout [UInt8]
    ) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A decoding error in a sentence, with where in the header it happened.
    private static func explain(_ error: DecodingError) -> String {
        func location(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "" : " at '\(path)'"
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "the header is not valid UTF-8 JSON"
        case .dataCorrupted(let context):
            return "bad value\(location(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)'\(location(context))"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "expected \(type)\(location(context))"
        @unknown default:
            return "\(error)"
        }
    }
}

// MARK: - The header's JSON form

/// A malformed header entry found while decoding (beyond what the JSON types catch).
private struct HeaderFormError: Error {
    let message: String
}

/// One tensor's header entry: `{"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}`.
private struct HeaderEntry: Decodable {
    let dtype: String
    let shape: [Int]
    let begin: Int
    let end: Int

    private enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dtype = try container.decode(String.self, forKey: .dtype)
        shape = try container.decode([Int].self, forKey: .shape)
        let offsets = try container.decode([Int].self, forKey: .dataOffsets)
        let name = decoder.codingPath.last?.stringValue ?? "?"
        guard offsets.count == 2 else {
            throw HeaderFormError(
                message: "tensor '\(name)': data_offsets must be [begin, end], got \(offsets)")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw HeaderFormError(message: "tensor '\(name)': negative dimension in \(shape)")
        }
        (begin, end) = (offsets[0], offsets[1])
    }
}

/// The whole header: tensor entries under their names, and the optional metadata.
private struct Header: Decodable {
    var entries: [(name: String, entry: HeaderEntry)] = []
    var metadata: [String: String] = [:]

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == Safetensors.metadataKey {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries.append(
                    (key.stringValue, try container.decode(HeaderEntry.self, forKey: key)))
            }
        }
    }
}

/// FNV-1a (64 bits) over a file's canonical header and data section, fed a piece at a time:
/// the checksum `Safetensors.write` stores and `read` verifies. Not cryptographic: it catches
/// damage, not tampering.
struct Checksum {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = hash
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash = h
    }

    /// `fnv1a64:` and 16 hex digits.
    var text: String {
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
