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

/// The lessons that train networks (07-10): a minute or more each in `--quick` mode in a debug
/// build on two cores, so they run among the long tests; the others take seconds.
private let trainingLessons: Set<String> = [
    "lesson-07-training", "lesson-08-degradation-ablation", "lesson-09-fine-tuning",
    "lesson-10-grayscale-inputs",
]

/// Runs lesson `name` in `--quick` mode, as a student would, and fails if the lesson fails
/// one of its own checks (it exits non-zero) or writes no transcript.
private func expectLessonRunsQuick(_ name: String) throws {
    let executable = productsDirectory.appendingPathComponent(name)
    try #require(
        FileManager.default.isExecutableFile(atPath: executable.path),
        "lesson executable not built at \(executable.path)")
    let markdown = FileManager.default.temporaryDirectory
        .appendingPathComponent("lesson-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: markdown) }

    let run = try runProcess(executable, ["--quick", "--no-color", "--markdown", markdown.path])
    let text = run.output

    #expect(run.status == 0, "\(name) --quick exited with \(run.status):\n\(text.suffix(4000))")
    #expect(text.contains("checks passed"), "\(name) printed no summary:\n\(text.suffix(2000))")
    let page = markdown.appendingPathComponent("\(name).md")
    #expect(FileManager.default.fileExists(atPath: page.path), "\(name) wrote no transcript")
}

/// Every lesson that does not train a network, run in `--quick` mode (seconds each), and the
/// lessons' command-line refusals.
@Suite("Lessons run and pass their own checks", .serialized)
struct LessonTests {
    @Test("there is at least one lesson, and every one is run by a test here or a long one")
    func lessonsExist() {
        #expect(!lessonNames.isEmpty, "no lessons found under \(packageRoot.path)/Lessons")
        #expect(trainingLessons.isSubset(of: lessonNames), "\(trainingLessons)")
    }

    @Test(arguments: lessonNames.filter { !trainingLessons.contains($0) })
    func lessonRunsQuick(_ name: String) throws {
        try expectLessonRunsQuick(name)
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

    @Test("a --quick run stops before it runs rather than replace a full run's transcript")
    func quickRunKeepsTheFullTranscript() throws {
        let name = "lesson-01-scalar-autograd"
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("full-transcript-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let executable = productsDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let page = directory.appendingPathComponent("\(name).md")
        let full = try Data(contentsOf: packageRoot.appendingPathComponent("Docs/\(name).md"))
        try full.write(to: page)
        let run = try runProcess(executable, ["--quick", "--markdown", directory.path])
        #expect(run.status == 2, "\(run.output)")
        #expect(run.output.contains(page.path) && run.output.contains("--quick"), "\(run.output)")
        #expect(!run.output.contains("checks passed"), "the lesson ran: \(run.output)")
        #expect(try Data(contentsOf: page) == full)
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

/// What takes a whole training lesson, or a lesson run several times: long tests
/// (`RESIDUAL_LONG_TESTS=1`, CI's own step).
@Suite("Lessons that train, run whole", .serialized, .long)
struct LessonLongTests {
    @Test(arguments: lessonNames.filter { trainingLessons.contains($0) })
    func lessonRunsQuick(_ name: String) throws {
        try expectLessonRunsQuick(name)
    }

    /// Through its fourth cell: the weights loaded, the stem ported, the new head, and the
    /// five strategies fine-tuning the ImageNet net: 6.7 minutes on two cores (an AMD EPYC Zen
    /// 1), where the whole `--quick` run took 22.6. The fifth cell (ten more runs by stage) is
    /// run by `lessonRunsQuick` with the lesson's own net only: copying torchvision-named
    /// stages into a fresh ResNet-18 is tested here no more (the names are the same as the
    /// lesson's own net's: `conv1`, `bn1`, `layer1` ... `layer4`).
    @Test("lesson 09 fine-tunes from ImageNet weights given with --weights")
    func fineTuningFromImageNetWeights() throws {
        let file = try imagenetShapedWeights()
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try runProcess(
            productsDirectory.appendingPathComponent("lesson-09-fine-tuning"),
            ["--quick", "--no-color", "--weights", file.path, "--through", "4"])
        let text = run.output
        #expect(text.contains("resnet18 loaded from \(file.path)"), "\(text.suffix(3000))")
        #expect(text.contains("Linear(512 → 5)"), "\(text.suffix(3000))")
        #expect(text.contains("C, gradual unfreezing"), "\(text.suffix(3000))")
        #expect(
            text.contains("Stopped after cell 4 (--through 4): 2 later cells not run."),
            "\(text.suffix(3000))")
        // Weights drawn at random hold nothing to transfer, so the claim that starting from
        // them beats training from scratch may be false; every other check must pass.
        let failed = text.split(separator: "\n").filter { $0.contains("✘") }
        #expect(
            failed.allSatisfy { $0.contains("beats scratch") }, "\(failed.joined(separator: "\n"))")
        #expect(run.status == 0 || !failed.isEmpty, "\(text.suffix(3000))")
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
