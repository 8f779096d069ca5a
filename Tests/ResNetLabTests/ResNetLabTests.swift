import Ablation
import Foundation
import NN
import TensorCore
import TestSupport
import Testing

/// Runs the built `resnet-lab` with `arguments`; returns its exit status and output.
private func runLab(
    _ arguments: [String], environment: [String: String] = [:], input: String? = nil
) throws -> (status: Int32, output: String) {
    let executable = productsDirectory.appendingPathComponent("resnet-lab")
    try #require(
        FileManager.default.isExecutableFile(atPath: executable.path),
        "resnet-lab not built at \(executable.path)")
    let result = try runProcess(executable, arguments, environment: environment, input: input)
    return (result.status, result.output)
}

/// A `resnet-lab` process running in the background, its output going to a log file.
private struct RunningLab {
    let process: Process
    let log: URL

    func output() -> String {
        (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }

    /// Waits up to a minute for the process to exit; kills it and records an issue if not.
    func waitForExit() {
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Issue.record("still running a minute after Ctrl-C: \(output().suffix(2000))")
        }
        process.waitUntilExit()
    }

    /// Waits (up to five minutes: a 2-core machine running the other suites at the same
    /// time can be slow) until the output contains `text`.
    func waitFor(_ text: String) throws {
        let deadline = Date().addingTimeInterval(300)
        while !output().contains(text) {
            if !process.isRunning || Date() > deadline {
                if process.isRunning { process.terminate() }
                Issue.record("never printed \"\(text)\": \(output().suffix(2000))")
                throw CancellationError()
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}

/// Starts the built `resnet-lab` with `arguments`, writing its output to `log`.
private func startLab(_ arguments: [String], log: URL) throws -> RunningLab {
    let executable = productsDirectory.appendingPathComponent("resnet-lab")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return RunningLab(process: process, log: log)
}

@Suite("resnet-lab command line", .serialized)
struct ResNetLabTests {
    @Test(
        "summary ends with the exact parameter count",
        arguments: [
            (["--model", "ablation-res-18"], "Total params: 195,450"),
            (["--model", "ablation-plain-56"], "Total params: 852,730"),
            (["--model", "cifar-resnet20"], "Total params: 269,722"),
            (
                ["--model", "resnet18", "--depth", "1", "--input", "64x64"],
                "Total params: 11,689,512"
            ),
            (
                ["--model", "resnet50", "--classes", "10", "--depth", "1", "--input", "64x64"],
                "Total params: 23,528,522"
            ),
        ])
    func summaryTotals(arguments: [String], expected: String) throws {
        let (status, output) = try runLab(["summary"] + arguments)
        #expect(status == 0, "\(output)")
        #expect(output.contains(expected), "\(output.suffix(1500))")
    }

    @Test("an unknown model name fails and lists the valid names")
    func unknownModel() throws {
        let (status, output) = try runLab(["summary", "--model", "resnet19"])
        #expect(status != 0)
        #expect(
            output.contains("resnet19") && output.contains("resnet18")
                && output.contains("ablation-res-56"))
    }

    @Test("graph writes SVG and PNG, and rejects other extensions")
    func graph() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("g.svg").path
        let png = directory.appendingPathComponent("g.png").path
        #expect(try runLab(["graph", "--model", "ablation-res-18", "--out", svg]).status == 0)
        #expect(
            try runLab(["graph", "--model", "cifar-resnet20", "--level", "layer", "--out", png])
                .status == 0)
        let svgText = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(svgText.contains("<svg") && svgText.contains("BasicBlock"))
        let pngBytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(pngBytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let bad = try runLab([
            "graph", "--model", "resnet18", "--out", directory.appendingPathComponent("g.jpg").path,
        ])
        #expect(bad.status != 0 && bad.output.contains("g.jpg"))
    }
}

/// The six nets of the ablation, in the order it runs them.
private let ablationNets = ["plain-18", "res-18", "plain-34", "res-34", "plain-56", "res-56"]

/// Runs `bench SUITE --json` (on `batch` images, or the default) and checks that its `SUITE`
/// entries are `nets`, in order, each with a positive `images_per_second`; returns the report.
private func benchReport(suite: String, nets: [String], batch: Int? = nil) throws -> [String: Any] {
    let size = batch.map { ["--batch-size", "\($0)"] } ?? []
    let run = try runLab(["bench", suite, "--repeats", "1", "--threads", "2", "--json"] + size)
    #expect(run.status == 0, "\(run.output)")
    let report = try #require(
        try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
    let rows = try #require(report[suite] as? [[String: Any]])
    #expect(rows.compactMap { $0["net"] as? String } == nets, "\(suite)")
    for row in rows {
        #expect((row["images_per_second"] as? Double ?? 0) > 0, "\(suite): \(row)")
    }
    return report
}

/// `bench` at the recipe's batches: a long test (`RESIDUAL_LONG_TESTS=1`).
@Suite("resnet-lab bench at full size", .long)
struct ResNetLabBenchLongTests {
    @Test("bench train at batch 128 estimates the ablation's minutes; eval runs at batch 256")
    func fullSize() throws {
        let train = try benchReport(suite: "train", nets: ablationNets)
        #expect(train["train_batch"] as? Int == 128)
        #expect(train["ablation_iterations"] as? Int == AblationConfig().iterations)
        #expect((train["ablation_minutes"] as? Double ?? 0) > 0, "\(train)")
        let eval = try benchReport(suite: "eval", nets: ablationNets + ["cifar-resnet20"])
        #expect(eval["eval_batch"] as? Int == 256)
    }
}

@Suite("resnet-lab bench")
struct ResNetLabBenchTests {
    /// The machine-readable report: `gemm` entries with m, n, k, gflops; `train` entries with
    /// net and images_per_second for the six ablation nets, `eval` entries likewise with
    /// cifar-resnet20 too; threads, machine, instruction set and batch sizes. On batches of 8
    /// (the recipe's 128 and 256 are a long test, `ResNetLabBenchLongTests`).
    @Test(
        "bench --json reports gemm, train and eval figures and the instruction set in the documented form"
    )
    func benchJSON() throws {
        let gemm = try runLab([
            "bench", "gemm", "--no-naive", "--repeats", "1", "--threads", "2", "--json",
        ])
        #expect(gemm.status == 0, "\(gemm.output)")
        let gemmReport = try #require(
            try JSONSerialization.jsonObject(with: Data(gemm.output.utf8)) as? [String: Any])
        #expect(gemmReport["threads"] as? Int == 2)
        #expect((gemmReport["machine"] as? String)?.isEmpty == false)
        let rows = try #require(gemmReport["gemm"] as? [[String: Any]])
        #expect(rows.count == 7)
        for row in rows {
            #expect(row["m"] is Int && row["n"] is Int && row["k"] is Int, "\(row)")
            #expect((row["gflops"] as? Double ?? 0) > 0, "\(row)")
        }

