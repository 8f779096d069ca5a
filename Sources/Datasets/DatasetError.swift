import Foundation

/// Why a data set could not be read or used: the message names the file and the problem
/// (`"/data/train-images-idx3-ubyte.gz: truncated data: expected 47040000 bytes ..."`).
///
/// Reading files can fail for reasons outside the program (a missing download, a cut-short
/// copy), so the readers *throw* this error rather than stop; `kind` lets code and tests tell
/// the problems apart without parsing the message.
public struct DatasetError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The kinds of problem, one per check the readers make.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The file (or directory) does not exist.
        case missingFile
        /// The file exists but cannot be read (a directory, no permission).
        case unreadable
        /// The file is named `.gz` but does not start with the gzip magic bytes 0x1f 0x8b.
        case notGzip
        /// The gzip stream is damaged: a bad block, a checksum mismatch, or it ends early.
        case corruptGzip
        /// An IDX file does not start with two zero bytes.
        case badMagic
        /// An IDX file holds a data type other than unsigned bytes (0x08).
        case unsupportedDataType
        /// Fewer bytes than the header (or the record size) promises.
        case truncated
        /// More bytes than the header promises.
        case trailingData
        /// The dimensions do not fit the use (images must be `[N, H, W]`, labels `[N]`).
        case badShape
        /// An images file and its labels file disagree on the number of examples.
        case countMismatch
        /// A label is not a valid class index.
        case labelOutOfRange
        /// A CIFAR-10 file's size is not a whole number of 3073-byte records.
        case badRecordSize
        /// An argument is outside what the operation accepts (a split larger than the set).
        case invalidArgument
    }

    /// Which check failed.
    public let kind: Kind
    /// The file concerned, when there is one.
    public let path: String?
    /// The full explanation, starting with the path when there is one.
    public let message: String

    /// Creates an error; the message becomes `"<path>: <detail>"`.
    ///
    /// - Parameters:
    ///   - kind: which check failed.
    ///   - path: the file concerned, or nil.
    ///   - detail: what is wrong with it, in words.
    public init(_ kind: Kind, path: String?, _ detail: String) {
        self.kind = kind
        self.path = path
        self.message = path.map { "\($0): \(detail)" } ?? detail
    }

    /// The message: `"<path>: <detail>"`, or the detail alone when there is no path.
    public var description: String { message }
    /// The message, for `localizedDescription` (Foundation's `LocalizedError`).
    public var errorDescription: String? { message }
}
