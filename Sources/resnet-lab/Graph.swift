import ArgumentParser
import ModelViews

/// `resnet-lab graph`: a picture of any model, at block or layer level.
struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a model's graph with its skip connections, as SVG or PNG.",
        discussion: "Example: resnet-lab graph --model resnet18 --level block --out resnet18.svg")

    enum Level: String, ExpressibleByArgument, CaseIterable {
        case block, layer
    }

    @OptionGroup var options: ModelOptions

    @Option(help: "block: one node per residual block; layer: every layer.")
    var level: Level = .block

    @Option(help: "The file to write; .svg or .png decides the format.")
    var out: String

    func validate() throws {
        let lower = out.lowercased()
        if !lower.hasSuffix(".svg") && !lower.hasSuffix(".png") {
            throw ValidationError("--out must end in .svg or .png, got '\(out)'")
        }
    }

    func run() throws {
        let model = try options.build()
        try ModelGraph.write(
            for: model, inputShape: options.inputShape(for: model),
            level: level == .block ? .block : .layer, to: out)
        print("wrote \(out)")
    }
}