        let trainReport = try benchReport(suite: "train", nets: ablationNets, batch: 8)
        #expect(trainReport["train_batch"] as? Int == 8)
        #expect(
            trainReport["ablation_minutes"] == nil,
            "batch 8 says nothing about the ablation's minutes: \(trainReport)")
        #expect(
            ["AVX-512", "AVX2", "portable"].contains(
                trainReport["instruction_set"] as? String ?? ""))
        let evalReport = try benchReport(
            suite: "eval", nets: ablationNets + ["cifar-resnet20"], batch: 8)
        #expect(evalReport["eval_batch"] as? Int == 8)
        // Page faults per image of one more forward, with and without the graph: counts.
        for row in try #require(evalReport["eval"] as? [[String: Any]]) {
            for key in [
                "training_forward_page_faults_per_image", "eval_forward_page_faults_per_image",
            ] {
                let value = try #require(row[key] as? Double, "\(key) missing: \(row)")
                #expect(value >= 0 && (value * 8).rounded() == value * 8, "\(key): \(value)")
            }
        }
    }

    /// The protocol of Docs/bench/paired_side_by_side.py: `ready` once the net is built,
    /// then one JSON line of N step times for each input line N (blank lines skipped), and
    /// the end of the input ends it. On batches of 4.
    @Test(
        "bench --paired answers each line of standard input with that many steps' seconds",
        arguments: [("train", "res-18"), ("eval", "cifar-resnet20")])
    func paired(suite: String, net: String) throws {
        let run = try runLab(
            ["bench", suite, "--net", net, "--paired", "--batch-size", "4", "--threads", "2"],
            input: "3\n\n1\n")
        #expect(run.status == 0, "\(run.output)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "ready", "\(run.output)")
        let slices = try lines.dropFirst().map { line in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "not a JSON object: \(line)")
            return try #require(object["seconds"] as? [Double], "\(line)")
        }
        #expect(slices.map(\.count) == [3, 1], "\(run.output)")
        #expect(slices.joined().allSatisfy { $0 > 0 }, "\(run.output)")
    }

    @Test(
        "bench --paired refuses what it cannot time, naming the flag or the line",
        arguments: [
            (["bench", "gemm", "--paired"], "", "--paired times one net in train or eval"),
            (["bench", "train", "--paired"], "", "--paired needs --net"),
            (
                ["bench", "train", "--paired", "--net", "cifar-resnet20"], "",
                "--net must be one of"
            ),
            (["bench", "train", "--paired", "--net", "res-18", "--json"], "", "leave out --json"),
            (
                ["bench", "eval", "--paired", "--net", "res-18", "--batch-size", "2"], "2\nx\n",
                "each input line must be a number of steps (1 or more), got 'x'"
            ),
        ])
    func pairedRefusals(arguments: [String], input: String, message: String) throws {
        let run = try runLab(arguments, input: input)
        #expect(run.status != 0)
        #expect(run.output.contains(message), "\(run.output)")
        if !input.isEmpty {  // the lines before the bad one were answered
            #expect(run.output.contains("{\"seconds\":["), "\(run.output)")
        }
    }

    @Test("bench refuses a batch size below 1, naming the flag")
    func badBatchSize() throws {
        let run = try runLab(["bench", "train", "--batch-size", "0"])
        #expect(run.status != 0)
        #expect(run.output.contains("--batch-size must be at least 1, got 0"), "\(run.output)")
    }

    @Test("bench refuses a thread count below 1, naming the flag")
    func badThreads() throws {
        let run = try runLab(["bench", "train", "--threads", "0"])
        #expect(run.status != 0)
        #expect(run.output.contains("--threads"), "\(run.output)")
    }
}

