import ArgumentParser

/// `resnet-lab`: the course's command-line tool. Subcommands grow with the course
/// (summary, graph, train and ablate come with the ResNet family and training).
@main
struct ResNetLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resnet-lab",
        abstract: "Tools for the Residual course: model summaries and graphs, kernel benchmarks.",
        subcommands: [Summary.self, Graph.self, Train.self, Ablate.self, Report.self, Bench.self])
}
