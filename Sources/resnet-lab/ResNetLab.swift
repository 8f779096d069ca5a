import ArgumentParser
import CStdio

/// `resnet-lab`: the course's command-line tool. Subcommands grow with the course
/// (summary, graph, train and ablate come with the ResNet family and training).
@main
struct ResNetLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resnet-lab",
        abstract: "Tools for the Residual course: model summaries and graphs, kernel benchmarks.",
        subcommands: [
            Summary.self, Graph.self, Train.self, Ablate.self, Landscape.self, Report.self,
            Bench.self,
            Predict.self,
        ])

    /// Runs the command with standard output line-buffered: piped into `tee` or a log file,
    /// it would otherwise be buffered in blocks of 4 KB, and a crash or a kill would lose
    /// every line still waiting there (the run's settings, its last epoch).
    static func main() {
        residual_line_buffer_stdout()
        main(nil)
    }
}
