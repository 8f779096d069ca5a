import Foundation
import Residual
import TestSupport
import Testing

/// The repository root, found from this file's location (Tests/LessonTests/LessonTests.swift).
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every lesson executable: `Lessons/01-scalar-autograd` builds `lesson-01-scalar-autograd`.
private let lessonNames: [String] = {
    let folders =
        (try? FileManager.default.contentsOfDirectory(
            atPath: packageRoot.appendingPathComponent("Lessons").path)) ?? []
    return folders.filter { $0.first?.isNumber == true }.sorted().map { "lesson-\($0)" }
}()

/// Runs every lesson in `--quick` mode, as a student would, and fails if the lesson fails
/// one of its own checks (it exits non-zero) or writes no transcript.
@Suite("Lessons run and pass their own checks", .serialized)
struct LessonTests {
    @Test("there is at least one lesson")
    func lessonsExist() {
        #expect(!lessonNames.isEmpty, "no lessons found under \(packageRoot.path)/Lessons")
    }

    @Test(arguments: lessonNames)
    func lessonRunsQuick(_ name: String) throws {
        let executable = productsDirectory.appendingPathComponent(name)
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "lesson executable not built at \(executable.path)")
        let markdown = FileManager.default.temporaryDirectory
            .appendingPathComponent("lesson-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: markdown) }

        let run = try runProcess(
            executable, ["--quick", "--no-color", "--markdown", markdown.path])
        let text = run.output

        #expect(
            run.status == 0,
            "\(name) --quick exited with \(run.status):\n\(text.suffix(4000))")
        #expect(text.contains("checks passed"), "\(name) printed no summary:\n\(text.suffix(2000))")
        let page = markdown.appendingPathComponent("\(name).md")
        #expect(FileManager.default.fileExists(atPath: page.path), "\(name) wrote no transcript")
    }

    @Test("a transcript directory that cannot be written stops the lesson before it runs")
    func unwritableMarkdownDirectory() throws {
        let executable = productsDirectory.appendingPathComponent("lesson-01-scalar-autograd")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "not-a-directory-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try runProcess(
            executable, ["--quick", "--markdown", file.appendingPathComponent("Docs").path])
        let text = run.output
        #expect(run.status == 2, "\(text)")
        #expect(text.contains(file.lastPathComponent), "\(text)")
        #expect(!text.contains("checks passed"), "the lesson ran before the check: \(text)")
    }

    /// A ResNet-18 with ImageNet's shapes (3 channels, 1000 classes), saved under PyTorch's
    /// names as the export script saves torchvision's.
    private func imagenetShapedWeights() throws -> URL {
        var generator = SeededGenerator(seed: 1)
        let model = try ResNet.named("resnet18", generator: &generator)
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("resnet18-\(UUID().uuidString).safetensors")
        try model.saveWeights(to: file.path)
        return file
    }

    @Test("lesson 09 fine-tunes from ImageNet weights given with --weights")
    func fineTuningFromImageNetWeights() throws {
        let file = try imagenetShapedWeights()
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try runProcess(
            productsDirectory.appendingPathComponent("lesson-09-fine-tuning"),
            ["--quick", "--no-color", "--weights", file.path])
        let text = run.output
        #expect(text.contains("resnet18 loaded from \(file.path)"), "\(text.suffix(3000))")
        #expect(text.contains("Linear(512 → 5)"), "\(text.suffix(3000))")
        #expect(text.contains("C, gradual unfreezing"), "\(text.suffix(3000))")
        // Weights drawn at random hold nothing to transfer, so the claim that starting from
        // them beats training from scratch may be false; every other check must pass.
        let failed = text.split(separator: "\n").filter { $0.contains("✘") }
        #expect(
            failed.allSatisfy { $0.contains("beats scratch") }, "\(failed.joined(separator: "\n"))")
        #expect(run.status == 0 || !failed.isEmpty, "\(text.suffix(3000))")
    }

    @Test("lesson 09 refuses weights of another architecture, naming the file and the mismatches")
    func fineTuningFromMismatchedWeights() throws {
        let file = try imagenetShapedWeights()
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try runProcess(
            productsDirectory.appendingPathComponent("lesson-09-fine-tuning"),
            ["--quick", "--no-color", "--weights", file.path, "--model", "resnet34"])
        let text = run.output
        #expect(run.status != 0, "\(text.suffix(3000))")
        #expect(text.contains(file.path), "\(text.suffix(3000))")
        #expect(text.contains("layer1.2.conv1.weight"), "\(text.suffix(3000))")
        #expect(!text.contains("C, gradual unfreezing"), "\(text.suffix(3000))")
    }

    /// Graphviz 2.43 reads stack memory it never wrote while laying out some graphs, so
    /// lesson 06's ResNet-18 used to come out in another width on nearly every run (whatever
    /// the lesson had computed before was on the stack). It now lays out on a thread of its
    /// own, whose stack is fresh.
    @Test("lesson 06 draws the same ResNet-18 on every run")
    func reproducibleDrawing() throws {
        var drawings: [Data] = []
        for _ in 0..<3 {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("lesson-06-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let run = try runProcess(
                productsDirectory.appendingPathComponent("lesson-06-resnet-family"),
                ["--quick", "--no-color", "--out", directory.path])
            #expect(run.status == 0, "\(run.output.suffix(2000))")
            drawings.append(try Data(contentsOf: directory.appendingPathComponent("resnet18.svg")))
        }
        #expect(Set(drawings).count == 1, "\(Set(drawings).count) different drawings in 3 runs")
    }
}
