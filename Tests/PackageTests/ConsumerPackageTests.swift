import Foundation
import TestSupport
import Testing

/// A student's own package that depends on Residual by version, as the README shows: it must
/// resolve, build and run. (With swift-tools-version 6.1 SwiftPM refused such a dependency,
/// because the numeric targets use unsafe flags; 6.2 allows it.)
///
/// The test clones this repository's committed HEAD (a fresh clone in CI) into a temporary
/// folder, tags it 0.1.0, writes the consumer package the README describes, builds it with
/// `swift build` and runs it: a debug build of the whole library, about six minutes on two
/// cores, so a long test (`RESIDUAL_LONG_TESTS=1`).
@Suite("Using Residual from another package", .long)
struct ConsumerPackageLongTests {
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

        let clone = try runCommand("git", ["clone", "-q", root.path, library.path], in: work)
        try #require(clone.status == 0, "git clone: \(clone.output)")
        let tag = try runCommand("git", ["tag", "0.1.0"], in: library)
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

        let build = try runCommand("swift", ["build"], in: consumer)
        try #require(build.status == 0, "swift build: \(build.output.suffix(3000))")
        let output = try runProcess(consumer.appendingPathComponent(".build/debug/Consumer"), [])
        #expect(output.status == 0 && output.output.contains("ResNet-20: 269722 parameters"))
    }
}
