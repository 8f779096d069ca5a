import Foundation

/// The whole contents of the file at `path`.
/// - Throws: `DatasetError` `.missingFile` when nothing is there (with `hint` appended to the
///   message), `.unreadable` for a directory or a file that cannot be opened.
func readFileBytes(_ path: String, missingHint: String? = nil) throws(DatasetError) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        var detail = "no such file"
        if let missingHint { detail += ". \(missingHint)" }
        throw DatasetError(.missingFile, path: path, detail)
    }
    guard !isDirectory.boolValue else {
        throw DatasetError(.unreadable, path: path, "is a directory, expected a file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw DatasetError(.unreadable, path: path, "cannot be read (check its permissions)")
    }
    return [UInt8](data)
}

/// Writes `bytes` to `path`, replacing what was there.
/// - Throws: `DatasetError` `.unreadable` when the file cannot be written.
func writeFileBytes(_ bytes: [UInt8], to path: String) throws(DatasetError) {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
        throw DatasetError(.unreadable, path: path, "cannot be written")
    }
}
