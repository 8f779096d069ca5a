import Foundation
import NN
import TensorCore
import TestSupport
import Testing

/// `Fixtures/predict_parity.json`, written by `make_predict_parity.py`: torchvision's logits
/// for weights given by a formula (see the script), which `formulaWeights` reproduces.
private struct PredictParity: Decodable {
    struct Entry: Decodable {
        let name: String
        let shape: [Int]

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            name = try list.decode(String.self)
            shape = try list.decode([Int].self)
        }
    }
    struct Model: Decodable {
        let classes: Int
        let state_dict: [Entry]
        let logits: [Float]
        let logits_shape: [Int]
    }
    let input_shape: [Int]
    let models: [String: Model]

    static func load() throws -> Self {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/predict_parity.json")
        return try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
    }
}

/// The script's formula: tensor t of the state dict, element i, a = sin(0.37·i + 0.71·t).
private func formulaWeights(_ entries: [PredictParity.Entry]) -> [(name: String, tensor: Tensor)] {
    entries.enumerated().map { t, entry in
        let count = entry.shape.reduce(1, *)
        let fanIn = entry.shape.dropFirst().reduce(1, *)
        let values = (0..<count).map { i -> Float in
            let a = sin(0.37 * Double(i) + 0.71 * Double(t))
            if entry.name.hasSuffix("num_batches_tracked") { return 0 }
            if entry.name.hasSuffix("running_var") { return Float(1 + 0.25 * (1 + a)) }
            if entry.name.hasSuffix("running_mean") { return Float(0.1 * a) }
            if entry.shape.count == 1 {
                return Float(entry.name.hasSuffix("weight") ? 1 + 0.1 * a : 0.1 * a)
            }
            return Float(a / Double(fanIn).squareRoot())
        }
        return (entry.name, Tensor(shape: entry.shape, data: values))
    }
}

/// Runs the built `resnet-lab` with `arguments`.
private func lab(_ arguments: [String]) throws -> ProcessResult {
    let executable = productsDirectory.appendingPathComponent("resnet-lab")
    try #require(FileManager.default.isExecutableFile(atPath: executable.path))
    return try runProcess(executable, arguments)
}

