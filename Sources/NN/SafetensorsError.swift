/// Why a safetensors file could not be read or written. `description` names the file and the
/// problem: `safetensors file '/tmp/w.safetensors': tensor '0.weight' has dtype "F8", which
/// is not supported`.
public struct SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Problem: Equatable, Sendable {
        /// There is no file at the path.
        case missingFile
        /// The file exists but could not be read (the reason from the system).
        case unreadable(String)
        /// The file is shorter than the 8-byte header length.
        case truncatedHeader(fileSize: Int)
        /// The header length N says the JSON runs past the end of the file.
        case headerLengthTooLarge(headerLength: UInt64, fileSize: Int)
        /// The header is not UTF-8 JSON of the expected form (the details).
        case invalidHeader(String)
        /// A tensor's dtype is not one this reader converts.
        case unknownDType(tensor: String, dtype: String)
        /// A tensor's `data_offsets` are reversed or run past the data section.
        case offsetsOutOfRange(tensor: String, begin: Int, end: Int, dataSize: Int)
        /// Two tensors' bytes overlap.
        case overlappingTensors(String, String)
        /// A tensor's shape and dtype need a different number of bytes than its offsets span.
        case sizeMismatch(
            tensor: String, dtype: String, shape: [Int], expectedBytes: Int, gotBytes: Int)
        /// The file does not match the checksum written with it: the file is corrupt.
        /// `wholeFile`: the checksum covers the header too (files written since 2026-12-04);
        /// otherwise the data section only.
        case checksumMismatch(stored: String, computed: String, wholeFile: Bool)
        /// The metadata says this program wrote the file (`sign`, one of its keys), but the
        /// checksum it always writes is missing: the file is corrupt.
        case missingChecksum(sign: String)
        /// The same key twice in one object of the header (`object`: its key path, "" at the
        /// top level).
        case duplicateKey(String, object: String)
        /// Bytes no tensor owns between two tensors (`after` nil: before the first one).
        case gapBetweenTensors(after: String?, before: String, from: Int, to: Int)
        /// Bytes after the last tensor's end (`after` nil: the file has no tensor bytes).
        case trailingBytes(after: String?, count: Int)
        /// Writing: two tensors share a name.
        case duplicateName(String)
        /// Writing: a tensor is named `__metadata__`, which the format reserves.
        case reservedName(String)
        /// Writing failed (the reason from the system).
        case writeFailed(String)
    }

    /// The file read or written.
    public let path: String
    /// What went wrong.
    public let problem: Problem

    /// An error for the file at `path`.
    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// The file and the problem in a sentence, with what to do where there is something to
    /// do (a corrupt file: use an earlier copy, or train again).
    public var description: String {
        "safetensors file '\(path)': \(explanation)"
    }

    private var explanation: String {
        switch problem {
        case .missingFile:
            return "no such file"
        case .unreadable(let reason):
            return "cannot be read: \(reason)"
        case .truncatedHeader(let fileSize):
            return "truncated header: the file has \(fileSize) bytes, fewer than the 8 bytes of "
                + "the header length"
        case .headerLengthTooLarge(let headerLength, let fileSize):
            return "header length \(headerLength) is larger than the file allows (the file has "
                + "\(fileSize) bytes, so at most \(max(0, fileSize - 8)) bytes of header)"
        case .invalidHeader(let details):
            return "invalid JSON header: \(details)"
        case .unknownDType(let tensor, let dtype):
            return "tensor '\(tensor)' has dtype \"\(dtype)\", which is not supported (expected "
                + "one of \(Safetensors.DType.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .offsetsOutOfRange(let tensor, let begin, let end, let dataSize):
            return "tensor '\(tensor)' has data_offsets [\(begin), \(end)] out of range for a "
                + "data section of \(dataSize) bytes"
        case .overlappingTensors(let first, let second):
            return "the bytes of tensors '\(first)' and '\(second)' overlap"
        case .sizeMismatch(let tensor, let dtype, let shape, let expectedBytes, let gotBytes):
            return "tensor '\(tensor)' of dtype \(dtype) and shape \(shape) needs "
                + "\(expectedBytes) bytes but its data_offsets span \(gotBytes)"
        case .checksumMismatch(let stored, let computed, let wholeFile):
            return
                "the file is corrupt: its \(wholeFile ? "header and tensor data" : "tensor data") "
                + "do not match the checksum written with them (\(stored) stored, \(computed) now); "
                + "use an earlier copy, or train again"
        case .missingChecksum(let sign):
            return "the file is corrupt: its metadata ('\(sign)') says this program wrote it, but "
                + "the checksum it always writes ('\(Safetensors.checksumKey)') is missing; use an "
                + "earlier copy, or train again"
        case .duplicateKey(let key, let object):
            return "the header names '\(key)' twice"
                + (object.isEmpty ? "" : " in '\(object)'") + " (the format allows each key once)"
        case .gapBetweenTensors(let after, let before, let from, let to):
            return "bytes \(from)..<\(to) of the data section belong to no tensor ("
                + (after.map { "between '\($0)' and '\(before)'" } ?? "before '\(before)'")
                + "); the format has no gaps"
        case .trailingBytes(let after, let count):
            return "\(count) bytes after "
                + (after.map { "the last tensor, '\($0)'," } ?? "the header")
                + " belong to no tensor; the format has nothing after the last tensor"
        case .duplicateName(let name):
            return "two tensors are named '\(name)'"
        case .reservedName(let name):
            return "a tensor cannot be named '\(name)', which the format reserves for metadata"
        case .writeFailed(let reason):
            return "cannot be written: \(reason)"
        }
    }
}
