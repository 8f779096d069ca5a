import Foundation

/// What Linux's `/proc/cpuinfo` says about the first processor (empty elsewhere).
public struct CPUInfo: Sendable {
    /// The file's text.
    public let text: String

    /// This machine's.
    public static let current = CPUInfo(
        text: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")

    /// The value of the first line named `name` ("model name", "cpu family", "flags", ...):
    /// "model" does not match "model name", a name ends at a tab, a space or the colon.
    public func field(_ name: String) -> String? {
        for line in text.split(separator: "\n")
        where line.hasPrefix(name) && [" ", "\t", ":"].contains(line.dropFirst(name.count).first) {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The processor's marketing name ("AMD EPYC 9B45"), or "this CPU" where none is given.
    public var modelName: String { field("model name") ?? "this CPU" }
}
