import Foundation
import Residual
import Testing

@testable import Notebook

// The examples of the module pages Plots, GraphRender, Notebook and Ablation (between
// `listing` markers), run as tests that check what the pages say about them. Files go to the
// system's temporary directory only.

@Suite("The module pages' examples")
struct ModuleExamples {
    @Test("Plots: a line chart of two series written as SVG, with its words in the metadata")
    func lineChart() throws {
        // listing: plots-line-chart
        let steps: [Double] = [0, 100, 200, 300, 400]  // made-up curves
        let residualError = [0.90, 0.31, 0.22, 0.18, 0.15]
        let plainError = [0.90, 0.52, 0.43, 0.40, 0.38]
        var chart = LineChart(title: "Fashion-MNIST", xLabel: "iteration", yLabel: "test error")
        chart.add(LineSeries("ResNet-20", x: steps, y: residualError))
        chart.add(LineSeries("plain-20", x: steps, y: plainError, style: .dashed))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("error.svg").path
        try chart.write(to: path)  // or "error.png"
        // listing-end: plots-line-chart
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(chart.series.map(\.name) == ["ResNet-20", "plain-20"])
        #expect(chart.series.map(\.style) == [.solid, .dashed])
        #expect((chart.width, chart.height) == (720, 440))
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("<title>Fashion-MNIST</title>"))
        // Every string drawn, one a line, in the SVG's <desc>.
        let desc = try #require(svg.firstMatch(of: /<desc>([^<]*)<\/desc>/)).1
        let drawn = Set(desc.split(separator: "\n").map(String.init))
        for text in ["Fashion-MNIST", "iteration", "test error", "ResNet-20", "plain-20"] {
            #expect(drawn.contains(text), "the SVG's <desc> lacks \(text)")
        }
        // The extension picks the format.
        let png = FileManager.default.temporaryDirectory.appendingPathComponent("error.png").path
        defer { try? FileManager.default.removeItem(atPath: png) }
        try chart.write(to: png)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test("GraphRender: a graph built in Swift, printed as DOT in order, drawn by Graphviz")
    func dotGraph() throws {
        // listing: graph-render-dot
        var graph = DOTGraph(name: "expression")
        graph.setAttribute("rankdir", "LR")
        graph.setNodeDefaults(["shape": "record"])
        graph.addNode("a", ["label": "{ a | data 2.0000 }"])
        graph.addNode("tanh", ["label": .html("<b>tanh</b>"), "shape": "circle"])
        graph.addEdge(from: "a", to: "tanh")
        graph.addCluster("block", ["label": "residual block"]) { $0.addNode("relu") }
        print(graph.source)  // digraph expression { ... }, one statement a line
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graph.svg").path
        try GraphRenderer.write(graph, to: path)  // or "graph.png"
        // listing-end: graph-render-dot
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(graph.nodeIDs == ["a", "tanh", "relu"])
        #expect(graph.edges == [DOTEdge(from: "a", to: "tanh")])
        #expect(graph.clusters.map(\.name) == ["cluster_block"])
        #expect(
            graph.source == """
                digraph expression {
                    rankdir=LR;
                    node [shape=record];
                    a [label="{ a | data 2.0000 }"];
                    tanh [label=<<b>tanh</b>>, shape=circle];
                    a -> tanh;
                    subgraph cluster_block {
                        label="residual block";
                        relu;
                    }
                }

                """)
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.contains("<svg"))
        for title in ["<title>a</title>", "<title>tanh</title>", "<title>relu</title>"] {
            #expect(svg.contains(title), "Graphviz's SVG lacks \(title)")
        }
        #expect(svg.contains("<title>cluster_block</title>"))
        #expect(svg.contains("residual block"))
    }

    @Test("Notebook: a cell of prose, output and a passed check, and its transcript")
    func notebookCell() throws {
        // listing: notebook-lesson
        let notebook = Notebook(
            name: "lesson-01-scalar-autograd", title: "Scalar autograd",
            arguments: ["--quick"])  // a lesson leaves this out: its own command line
        notebook.cell("Derivatives by hand") { cell in
            cell.prose("f(x) = 3x² − 4x + 5 has the slope f'(x) = 6x − 4, so f'(3) = 14.")
            let x = Value(3)
            let f = 3 * x * x - 4 * x + 5
            f.backward()  // x.grad is now df/dx at x = 3
            cell.output("f'(3) = \(x.grad)")
            cell.check("autograd agrees with the hand derivative", abs(x.grad - 14) < 1e-9)
        }
        // listing-end: notebook-lesson
        #expect(notebook.isQuick)
        #expect(notebook.checksPassed == 1 && notebook.failures.isEmpty)
        // What `finish()` would write with `--markdown DIR`, before exiting with status 0.
        let transcript = MarkdownWriter.render(
            notebook,
            summary: Summary(checksPassed: 1, failures: [], seconds: 0, quick: true))
        let lines = transcript.components(separatedBy: "\n")
        #expect(lines.first == "# Scalar autograd")
        #expect(lines.contains("## 1. Derivatives by hand"))
        #expect(lines.contains("f'(3) = 14.0"))
        #expect(lines.contains("✔ autograd agrees with the hand derivative"))
    }

    @Test("Ablation: the default recipe with three seeds, checked, and a run that waits for it")
    func ablationConfig() throws {
        // listing: ablation-config
        var config = AblationConfig()  // depths 18/34/56, seed 0, the default budget
        config.seeds = [0, 1, 2]
        try config.validate()  // a bad setting throws, naming its flag
        print(config.runs.count)  // 18 nets: plain and residual at 3 depths, for 3 seeds
        print(config.scheduleDescription)  // lr 0.1, the last 50 steps at 0.01

        var other = config
        other.learningRate = 0.05
        print(other.recipeDifferences(from: config))  // ["lr 0.05 vs 0.1"]: another recipe

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ablation-example").path
        let run = try AblationRun(config: config, directory: directory)  // nothing written yet
        print(run.remaining.count)  // 18: no net has finished there
        // listing-end: ablation-config
        #expect(config.depths == [18, 34, 56] && config.iterations == 300)
        #expect(config.runs.count == 18)
        #expect(config.runs.prefix(2).map(\.net.name) == ["plain-18", "res-18"])
        #expect(config.scheduleDescription == "lr 0.1, the last 50 steps at 0.01")
        #expect(other.recipeDifferences(from: config) == ["lr 0.05 vs 0.1"])
        var moreSeeds = config
        moreSeeds.seeds = [0, 1, 2, 3, 4]
        #expect(moreSeeds.recipeDifferences(from: config).isEmpty, "seeds are not the recipe")
        #expect(run.remaining.count == 18)
        #expect(!FileManager.default.fileExists(atPath: directory))

        var odd = config
        odd.depths = [18, 19]
        let error = #expect(throws: AblationError.self) { try odd.validate() }
        #expect(error?.description.contains("--depths") == true)
        #expect(throws: AblationError.self) {
            try AblationRun(config: odd, directory: directory)
        }
    }
}
