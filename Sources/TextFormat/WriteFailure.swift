import Foundation

/// Why `path` could not be written, in words: Foundation's errors on Linux often read "The
/// operation could not be completed. (NSCocoaErrorDomain error 512.)", which tells the user
/// nothing. The underlying system error is used when there is one; otherwise the path is
/// examined: a part of it that is a file rather than a folder, a folder without write
/// permission, a full disk.
public func describeWriteFailure(_ path: String, _ error: any Error) -> String {
    let nsError = error as NSError
    let posix =
        nsError.domain == NSPOSIXErrorDomain
        ? nsError : nsError.userInfo[NSUnderlyingErrorKey] as? NSError
    if let posix, posix.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(posix.code)))
    }
    // Walk up to the first part of the path that exists.
    let manager = FileManager.default
    var ancestor = (path as NSString).deletingLastPathComponent
    var isDirectory: ObjCBool = false
    while !ancestor.isEmpty && ancestor != "/"
        && !manager.fileExists(atPath: ancestor, isDirectory: &isDirectory)
    {
        ancestor = (ancestor as NSString).deletingLastPathComponent
    }
    if manager.fileExists(atPath: ancestor, isDirectory: &isDirectory) {
        if !isDirectory.boolValue {
            return "'\(ancestor)' is a file, not a folder"
        }
        if !manager.isWritableFile(atPath: ancestor) {
            return "no permission to write in '\(ancestor)'"
        }
    }
    if let attributes = try? manager.attributesOfFileSystem(
        forPath: ancestor.isEmpty ? "." : ancestor),
        let free = attributes[.systemFreeSize] as? NSNumber, free.int64Value < 1 << 20
    {
        return "the disk holding '\(ancestor)' is full"
    }
    return nsError.localizedDescription
}