@Suite("resnet-lab train", .serialized)
struct ResNetLabTrainTests {
    @Test(
        "a tiny run writes its checkpoint and metrics, and resumes",
        .enabled(
            if: FileManager.default.fileExists(
                atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
                || ProcessInfo.processInfo.environment["RESIDUAL_DATA_DIR"] != nil,
            "needs Fashion-MNIST (apt-get install dataset-fashion-mnist)"))
    func tinyRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runLab([
            "train", "--model", "ablation-res-8", "--train-limit", "256", "--test-limit", "128",
            "--epochs", "1", "--batch-size", "64", "--threads", "1", "--output", directory.path,
        ])
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        for file in ["checkpoint.safetensors", "metrics.csv", "metrics.json", "steps.csv"] {
            #expect(
                FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path),
                "\(file) missing")
        }
        let resumed = try runLab([
            "train", "--resume", directory.appendingPathComponent("checkpoint.safetensors").path,
        ])
        #expect(resumed.status == 0, "\(resumed.output.suffix(2000))")

        // Every run setting given with --resume is named as ignored: the list of such flags
        // in Train.swift is held to the flags `train --help` declares (a new flag must join it).
        let settings: [String: [String]] = [
            "--model": ["ablation-res-8"], "--dataset": ["mnist"], "--data-dir": ["/tmp"],
            "--epochs": ["2"], "--batch-size": ["32"], "--optimizer": ["adam"], "--lr": ["0.5"],
            "--momentum": ["0.5"], "--nesterov": [], "--weight-decay": ["0"],
            "--schedule": ["cosine"], "--warmup-epochs": ["1"], "--augment": [], "--seed": ["9"],
            "--output": ["/tmp/elsewhere"], "--train-limit": ["10"], "--test-limit": ["10"],
            "--checkpoint-every": ["5"], "--overwrite": [], "--last-batch-of-one": ["error"],
            "--init-weights": ["w.safetensors"], "--freeze": ["conv1"],
        ]
        let help = try runLab(["train", "--help"]).output
        let declared = Set(help.matches(of: /--[a-z0-9-]+/).map { String($0.output) })
        #expect(
            declared.subtracting(["--resume", "--max-steps", "--threads", "--help"])
                == Set(settings.keys), "train's flags changed: update the list in Train.swift")
        let checkpoint = directory.appendingPathComponent("checkpoint.safetensors").path
        let overridden = try runLab(
            ["train", "--resume", checkpoint]
                + settings.sorted { $0.key < $1.key }.flatMap {
                    [$0.key] + $0.value
                })
        #expect(overridden.status == 0, "\(overridden.output.suffix(2000))")
        let note = overridden.output.split(separator: "\n").first { $0.hasPrefix("note: --resume") }
        for flag in settings.keys {
            #expect(note?.contains(flag) == true, "\(flag) not named in: \(note ?? "no note")")
        }
        let curve = directory.appendingPathComponent("curve.png").path
        let lossCurve = directory.appendingPathComponent("loss.svg").path
        let report = try runLab([
            "report", "--run", directory.path, "--curve", curve, "--loss-curve", lossCurve,
        ])
        #expect(report.status == 0, "\(report.output)")
        #expect(report.output.contains("| 1 | "), "\(report.output)")
        #expect(FileManager.default.fileExists(atPath: curve))
        let svg = (try? String(contentsOfFile: lossCurve, encoding: .utf8)) ?? ""
        #expect(svg.contains("<svg"), "no SVG loss curve at \(lossCurve)")
        // A curve under a path whose folder is a file: said so, not "the file doesn't exist".
        let underFile = try runLab(["report", "--run", directory.path, "--curve", curve + "/x.png"])
        #expect(underFile.status == 1, "\(underFile.output)")
        #expect(underFile.output.contains("is a file, not a folder"), "\(underFile.output)")
    }

    @Test(
        "Ctrl-C writes a checkpoint at the current step, and --resume continues from it",
        .enabled(
            if: FileManager.default.fileExists(
                atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
                || ProcessInfo.processInfo.environment["RESIDUAL_DATA_DIR"] != nil,
            "needs Fashion-MNIST (apt-get install dataset-fashion-mnist)"))
    func interruptAndResume() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "interrupt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // 8 steps an epoch, far more epochs than the test waits for.
        let run = try startLab(
            [
                "train", "--model", "ablation-res-8", "--train-limit", "256", "--test-limit",
                "64", "--epochs", "200", "--batch-size", "32", "--threads", "1", "--output",
                directory.path,
            ], log: directory.appendingPathComponent("first.log"))
        // After the first epoch line a checkpoint exists; interrupt during the next epoch.
        try run.waitFor("epoch 1/200:")
        Thread.sleep(forTimeInterval: 0.3)
        run.process.interrupt()
        run.waitForExit()
        let output = run.output()
        #expect(run.process.terminationStatus == 130, "\(output.suffix(2000))")
        #expect(output.contains("interrupted: finishing this step"), "\(output.suffix(2000))")
        let stopped = try #require(
            output.firstMatch(of: /stopped at step (\d+) of 1600/).map { Int($0.1)! },
            "\(output.suffix(2000))")
        #expect(stopped > 8, "stopped at step \(stopped), which is not after the first epoch")
        // The resumed run starts from exactly that step.
        let resumed = try startLab(
            ["train", "--resume", directory.appendingPathComponent("checkpoint.safetensors").path],
            log: directory.appendingPathComponent("second.log"))
        try resumed.waitFor("resuming")
        resumed.process.interrupt()
        resumed.waitForExit()
        #expect(
            resumed.output().contains("at step \(stopped) of 1600"),
            "\(resumed.output().suffix(2000))")
    }

    /// Starts a long training run of the smallest net in a fresh directory and waits until
    /// its first epoch (and so a checkpoint) is done.
    private func startLongRun(_ label: String) throws -> (RunningLab, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let run = try startLab(
            [
                "train", "--model", "ablation-res-8", "--train-limit", "256", "--test-limit",
                "64", "--epochs", "200", "--batch-size", "32", "--threads", "1", "--output",
                directory.path,
            ], log: directory.appendingPathComponent("run.log"))
        try run.waitFor("epoch 1/200:")
        Thread.sleep(forTimeInterval: 0.3)
        return (run, directory)
    }

    @Test(
        "SIGTERM (timeout, kill, docker stop) writes a checkpoint at the current step, like Ctrl-C",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func terminateWritesCheckpoint() throws {
        let (run, directory) = try startLongRun("sigterm")
        defer { try? FileManager.default.removeItem(at: directory) }
        run.process.terminate()
        run.waitForExit()
        let output = run.output()
        #expect(run.process.terminationStatus == 143, "\(output.suffix(2000))")
        #expect(
            output.contains("terminated (SIGTERM): finishing this step"), "\(output.suffix(2000))")
        let stopped = try #require(
            output.firstMatch(of: /stopped at step (\d+) of 1600/).map { Int($0.1)! },
            "\(output.suffix(2000))")
        #expect(stopped > 8, "stopped at step \(stopped), not after the first epoch")
        #expect(
            FileManager.default.fileExists(
                atPath: directory.appendingPathComponent("checkpoint.safetensors").path))
    }

    @Test(
        "two Ctrl-Cs that arrive together count as one: the stop checkpoint is still written",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func doubleInterruptStillCheckpoints() throws {
        let (run, directory) = try startLongRun("double-sigint")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A millisecond apart: two separate signals, both during one training step.
        kill(run.process.processIdentifier, SIGINT)
        usleep(1000)
        kill(run.process.processIdentifier, SIGINT)
        run.waitForExit()
        let output = run.output()
        #expect(run.process.terminationStatus == 130, "\(output.suffix(2000))")
        #expect(!output.contains("quitting now"), "\(output.suffix(2000))")
        #expect(output.contains("stopped at step"), "\(output.suffix(2000))")
    }

    @Test(
        "a run whose test loss stops being finite fails, keeping the last all-finite checkpoint",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func divergedTestLossFails() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "diverged-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The issue's command: training losses stay finite, the test loss becomes NaN.
        let run = try runLab([
            "train", "--train-limit", "256", "--test-limit", "256", "--epochs", "2", "--threads",
            "1", "--lr", "100", "--checkpoint-every", "1", "--output", directory.path,
        ])
        #expect(run.status != 0, "\(run.output)")
        #expect(!run.output.contains("finished:"), "\(run.output)")
        #expect(run.output.contains("the test loss is"), "\(run.output)")
        // The advice divides the configured rate, not the cosine schedule's rate of the moment.
        #expect(run.output.contains("(--lr 10)"), "\(run.output)")
        let checkpoint = directory.appendingPathComponent("checkpoint.safetensors").path
        #expect(run.output.contains("left untouched: \(checkpoint) (step 1)"), "\(run.output)")
        // That checkpoint holds finite numbers only.
        let data = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let headerLength = data.prefix(8).enumerated().reduce(0) {
            $0 | Int($1.element) << (8 * $1.offset)
        }
        let header = String(decoding: data[8..<(8 + headerLength)], as: UTF8.self)
        #expect(!header.lowercased().contains("nan"), "the checkpoint's metadata holds a NaN")
        let weights = data[(8 + headerLength)...]
        let floats = weights.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let finite = floats.allSatisfy { $0.isFinite }
        #expect(finite, "the checkpoint holds non-finite weights")
    }

    @Test(
        "a new run refuses an --output holding a run, unless --overwrite, which leaves no old file",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func refusesToOverwrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "overwrite-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        func train(_ epochs: Int, _ extra: [String] = []) throws -> (status: Int32, output: String)
        {
            try runLab(
                [
                    "train", "--model", "ablation-res-8", "--train-limit", "128", "--test-limit",
                    "64", "--epochs", "\(epochs)", "--batch-size", "64", "--threads", "1",
                    "--output", directory.path,
                ] + extra)
        }
        let first = try train(2)
        #expect(first.status == 0, "\(first.output)")
        let checkpoint = directory.appendingPathComponent("checkpoint.safetensors").path
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpoint))

        let refused = try train(1)
        #expect(refused.status != 0, "\(refused.output)")
        #expect(refused.output.contains("already holds a run"), "\(refused.output)")
        #expect(refused.output.contains("--resume \(checkpoint)"), "\(refused.output)")
        #expect(refused.output.contains("--overwrite"), "\(refused.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before)

        // A new run that cannot start deletes nothing: each of these is refused before the
        // old run's files are touched.
        for extra in [
            ["--freeze", "nosuchmodule"], ["--freeze", "conv1,bn1,layer1,layer2,layer3,fc"],
            ["--freeze", "relu"], ["--freeze", ""], ["--freeze", "conv1,,bn1"],
            ["--data-dir", "/nonexistent/place"],
            ["--init-weights", directory.appendingPathComponent("absent.safetensors").path],
        ] {
            let failed = try train(1, ["--overwrite"] + extra)
            #expect(failed.status == 1 || failed.status == 64, "\(extra): \(failed.output)")
            #expect(!failed.output.contains("removed"), "\(extra): \(failed.output)")
            #expect(!failed.output.contains("Fatal error"), "\(extra): \(failed.output)")
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before,
                "\(extra) changed the old run")
            if extra.first == "--freeze" && extra[1].isEmpty == false {
                #expect(failed.output.contains("--freeze"), "\(extra): \(failed.output)")
            }
        }
        let everything = try train(
            1, ["--overwrite", "--freeze", "conv1,bn1,layer1,layer2,layer3,fc"])
        #expect(everything.output.contains("nothing is left to train"), "\(everything.output)")
        let relu = try train(1, ["--overwrite", "--freeze", "relu"])
        #expect(relu.output.contains("has no parameters"), "\(relu.output)")

        // Starting from the old run's own weights works: they are read before it is removed.
        let replaced = try train(1, ["--overwrite", "--init-weights", checkpoint])
        #expect(replaced.status == 0, "\(replaced.output)")
        #expect(replaced.output.contains("removed the old run's"), "\(replaced.output)")
        #expect(replaced.output.contains("1 epoch × 2 steps"), "\(replaced.output)")
        let metrics = try String(
            contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(metrics.split(separator: "\n").count == 2, "old epochs left behind: \(metrics)")
    }

    @Test(
        "predict on a training checkpoint: its model is checked, its normalisation applied",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func predictOnACheckpoint() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "predict-checkpoint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let trained = try runLab([
            "train", "--model", "ablation-res-8", "--train-limit", "128", "--test-limit", "64",
            "--epochs", "1", "--batch-size", "64", "--threads", "1", "--output", directory.path,
        ])
        try #require(trained.status == 0, "\(trained.output)")
        let checkpoint = directory.appendingPathComponent("checkpoint.safetensors").path
        // Pixels in [0, 1], and the same images normalised by hand with the recorded numbers.
        let state = try #require(
            try Safetensors.read(checkpoint).metadata["residual.training"].flatMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            })
        let mean = try #require((state["mean"] as? [NSNumber])?.first?.floatValue)
        let std = try #require((state["std"] as? [NSNumber])?.first?.floatValue)
        let pixels = (0..<(2 * 28 * 28)).map { Float($0 % 256) / 255 }
        let raw = directory.appendingPathComponent("x.safetensors").path
        let normalised = directory.appendingPathComponent("xn.safetensors").path
        try Safetensors.write(
            [(name: "input", tensor: Tensor(shape: [2, 1, 28, 28], data: pixels))], to: raw)
        try Safetensors.write(
            [
                (
                    name: "input",
                    tensor: Tensor(shape: [2, 1, 28, 28], data: pixels.map { ($0 - mean) / std })
                )
            ], to: normalised)
        func predict(_ model: String, _ input: String, _ out: String, _ extra: [String] = [])
            throws -> (status: Int32, output: String)
        {
            try runLab(
                [
                    "predict", "--model", model, "--in-channels", "1", "--weights", checkpoint,
                    "--input", input, "--out", directory.appendingPathComponent(out).path,
                ] + extra)
        }
        let twin = try predict("ablation-plain-8", raw, "twin.safetensors")
        #expect(twin.status == 1, "\(twin.output)")
        #expect(twin.output.contains("holds the weights of ablation-res-8"), "\(twin.output)")
        let applied = try predict("ablation-res-8", raw, "a.safetensors")
        #expect(applied.status == 0, "\(applied.output)")
        #expect(applied.output.contains("normalised the input"), "\(applied.output)")
        let given = try predict("ablation-res-8", normalised, "b.safetensors", ["--normalized"])
        #expect(given.status == 0, "\(given.output)")
        let a = try Safetensors.read(directory.appendingPathComponent("a.safetensors").path)
        let b = try Safetensors.read(directory.appendingPathComponent("b.safetensors").path)
        let difference = zip(a.tensors[0].tensor.data, b.tensors[0].tensor.data).map {
            abs($0 - $1)
        }.max()
        #expect(try #require(difference) < 1e-5)
        // And without the normalisation the logits are other numbers.
        let unnormalised = try predict("ablation-res-8", raw, "c.safetensors", ["--normalized"])
        #expect(unnormalised.status == 0)
        let c = try Safetensors.read(directory.appendingPathComponent("c.safetensors").path)
        #expect(c.tensors[0].tensor.data != a.tensors[0].tensor.data)
    }

    @Test(
        "a checkpoint write killed half-way leaves a temporary file the next run removes",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func staleCheckpointTemporaryIsRemoved() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stale-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stale = directory.appendingPathComponent(".checkpoint.safetensors.ABCD.tmp").path
        FileManager.default.createFile(atPath: stale, contents: Data(count: 4096))
        let run = try runLab([
            "train", "--model", "ablation-res-8", "--train-limit", "64", "--test-limit", "64",
            "--epochs", "1", "--batch-size", "64", "--threads", "1", "--output", directory.path,
        ])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("removed .checkpoint.safetensors.ABCD.tmp"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: stale))
    }

    @Test(
        "a checkpoint that cannot be written (a full disk) leaves no temporary file behind",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func failedCheckpointWriteCleansUp() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "full-disk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let executable = productsDirectory.appendingPathComponent("resnet-lab").path
        // Files may grow to 100 blocks of 512 bytes: the metrics fit, the 300 kB checkpoint
        // does not, as on a full disk (SIGXFSZ ignored, so the write fails with EFBIG).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "trap '' XFSZ; ulimit -f 100; exec \"$0\" train --model ablation-res-8 "
                + "--train-limit 128 --test-limit 64 --epochs 1 --batch-size 64 --threads 1 "
                + "--output \"$1\"",
            executable, directory.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(
            decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0, "\(output)")
        #expect(output.contains("checkpoint.safetensors"), "\(output)")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!left.contains { $0.hasSuffix(".tmp") }, "temporary files left: \(left)")
    }

    @Test(
        "ResNet-18 on a set that leaves a last batch of one trains (the image is left out), or is refused on request",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func lastBatchOfOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "last-batch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = [
            "train", "--model", "resnet18", "--batch-size", "4", "--train-limit", "5",
            "--test-limit", "8", "--epochs", "1", "--threads", "2",
        ]
        let refused = try runLab(
            arguments + ["--last-batch-of-one", "error", "--output", directory.path])
        #expect(refused.status != 0, "\(refused.output)")
        #expect(refused.output.contains("--batch-size 4"), "\(refused.output)")
        #expect(!refused.output.contains("Fatal error"), "\(refused.output)")
        let run = try runLab(arguments + ["--output", directory.path])
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(run.output.contains("left out of every epoch"), "\(run.output)")
        #expect(run.output.contains("finished:"), "\(run.output)")
    }

    @Test("bad values name their flag")
    func badFlags() throws {
        let run = try runLab(["train", "--epochs", "0", "--output", "/tmp/never"])
        #expect(run.status != 0)
        // The flag, not the field behind it (before: "epochs (--epochs) must ...").
        #expect(run.output.contains("Error: --epochs must be at least 1, got 0"), "\(run.output)")
        // A negative number is a value, not an option: before, "Missing value for '--lr <lr>'".
        let negative = try runLab(["train", "--lr", "-1", "--output", "/tmp/never"])
        #expect(negative.status != 0)
        #expect(
            negative.output.contains("Error: --lr must be a finite number > 0, got -1.0"),
            "\(negative.output)")
        let ablate = try runLab(["ablate", "--iterations", "0", "--out", "/tmp/never"])
        #expect(ablate.status != 0)
        #expect(
            ablate.output.contains("Error: --iterations must be ≥ 1, got 0"), "\(ablate.output)")
        // Negative values are values, and are refused as such, naming the flag.
        for (arguments, text) in [
            (["ablate", "--seeds", "-1", "--out", "/tmp/never"], "--seeds takes"),
            (["ablate", "--depths", "-8", "--out", "/tmp/never"], "--depths"),
            (["summary", "--model", "resnet18", "--input", "-5x5"], "--input must look like"),
        ] {
            let run = try runLab(arguments)
            #expect(run.status != 0)
            #expect(!run.output.contains("Missing value"), "\(arguments): \(run.output)")
            #expect(run.output.contains(text), "\(arguments): \(run.output)")
        }
        // An empty --out (an unset $OUT in a script) would write into the current directory.
        let empty = try runLab(["ablate", "--quick", "--out", ""])
        #expect(empty.status == 64, "\(empty.output)")
        #expect(empty.output.contains("--out must name a directory"), "\(empty.output)")
        let missing = try runLab([
            "train", "--data-dir", "/nonexistent/place", "--output", "/tmp/never",
        ])
        #expect(missing.status != 0)
        #expect(missing.output.contains("/nonexistent/place"), "\(missing.output)")
    }
}

