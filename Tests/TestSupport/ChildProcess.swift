import Foundation

/// What a child process printed and how it ended.
public struct ProcessResult: Sendable {
    public let status: Int32
    /// Standard output and standard error, interleaved as written.
    public let output: String
}

/// Runs `executable` with `arguments` (and `environment` added to this process's) in
/// `directory`, with `input` as its standard input if given, and waits for it.
public func runProcess(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
    in directory: URL? = nil, input: String? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    // Without `input`, an empty standard input: a child that reads it ends at once instead of
    // waiting on the test runner's.
    let standardInput = input.map { _ in Pipe() }
    process.standardInput = standardInput ?? FileHandle.nullDevice
    try process.run()
    if let input, let standardInput {
        // Small inputs only, written before the output is read: the whole of it must fit the
        // pipe's buffer (64 KiB on Linux) before the child reads any.
        standardInput.fileHandleForWriting.write(Data(input.utf8))
        try standardInput.fileHandleForWriting.close()
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

/// Runs a command found on the PATH (`git`, `swift`).
public func runCommand(_ command: String, _ arguments: [String], in directory: URL? = nil)
    throws -> ProcessResult
{
    try runProcess(
        URL(fileURLWithPath: "/usr/bin/env"), [command] + arguments, in: directory)
}

/// The folder SwiftPM builds products into: the one holding the running test bundle.
public var productsDirectory: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent()
}
