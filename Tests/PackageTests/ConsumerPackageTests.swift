import Foundation
import Testing

/// A student's own package that depends on Residual by version, as the README shows: it must
/// resolve, build and run. (With swift-tools-version 6.1 SwiftPM refused such a dependency,
/// because the numeric targets use unsafe flags; 6.2 allows it.)
///
/// The test clones this repository's committed HEAD (a fresh clone in CI) into a temporary
/// folder, tags it 0.1.0, writes the consumer package the README describes, builds it with
/// `swift build` and runs it. About a minute on two cores.
@Suite("Using Residual from another package")
struct ConsumerPackageTests {
    /// Runs `command` with `arguments` in `directory`; returns its status and output.
    func run(_ command: String, _ arguments: [String], in directory: URL) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("a package depending on a tagged clone by `from: \"0.1.0\"` builds and runs a ResNet")
    func consumerBuilds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "residual-consumer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let library = work.appendingPathComponent("Residual")
        let consumer = work.appendingPathComponent("Consumer")
        try FileManager.default.createDirectory(
            at: consumer.appendingPathComponent("Sources/Consumer"),
            withIntermediateDirectories: true)

        let clone = try run("git", ["clone", "-q", root.path, library.path], in: work)
        try #require(clone.status == 0, "git clone: \(clone.output)")
        let tag = try run("git", ["tag", "0.1.0"], in: library)
        try #require(tag.status == 0, "git tag: \(tag.output)")

        try """
        // swift-tools-version: 6.2
        import PackageDescription

        let package = Package(
            name: "Consumer",
            dependencies: [.package(url: "\(library.absoluteString)", from: "0.1.0")],
            targets: [
                .executableTarget(
                    name: "Consumer",
                    dependencies: [.product(name: "Residual", package: "Residual")])
            ])

        """.write(
            to: consumer.appendingPathComponent("Package.swift"), atomically: true,
            encoding: .utf8)
        try """
        import Residual

        var generator = SeededGenerator(seed: 0)
        let model = ResNet.cifar(depth: 20, generator: &generator)
        print("ResNet-20: \\(model.parameterCount) parameters")

        """.write(
            to: consumer.appendingPathComponent("Sources/Consumer/main.swift"), atomically: true,
            encoding: .utf8)

        let build = try run("swift", ["build"], in: consumer)
        try #require(build.status == 0, "swift build: \(build.output.suffix(3000))")
        let output = try run(".build/debug/Consumer", [], in: consumer)
        #expect(output.status == 0 && output.output.contains("ResNet-20: 269722 parameters"))
    }
}