/// Whether Fashion-MNIST is where the commands look for it.
private let hasFashionMNIST =
    FileManager.default.fileExists(
        atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
    || ProcessInfo.processInfo.environment["RESIDUAL_DATA_DIR"] != nil

@Suite("resnet-lab ablate", .serialized)
struct AblateCommandTests {
    /// A tiny ablation: depth 8 only, 6 steps of 32 images per net, `--quick`'s analysis sizes.
    private func tiny(_ directory: String, extra: [String] = []) -> [String] {
        [
            "ablate", "--quick", "--depths", "8", "--iterations", "6", "--decay-iterations", "2",
            "--window", "3", "--evaluations", "2", "--batch-size", "32", "--train-limit", "256",
            "--test-limit", "100", "--threads", "1", "--landscape-points", "3",
            "--landscape-grid", "3", "--out", directory,
        ] + extra
    }

    @Test(
        "a tiny run writes the documented files; a rerun skips the finished nets",
        .enabled(if: hasFashionMNIST))
    func tinyRunAndRerun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ablate-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try runLab(tiny(directory))
        #expect(first.status == 0, "\(first.output.suffix(3000))")
        #expect(
            first.output.contains("estimated time on this machine"), "\(first.output)")
        #expect(first.output.contains("for 2 nets"), "\(first.output)")
        #expect(first.output.contains("| plain-8 | 8 |"), "\(first.output)")
        for file in [
            "summary.json", "summary.md", "curves.csv", "training-error.svg", "lesions.png",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(directory)/\(file)"), "no \(file)")
        }
        let second = try runLab(tiny(directory))
        #expect(second.status == 0, "\(second.output.suffix(3000))")
        #expect(second.output.contains("2 of 2 nets already finished"), "\(second.output)")
        #expect(!second.output.contains("estimated time"), "\(second.output)")
        // The trained twins' loss landscapes along one shared pair of directions.
        let landscape = try runLab(
            [
                "landscape", "--out", "\(directory)/landscape", "--pairs", "1", "--points", "3",
                "--grid", "3", "--images", "16", "--threads", "1",
            ]
                + ["plain-8", "res-8"].flatMap {
                    ["--net", "\(directory)/nets/\($0)-seed0.safetensors"]
                })
        #expect(landscape.status == 0, "\(landscape.output.suffix(3000))")
        #expect(landscape.output.contains("| res-8, 6 steps, seed 0 | 1 |"), "\(landscape.output)")
        for file in ["landscape.json", "landscape-slices.svg", "landscape-planes.png"] {
            #expect(
                FileManager.default.fileExists(atPath: "\(directory)/landscape/\(file)"),
                "no \(file)")
        }
        // Another depth: the analyses are redone for it, not reused from depth 8.
        let deeper = try runLab(tiny(directory, extra: ["--depths", "8,10", "--train-only"]))
        #expect(deeper.status == 0, "\(deeper.output.suffix(3000))")
        #expect(
            !deeper.output.contains("analyses"), "--train-only counts analyses: \(deeper.output)")
        // It still writes the summary of the nets it has, and names the analyses it left out
        // (those of depth 8 do not count for depths 8 and 10).
        #expect(deeper.output.contains("| 10 |"), "no depth-10 row: \(deeper.output)")
        #expect(
            deeper.output.contains("not made (--train-only): analysis/init-seed0.json"),
            "\(deeper.output)")
        let summary = try String(contentsOfFile: "\(directory)/summary.md", encoding: .utf8)
        #expect(summary.contains("| 10 |"), "summary.md not rewritten for depths 8 and 10")
        let analysed = try runLab(tiny(directory, extra: ["--depths", "8,10", "--no-landscape"]))
        #expect(analysed.status == 0, "\(analysed.output.suffix(3000))")
        #expect(analysed.output.contains("redoing the init diagnostics"), "\(analysed.output)")
        let lesions = try String(
            contentsOfFile: "\(directory)/analysis/trained-seed0.json", encoding: .utf8)
        #expect(lesions.contains("\"plain-10\""), "lesions still of depth 8")
        // Another recipe in the same directory is refused, naming what differs.
        let other = try runLab(tiny(directory, extra: ["--lr", "0.2"]))
        #expect(other.status != 0)
        #expect(other.output.contains("lr 0.2 vs 0.1"), "\(other.output)")
    }

    @Test(
        "Ctrl-C keeps the finished nets, and the same command continues",
        .enabled(if: hasFashionMNIST))
    func interruptKeepsFinishedNets() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ablate-interrupt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("run").path
        // 60 steps a net: the second has just started training when Ctrl-C arrives, right
        // after the first one's line (at 300, a loaded machine took over two minutes).
        var arguments = tiny(out)
        arguments[arguments.firstIndex(of: "--iterations")! + 1] = "60"
        let run = try startLab(arguments, log: directory.appendingPathComponent("first.log"))
        try run.waitFor("[1/2] plain-8 seed 0: train error")
        run.process.interrupt()
        run.waitForExit()
        let output = run.output()
        #expect(run.process.terminationStatus == 130, "\(output.suffix(2000))")
        #expect(output.contains("finished nets are kept"), "\(output.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: "\(out)/nets/plain-8-seed0.json"))
        #expect(!FileManager.default.fileExists(atPath: "\(out)/nets/res-8-seed0.json"))
        let again = try startLab(arguments, log: directory.appendingPathComponent("second.log"))
        try again.waitFor("1 of 2 nets already finished")
        again.process.interrupt()
        again.waitForExit()
    }

    @Test("bad values name their flag")
    func badFlags() throws {
        for (arguments, flag) in [
            (["--depths", "18,19"], "--depths"), (["--seeds", "0,x"], "--seeds"),
            (["--iterations", "0"], "--iterations"),
            (["--decay-iterations", "400"], "--decay-iterations"),
            (["--landscape-grid", "4"], "--landscape-grid"), (["--threads", "0"], "--threads"),
            (["--nets-at-once", "0"], "--nets-at-once must be at least 1"),
            (["--threads", "2", "--nets-at-once", "3"], "--nets-at-once 3 needs a thread per net"),
        ] {
            let run = try runLab(
                ["ablate", "--out", "/tmp/never-\(UUID().uuidString)"] + arguments)
            #expect(run.status != 0)
            #expect(run.output.contains(flag), "\(arguments): \(run.output)")
        }
        for (arguments, text) in [
            (["--net", "runs/x/plain-8-seed0.safetensors"], "'runs/x/plain-8-seed0.safetensors'"),
            (["--net", "r/nets/res-8-seed0.safetensors", "--points", "4"], "--points"),
            (["--net", "r/nets/res-8-seed0.safetensors", "--pairs", "0"], "--pairs"),
            ([], "--net"),
        ] {
            let run = try runLab(
                ["landscape", "--out", "/tmp/never-\(UUID().uuidString)"] + arguments)
            #expect(run.status == 64, "\(arguments): \(run.output)")
            #expect(run.output.contains(text), "\(arguments): \(run.output)")
        }
    }
}

