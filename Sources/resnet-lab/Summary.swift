import ArgumentParser
import Foundation
import ModelViews

/// `resnet-lab summary`: the layer table of any model, ending with its totals.
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Print a model's layer table: output shapes, parameters, mult-adds, residual adds.",
        discussion: "Example: resnet-lab summary --model resnet50 --classes 10")

    @OptionGroup var options: ModelOptions

    @Option(
        parsing: .unconditional,
        help: "How deep the layer tree is shown (0: the model only; 3: layers inside blocks).")
    var depth = 3

    @Option(
        parsing: .unconditional, help: "The batch of the training-memory estimate printed last.")
    var batchSize = 128

    func validate() throws {
        if depth < 0 { throw ValidationError("--depth must be at least 0, got \(depth)") }
        if batchSize < 1 {
            throw ValidationError("--batch-size must be at least 1, got \(batchSize)")
        }
    }

    func run() throws {
        let model = try options.build()
        let shape = options.inputShape(for: model)
        print(summary(of: model, inputShape: shape, depth: depth))
        // The estimate `train` checks against the machine's memory before it starts.
        let size = model.configuration.size(height: shape[2], width: shape[3])
        let bytes = size.modelBytes(optimizerBuffers: 1) + size.activationBytes(batch: batchSize)
        print(
            "Training step, batch \(batchSize), SGD with momentum (MB): "
                + String(format: "%.1f", bytes / 1e6) + " (estimate; train checks it)")
    }
}