@Suite("resnet-lab predict")
struct PredictCommandTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "predict-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The fixed input of the script: x[i] = sin(0.13·i).
    func writeInput(_ shape: [Int], to file: String, key: String = "input") throws {
        let values = (0..<shape.reduce(1, *)).map { Float(sin(0.13 * Double($0))) }
        try Safetensors.write([(name: key, tensor: Tensor(shape: shape, data: values))], to: file)
    }

    @Test(
        "torchvision's ResNet-18 and ResNet-50 logits, through weights and input files",
        arguments: ["resnet18", "resnet50"])
    func matchesTorchvision(_ name: String) throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let fixture = try PredictParity.load()
        let model = try #require(fixture.models[name])
        try Safetensors.write(formulaWeights(model.state_dict), to: path("w.safetensors"))
        try writeInput(fixture.input_shape, to: path("x.safetensors"))
        let run = try lab([
            "predict", "--model", name, "--classes", "\(model.classes)", "--weights",
            path("w.safetensors"), "--input", path("x.safetensors"), "--out",
            path("y.safetensors"), "--threads", "2",
        ])
        try #require(run.status == 0, "\(run.output)")
        #expect(run.output.contains("wrote logits \(model.logits_shape)"), "\(run.output)")
        let logits = try #require(
            try Safetensors.read(path("y.safetensors")).tensors.first { $0.name == "logits" })
        #expect(logits.tensor.shape == model.logits_shape)
        // Both sides in Float32, summing in their own orders through 18 or 50 layers: measured
        // at up to 5e-7 of the largest logit; 1e-5 leaves a factor of 20.
        let scale = model.logits.map(abs).max() ?? 1
        expectClose(
            logits.tensor.data, model.logits, absolute: 1e-5 * scale, relative: 1e-5, name)
    }

    @Test("weights that do not fit are refused with every mismatch listed, naming the file")
    func badWeights() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let fixture = try PredictParity.load()
        var weights = formulaWeights(try #require(fixture.models["resnet18"]).state_dict)
        weights.removeAll { $0.name == "layer1.0.conv1.weight" }  // missing
        weights.append((name: "layer9.weight", tensor: Tensor([1])))  // unexpected
        let fc = weights.firstIndex { $0.name == "fc.weight" }!
        weights[fc].tensor = Tensor(shape: [7, 512], data: [Float](repeating: 0, count: 7 * 512))
        try Safetensors.write(weights, to: path("w.safetensors"))
        try writeInput([1, 3, 32, 32], to: path("x.safetensors"))
        let run = try lab([
            "predict", "--model", "resnet18", "--classes", "5", "--weights", path("w.safetensors"),
            "--input", path("x.safetensors"), "--out", path("y.safetensors"),
        ])
        #expect(run.status != 0)
        for text in [
            path("w.safetensors"), "missing keys: layer1.0.conv1.weight",
            "unexpected keys: layer9.weight", "shape mismatch for fc.weight",
        ] {
            #expect(run.output.contains(text), "\(text): \(run.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: path("y.safetensors")))
    }

    @Test("an input without the \"input\" key, or of the wrong shape, is refused clearly")
    func badInput() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try Safetensors.write(
            formulaWeights(try #require(PredictParity.load().models["resnet18"]).state_dict),
            to: path("w.safetensors"))
        try writeInput([1, 3, 32, 32], to: path("x.safetensors"), key: "images")
        let noKey = try lab([
            "predict", "--model", "resnet18", "--classes", "5", "--weights", path("w.safetensors"),
            "--input", path("x.safetensors"), "--out", path("y.safetensors"),
        ])
        #expect(noKey.status != 0)
        #expect(noKey.output.contains("has no tensor named \"input\"; it holds \"images\""))
        try writeInput([1, 1, 32, 32], to: path("x.safetensors"))
        let gray = try lab([
            "predict", "--model", "resnet18", "--classes", "5", "--weights", path("w.safetensors"),
            "--input", path("x.safetensors"), "--out", path("y.safetensors"),
        ])
        #expect(gray.status != 0)
        #expect(gray.output.contains("resnet18 takes [N, 3, H, W]"), "\(gray.output)")
    }

    @Test("--out may not be the --weights or --input file, however it is spelled")
    func outputIsNotAnInput() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try Safetensors.write(
            formulaWeights(try #require(PredictParity.load().models["resnet18"]).state_dict),
            to: path("w.safetensors"))
        try writeInput([1, 3, 32, 32], to: path("x.safetensors"))
        try FileManager.default.createSymbolicLink(
            atPath: path("link.safetensors"), withDestinationPath: path("x.safetensors"))
        let weights = try Data(contentsOf: URL(fileURLWithPath: path("w.safetensors")))
        let input = try Data(contentsOf: URL(fileURLWithPath: path("x.safetensors")))
        for (out, flag) in [
            (folder.path + "/./w.safetensors", "--weights"),
            (folder.path + "/../" + folder.lastPathComponent + "/x.safetensors", "--input"),
            (path("link.safetensors"), "--input"),
        ] {
            let run = try lab([
                "predict", "--model", "resnet18", "--classes", "5", "--weights",
                path("w.safetensors"), "--input", path("x.safetensors"), "--out", out,
            ])
            #expect(run.status != 0, "\(out): \(run.output)")
            #expect(run.output.contains("is the \(flag) file"), "\(out): \(run.output)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("w.safetensors"))) == weights)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("x.safetensors"))) == input)
    }

    @Test("a bare state dict: predict says it cannot tell the model nor the normalisation")
    func bareStateDictIsNamedSo() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try Safetensors.write(
            formulaWeights(try #require(PredictParity.load().models["resnet18"]).state_dict),
            to: path("w.safetensors"))
        try writeInput([1, 3, 32, 32], to: path("x.safetensors"))
        let run = try lab([
            "predict", "--model", "resnet18", "--classes", "5", "--weights", path("w.safetensors"),
            "--input", path("x.safetensors"), "--out", path("y.safetensors"),
        ])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("does not record its model"), "\(run.output)")
        #expect(run.output.contains("records no normalisation"), "\(run.output)")
    }

    @Test("a runtime failure is an error, not a usage error: status 1, no usage line")
    func runtimeFailureIsNoUsageError() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeInput([1, 3, 32, 32], to: path("x.safetensors"))
        let run = try lab([
            "predict", "--model", "resnet18", "--weights", path("absent.safetensors"),
            "--input", path("x.safetensors"), "--out", path("y.safetensors"),
        ])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("absent.safetensors"), "\(run.output)")
        #expect(!run.output.contains("Usage:"), "\(run.output)")
    }
}