@Suite("A bad RESIDUAL_THREADS")
struct ThreadEnvironmentTests {
    @Test(
        "is a usage error naming the variable where a command uses threads and --threads is not given",
        arguments: ["0", "abc", "-5"])
    func usageError(value: String) throws {
        let run = try runLab(
            ["bench", "gemm", "--no-naive", "--repeats", "1"],
            environment: ["RESIDUAL_THREADS": value])
        #expect(run.status == 64, "\(run.output)")
        #expect(run.output.contains("RESIDUAL_THREADS"), "\(run.output)")
        #expect(run.output.contains("\"\(value)\""), "\(run.output)")
        #expect(run.output.contains("--threads"), "\(run.output)")
        #expect(!run.output.contains("Fatal error"), "\(run.output)")
    }

    @Test("is ignored with a warning when --threads is given, or by commands without threads")
    func ignoredWithWarning() throws {
        let summary = try runLab(
            ["summary", "--model", "ablation-res-8"], environment: ["RESIDUAL_THREADS": "0"])
        #expect(summary.status == 0, "\(summary.output)")
        #expect(summary.output.contains("Total params"), "\(summary.output)")
        #expect(summary.output.contains("warning: RESIDUAL_THREADS"), "\(summary.output)")
        let bench = try runLab(
            ["bench", "gemm", "--no-naive", "--repeats", "1", "--threads", "1"],
            environment: ["RESIDUAL_THREADS": "abc"])
        #expect(bench.status == 0, "\(bench.output)")
        #expect(bench.output.contains("warning: RESIDUAL_THREADS"), "\(bench.output)")
        #expect(bench.output.contains("threads: 1"), "\(bench.output)")
    }
}

