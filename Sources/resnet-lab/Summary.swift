import ArgumentParser
import ModelViews

/// `resnet-lab summary`: the layer table of any model, ending with its totals.
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Print a model's layer table: output shapes, parameters, mult-adds, residual adds.",
        discussion: "Example: resnet-lab summary --model resnet50 --classes 10")

    @OptionGroup var options: ModelOptions

    @Option(help: "How deep the layer tree is shown (0: the model only; 3: layers inside blocks).")
    var depth = 3

    func validate() throws {
        if depth < 0 { throw ValidationError("--depth must be at least 0, got \(depth)") }
    }

    func run() throws {
        let model = try options.build()
        print(summary(of: model, inputShape: options.inputShape(for: model), depth: depth))
    }
}
