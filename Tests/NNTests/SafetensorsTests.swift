import Foundation
import NN
import Randomness
import TensorCore
import TestSupport
import Testing

/// Writes a safetensors file by hand: the header length, `header`, then `data`.
private func writeRaw(_ header: String, data: [UInt8] = [], to path: String) throws {
    let headerBytes = Array(header.utf8)
    var bytes = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
    bytes += headerBytes + data
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Little-endian bytes of each value.
private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
}

/// Expects reading `path` to fail with exactly `problem`, and the message to name the file.
private func expectReadFails(
    _ path: String, with problem: SafetensorsError.Problem,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let error = #expect(
        throws: SafetensorsError.self, sourceLocation: sourceLocation
    ) { try Safetensors.read(path) }
    #expect(error?.problem == problem, sourceLocation: sourceLocation)
    #expect(error?.path == path, sourceLocation: sourceLocation)
    #expect(error?.description.contains(path) == true, sourceLocation: sourceLocation)
}

@Suite("Safetensors")
struct SafetensorsTests {
    @Test func roundTripKeepsNamesOrderShapesValuesAndMetadata() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/weights.safetensors"
            let tensors: [(name: String, tensor: Tensor)] = [
                ("z.last", randomTensor([2, 3, 4], seed: 1)),
                ("a \"quoted\" name", Tensor(shape: [2], data: [-0.0, .infinity])),
                ("scalar", Tensor(42.5)),
                ("empty", Tensor.zeros([0, 3])),
                ("b", Tensor(shape: [1], data: [Float.leastNonzeroMagnitude])),
            ]
            let metadata = ["format": "pt", "note": "héllo\n\"world\""]
            try Safetensors.write(tensors, metadata: metadata, to: path)
            let (read, readMetadata) = try Safetensors.read(path)
            #expect(read.map(\.name) == tensors.map(\.name))
            #expect(read.map(\.tensor.shape) == tensors.map(\.tensor.shape))
            #expect(
                read.map { $0.tensor.data.map(\.bitPattern) }
                    == tensors.map { $0.tensor.data.map(\.bitPattern) })
            #expect(readMetadata == metadata)
        }
    }

    @Test func fileLayoutIsTheFormat() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/one.safetensors"
            try Safetensors.write([("w", Tensor([1, -2]))], to: path)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
            #expect(bytes[2..<8].allSatisfy { $0 == 0 })
            #expect((8 + headerLength) % 8 == 0)
            let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
            // FNV-1a (64 bits) of the canonical header (the metadata without the checksum,
            // then the entries) and the eight data bytes, worked out independently:
            // python3 -c "h=0xcbf29ce484222325
            // for b in b'{\"__metadata__\":{},\"w\":{\"dtype\":\"F32\",\"shape\":[2],'
            //     b'\"data_offsets\":[0,8]}}'+bytes([0,0,0x80,0x3f,0,0,0,0xc0]):
            //   h=((h^b)*0x100000001b3)%2**64
            // print(hex(h))"
            #expect(
                header.trimmingCharacters(in: .whitespaces)
                    == #"{"__metadata__":{"residual.checksum":"fnv1a64:ada9a1a609ce1dc1"},"#
                    + #""w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#)
            // 1.0 = 0x3F800000 and −2.0 = 0xC0000000, little-endian.
            #expect(Array(bytes[(8 + headerLength)...]) == [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
        }
    }

    @Test func aFlippedBitIsReportedAsCorruption() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/w.safetensors"
            try Safetensors.write(
                [("w", Tensor([1, -2, 3])), ("b", Tensor([0.5]))], metadata: ["k": "v"], to: path)
            // Written and read back: the checksum is checked and left out of the metadata.
            #expect(try Safetensors.read(path).metadata == ["k": "v"])
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[bytes.count - 5] ^= 0x10
            try bytes.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(path) }
            guard case .checksumMismatch(_, _, true)? = error?.problem else {
                Issue.record("expected a checksum mismatch, got \(String(describing: error))")
                return
            }
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("corrupt") == true)
        }
    }

    /// Every byte of the header is covered too: a flipped bit in a metadata value (where a
    /// checkpoint keeps its training state), a tensor's name, its shape or offsets, or the
    /// checksum's own key is corruption, not a different file.
    @Test(arguments: [
        (#""0.9""#, #""0.8""#), (#""w":{"#, #""v":{"#), ("[3]", "[1]"), ("[0,12]", "[0,16]"),
        ("residual.checksum", "residual.checksuM"), ("residual.checksum", "rfsidual.checksum"),
    ])
    func aFlippedBitInTheHeaderIsReportedAsCorruption(original: String, flipped: String) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/w.safetensors"
            try Safetensors.write(
                [("w", Tensor([1, -2, 3])), ("b", Tensor([0.5]))], metadata: ["momentum": "0.9"],
                to: path)
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let target = Array(original.utf8)
            guard
                let at = (0...(bytes.count - target.count)).first(where: {
                    Array(bytes[$0..<($0 + target.count)]) == target
                })
            else {
                Issue.record("'\(original)' is not in the file")
                return
            }
            #expect(flipped.utf8.count == original.utf8.count)
            bytes.replaceSubrange(at..<(at + flipped.utf8.count), with: Array(flipped.utf8))
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(path) }
            switch error?.problem {
            case .checksumMismatch(_, _, let wholeFile)?: #expect(wholeFile)
            case .missingChecksum?: #expect(original == "residual.checksum")
            default: Issue.record("expected corruption, got \(String(describing: error))")
            }
            #expect(error?.description.contains("corrupt") == true)
        }
    }

    /// Files written before the checksum covered the header carry one of their data only,
    /// under the old key: still verified.
    @Test func theOldDataChecksumIsStillVerified() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/old.safetensors"
            let header =
                #"{"__metadata__":{"residual.data_checksum":"fnv1a64:0979e9ee2da22858"},"#
                + #""w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
            try writeRaw(header, data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0], to: path)
            #expect(try Safetensors.read(path).tensors[0].tensor.data == [1, -2])
            try writeRaw(header, data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC1], to: path)
            let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(path) }
            guard case .checksumMismatch(_, _, false)? = error?.problem else {
                Issue.record("expected a data checksum mismatch, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func writeIsAtomicAndReplacesAnOldFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/w.safetensors"
            try Safetensors.write([("a", Tensor([1, 2, 3]))], to: path)
            try Safetensors.write([("b", Tensor(7))], to: path)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory) == ["w.safetensors"])
            #expect(try Safetensors.read(path).tensors.map(\.name) == ["b"])
        }
    }

    @Test func writeErrorsNameTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/w.safetensors"
            let duplicate = #expect(throws: SafetensorsError.self) {
                try Safetensors.write([("a", Tensor(1)), ("a", Tensor(2))], to: path)
            }
            #expect(duplicate == SafetensorsError(path: path, problem: .duplicateName("a")))
            let reserved = #expect(throws: SafetensorsError.self) {
                try Safetensors.write([("__metadata__", Tensor(1))], to: path)
            }
            #expect(reserved?.problem == .reservedName("__metadata__"))
            let nowhere = directory + "/no/such/dir/w.safetensors"
            let failed = #expect(throws: SafetensorsError.self) {
                try Safetensors.write([("a", Tensor(1))], to: nowhere)
            }
            #expect(failed?.path == nowhere)
            if case .writeFailed = failed?.problem {
            } else {
                Issue.record("got \(String(describing: failed))")
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func readsOtherDTypesAsFloat() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/dtypes.safetensors"
            let f64 = littleEndianBytes([(1.5 as Double).bitPattern, (-3.25 as Double).bitPattern])
            // F16: 1, −2, 0.5, the smallest subnormal 2⁻²⁴, +∞.
            let f16 = littleEndianBytes([0x3C00, 0xC000, 0x3800, 0x0001, 0x7C00] as [UInt16])
            let bf16 = littleEndianBytes([0x3F80, 0xC040] as [UInt16])  // 1, −3
            let i64 = littleEndianBytes([7, -2] as [Int64])
            let u8: [UInt8] = [0, 255]
            var offset = 0
            func entry(_ name: String, _ dtype: String, _ shape: [Int], _ bytes: [UInt8])
                -> String
            {
                defer { offset += bytes.count }
                return "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),"
                    + "\"data_offsets\":[\(offset),\(offset + bytes.count)]}"
            }
            let header =
                "{"
                + [
                    entry("f64", "F64", [2], f64), entry("f16", "F16", [5], f16),
                    entry("bf16", "BF16", [2], bf16), entry("i64", "I64", [2], i64),
                    entry("u8", "U8", [2], u8),
                ].joined(separator: ",") + "}"
            try writeRaw(header, data: f64 + f16 + bf16 + i64 + u8, to: path)
            let tensors = try Safetensors.read(path).tensors
            #expect(tensors.map(\.name) == ["f64", "f16", "bf16", "i64", "u8"])
            #expect(tensors[0].tensor.data == [1.5, -3.25])
            #expect(tensors[1].tensor.data == [1, -2, 0.5, 0x1p-24, .infinity])
            #expect(tensors[2].tensor.data == [1, -3])
            #expect(tensors[3].tensor.data == [7, -2])
            #expect(tensors[4].tensor.data == [0, 255])
        }
    }

    @Test func headerMayBePaddedAndMetadataIsOptional() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/padded.safetensors"
            try writeRaw(
                #"{"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}      "#,
                data: littleEndianBytes([Float(2.5).bitPattern]), to: path)
            let (tensors, metadata) = try Safetensors.read(path)
            #expect(tensors.map(\.tensor.shape) == [[]])
            #expect(tensors[0].tensor.scalar == 2.5)
            #expect(metadata.isEmpty)
        }
    }

    // MARK: - Corrupt files

    @Test func missingFile() throws {
        try withTemporaryDirectory { directory in
            expectReadFails(directory + "/absent.safetensors", with: .missingFile)
        }
    }

    @Test func truncatedHeader() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/short.safetensors"
            try Data([1, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path))
            expectReadFails(path, with: .truncatedHeader(fileSize: 5))
        }
    }

    @Test func headerLengthLargerThanFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/long.safetensors"
            var bytes = littleEndianBytes([UInt64(1_000_000)])
            bytes += Array("{}".utf8)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            expectReadFails(
                path, with: .headerLengthTooLarge(headerLength: 1_000_000, fileSize: 10))
        }
    }

    @Test(arguments: [
        (#"{"x": {"dtype": "F32""#, "the header is not valid UTF-8 JSON"),
        (#"[1, 2]"#, "expected Dictionary<String, Any>"),
        (#"{"x":{"shape":[1],"data_offsets":[0,4]}}"#, "missing field 'dtype' at 'x'"),
        (#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, "data_offsets must be"),
        (#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, "negative dimension"),
        (#"{"__metadata__":{"n":1}}"#, "__metadata__"),
    ])
    func invalidHeader(header: String, expectedDetail: String) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/bad.safetensors"
            try writeRaw(header, data: [0, 0, 0, 0], to: path)
            let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(path) }
            guard case .invalidHeader(let detail) = error?.problem else {
                Issue.record("expected invalidHeader, got \(String(describing: error))")
                return
            }
            #expect(detail.contains(expectedDetail), "\(detail)")
            #expect(error?.description.contains("'\(path)': invalid JSON header") == true)
        }
    }

    @Test func unknownDType() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/dtype.safetensors"
            try writeRaw(
                #"{"x":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}"#,
                data: [0, 0, 0, 0], to: path)
            expectReadFails(path, with: .unknownDType(tensor: "x", dtype: "F8_E4M3"))
        }
    }

    @Test(arguments: [(0, 12), (8, 4), (-4, 4)])
    func offsetsOutOfRange(begin: Int, end: Int) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/range.safetensors"
            try writeRaw(
                #"{"x":{"dtype":"U8","shape":[\#(abs(end - begin))],"data_offsets":[\#(begin),\#(end)]}}"#,
                data: [UInt8](repeating: 0, count: 8), to: path)
            expectReadFails(
                path, with: .offsetsOutOfRange(tensor: "x", begin: begin, end: end, dataSize: 8))
        }
    }

    @Test func overlappingTensors() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/overlap.safetensors"
            try writeRaw(
                #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                    + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                data: [UInt8](repeating: 0, count: 12), to: path)
            expectReadFails(path, with: .overlappingTensors("a", "b"))
        }
    }

    /// The reference implementation refuses these three; so does this reader, naming which.
    @Test func duplicateKeys() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/twice.safetensors"
            try writeRaw(
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                    + #""\u0061":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                data: [0, 0, 0, 0], to: path)
            expectReadFails(path, with: .duplicateKey("a", object: ""))
            try writeRaw(
                #"{"a":{"dtype":"F32","shape":[1],"shape":[2],"data_offsets":[0,4]}}"#,
                data: [0, 0, 0, 0], to: path)
            expectReadFails(path, with: .duplicateKey("shape", object: "a"))
            try writeRaw(
                #"{"__metadata__":{"k":"1","k":"2"}}"#, to: path)
            expectReadFails(path, with: .duplicateKey("k", object: "__metadata__"))
        }
    }

    @Test func gapsBetweenTensors() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/gap.safetensors"
            try writeRaw(
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                    + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                data: [UInt8](repeating: 0, count: 12), to: path)
            expectReadFails(path, with: .gapBetweenTensors(after: "a", before: "b", from: 4, to: 8))
            try writeRaw(
                #"{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                data: [UInt8](repeating: 0, count: 8), to: path)
            expectReadFails(path, with: .gapBetweenTensors(after: nil, before: "b", from: 0, to: 4))
        }
    }

    @Test func trailingBytes() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/tail.safetensors"
            try writeRaw(
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                data: [UInt8](repeating: 0, count: 7), to: path)
            expectReadFails(path, with: .trailingBytes(after: "a", count: 3))
            try writeRaw(#"{}"#, data: [1], to: path)
            expectReadFails(path, with: .trailingBytes(after: nil, count: 1))
        }
    }

    /// An offset beyond Int is a number too large, not "invalid JSON".
    @Test func offsetsBeyondInt() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/huge.safetensors"
            try writeRaw(
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551620]}}"#,
                data: [0, 0, 0, 0], to: path)
            let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(path) }
            guard case .invalidHeader(let detail)? = error?.problem else {
                Issue.record("expected invalidHeader, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("18446744073709551620"), "\(detail)")
            #expect(detail.contains("a.data_offsets"), "\(detail)")
            #expect(detail.contains("too large"), "\(detail)")
        }
    }

    @Test func shapeAndOffsetsDisagree() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/size.safetensors"
            try writeRaw(
                #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
                data: [UInt8](repeating: 0, count: 8), to: path)
            expectReadFails(
                path,
                with: .sizeMismatch(
                    tensor: "x", dtype: "F32", shape: [3], expectedBytes: 12, gotBytes: 8))
        }
    }

    @Test func moduleSaveAndLoadWeights() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/model.safetensors"
            let source = smallSequential(seed: 1)
            _ = source(randomTensor([2, 2, 4, 4], seed: 2))  // move the running statistics
            try source.saveWeights(to: path, metadata: ["epoch": "1"])
            let target = smallSequential(seed: 2)
            try target.loadWeights(from: path)
            #expect(target.stateDict().map(\.tensor.data) == source.stateDict().map(\.tensor.data))
            #expect(try Safetensors.read(path).metadata == ["epoch": "1"])

            let wrong = Sequential([BatchNorm2d(4)])
            #expect(throws: StateDictError.self) { try wrong.loadWeights(from: path) }
            // The message names the file and lists every mismatch at once.
            do {
                try wrong.loadWeights(from: path)
            } catch {
                let text = "\(error)"
                #expect(text.contains("the weights in '\(path)' do not fit"), "\(text)")
                #expect(text.contains("missing keys:") && text.contains("unexpected keys:"))
            }
            // Non-strict: what fits is loaded and the rest is reported, not thrown.
            let partial = Sequential([smallSequential(seed: 3).children[0].module])
            let (missing, unexpected) = try partial.loadWeights(from: path, strict: false)
            #expect(missing.isEmpty && unexpected.contains("1.running_mean"))
            #expect(
                partial.stateDict().map(\.tensor.data)
                    == source.stateDict().prefix(2).map(\.tensor.data))
            #expect(throws: SafetensorsError.self) {
                try target.loadWeights(from: directory + "/absent.safetensors")
            }
        }
    }
}