@Suite("bench's peak")
struct BenchPeakTests {
    /// The computed peak (cores × clock × lanes × 2): the figure the claim is about. The
    /// reported `peak_gflops` is the larger of it and a measured peak, and a measurement
    /// differs from run to run, so comparing that would test the machine's noise.
    @Test("counts only the cores that exist, whatever --threads says")
    func peakCountsCores() throws {
        func peak(_ threads: Int) throws -> Double {
            let run = try runLab([
                "bench", "gemm", "--no-naive", "--repeats", "1", "--threads", "\(threads)",
                "--json",
            ])
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any],
                "\(run.output)")
            return try #require(json["computed_peak_gflops"] as? Double)
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(try peak(cores * 32) == peak(cores))
        #expect(try peak(1) <= peak(cores))
    }
}

@Suite("Write failures in words")
struct WriteFailureTests {
    @Test(
        "an output under a file names the file, not an NSCocoaErrorDomain code",
        .enabled(if: hasFashionMNIST, "needs Fashion-MNIST"))
    func outputUnderAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "a-file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let out = file.appendingPathComponent("run").path
        for arguments in [
            [
                "train", "--train-limit", "128", "--test-limit", "64", "--epochs", "1", "--output",
                out,
            ],
            ["ablate", "--quick", "--out", out],
        ] {
            let run = try runLab(arguments)
            #expect(run.status != 0, "\(run.output)")
            #expect(run.output.contains("'\(file.path)' is a file, not a folder"), "\(run.output)")
            #expect(!run.output.contains("NSCocoaErrorDomain"), "\(run.output)")
        }
    }
}

