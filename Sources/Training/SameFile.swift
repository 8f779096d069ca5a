import Foundation

/// Whether `a` and `b` name the same existing file, however they are spelled: `./w.st` and
/// `w.st`, a symbolic link and its target, two hard links (same device, same inode). False
/// when either does not exist. Commands that write one file and read others use it to
/// refuse an output that would replace an input.
public func isSameFile(_ a: String, _ b: String) -> Bool {
    var first = stat()
    var second = stat()
    guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
}