@Suite("Sizes beyond reason")
struct SizeLimitTests {
    @Test("a depth beyond the limit is refused at once, not built until memory runs out")
    func tooDeep() throws {
        let run = try runLab(["summary", "--model", "ablation-res-2000000"])
        #expect(run.status != 0, "\(run.output)")
        #expect(run.output.contains("deeper than the 2000 layers"), "\(run.output)")
    }

    @Test("--classes, --in-channels and --input beyond a million are usage errors")
    func absurdSettings() throws {
        for (flag, value) in [
            ("--classes", "100000000"), ("--in-channels", "5000000"), ("--input", "2000000x3"),
        ] {
            let run = try runLab(["summary", "--model", "resnet18", flag, value])
            #expect(run.status == 64, "\(run.output)")
            #expect(run.output.contains("\(flag) must"), "\(run.output)")
            #expect(!run.output.contains("Fatal error"), "\(run.output)")
        }
    }

    @Test("a model and input that do not fit in memory are refused before anything is allocated")
    func doesNotFit() throws {
        // 6.7 TB: more than any machine this runs on. Before, the allocator aborted.
        let huge = try runLab(["summary", "--model", "resnet18", "--input", "100000x100000"])
        #expect(huge.status != 0, "\(huge.output)")
        #expect(huge.output.contains(" TB for its weights and one forward pass"), "\(huge.output)")
        #expect(huge.output.contains("choose a smaller --input"), "\(huge.output)")
        // A 1 GB limit, as on a small machine: ResNet-50 on 2000×2000 needs about 12 GB.
        let limited = try runLab(
            ["summary", "--model", "resnet50", "--input", "2000x2000"],
            environment: ["RESIDUAL_MEMORY_LIMIT": "1G"])
        #expect(limited.status != 0, "\(limited.output)")
        #expect(limited.output.contains("RESIDUAL_MEMORY_LIMIT leaves free"), "\(limited.output)")
        let fits = try runLab(
            ["summary", "--model", "ablation-res-8"], environment: ["RESIDUAL_MEMORY_LIMIT": "1G"])
        #expect(fits.status == 0, "\(fits.output)")
    }

    @Test(
        "a training batch that does not fit is refused before training, with the batch that does",
        .enabled(if: hasFashionMNIST))
    func batchDoesNotFit() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "never-trained-\(UUID().uuidString)")
        let run = try runLab(
            [
                "train", "--model", "resnet50", "--batch-size", "256", "--train-limit", "512",
                "--output", output.path,
            ],
            environment: ["RESIDUAL_MEMORY_LIMIT": "1G"])
        #expect(run.status != 0, "\(run.output)")
        #expect(run.output.contains("resnet50 on 28×28 images in batches of 256"), "\(run.output)")
        #expect(run.output.contains("lower --batch-size to"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("a RESIDUAL_MEMORY_LIMIT that is not a size is a usage error naming it")
    func badLimit() throws {
        let run = try runLab(
            ["summary", "--model", "ablation-res-8"], environment: ["RESIDUAL_MEMORY_LIMIT": "lots"]
        )
        #expect(run.status == 64, "\(run.output)")
        #expect(run.output.contains("RESIDUAL_MEMORY_LIMIT='lots' is not a size"), "\(run.output)")
    }
}

@Suite("Output into a file or a pipe")
struct OutputBufferingTests {
    @Test(
        "each line reaches the log when printed, so a kill or a crash loses none of it",
        .enabled(if: hasFashionMNIST))
    func linesArriveAtOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "buffering-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // ResNet-50's first step takes seconds in a debug build: the settings it prints
        // before that step must be in the log while the step runs. Before, they sat in a
        // 4 KB buffer until the first status line flushed it, and a kill lost them.
        let lab = try startLab(
            [
                "train", "--model", "resnet50", "--batch-size", "64", "--train-limit", "128",
                "--test-limit", "64", "--epochs", "1", "--threads", "1", "--output",
                directory.appendingPathComponent("run").path,
            ], log: directory.appendingPathComponent("log.txt"))
        defer {
            if lab.process.isRunning { kill(lab.process.processIdentifier, SIGKILL) }
            lab.process.waitUntilExit()
        }
        try lab.waitFor("resnet50 (")
        let seen = lab.output()
        #expect(!seen.contains("epoch 1/1 ·"), "the first step ended before the check: \(seen)")
        kill(lab.process.processIdentifier, SIGKILL)
        lab.process.waitUntilExit()
        #expect(lab.output().contains("SGD lr 0.1"), "\(lab.output())")
    }
}
