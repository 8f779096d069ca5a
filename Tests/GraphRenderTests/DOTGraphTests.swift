import GraphRender
import Testing

/// A small expression graph, `out = a * b + c`, in the style lesson 1 draws.
func expressionGraph() -> DOTGraph {
    var graph = DOTGraph(name: "expression")
    graph.setAttribute("rankdir", "LR")
    graph.setNodeDefaults(["shape": "record", "fontname": "Helvetica"])
    graph.setEdgeDefaults(["arrowsize": 0.75])
    for (id, value) in [("a", "2.0000"), ("b", "-3.0000"), ("c", "10.0000")] {
        graph.addNode(id, ["label": "{ \(id) | data \(value) }"])
    }
    graph.addNode("mul", ["label": "*", "shape": "circle"])
    graph.addNode("add", ["label": "+", "shape": "circle"])
    graph.addNode("out", ["label": "{ out | data 4.0000 }"])
    graph.addEdge(from: "a", to: "mul")
    graph.addEdge(from: "b", to: "mul")
    graph.addEdge(from: "mul", to: "add")
    graph.addEdge(from: "c", to: "add")
    graph.addEdge(from: "add", to: "out")
    return graph
}

@Suite("DOT graph builder")
struct DOTGraphTests {
    @Test("nodes and edges are recorded in order and appear once each in the source")
    func structure() {
        let graph = expressionGraph()
        #expect(graph.nodeIDs == ["a", "b", "c", "mul", "add", "out"])
        #expect(
            graph.edges.map { "\($0.from)->\($0.to)" }
                == ["a->mul", "b->mul", "mul->add", "c->add", "add->out"])

        let lines = graph.source.split(separator: "\n").map(String.init)
        #expect(lines.first == "digraph expression {")
        #expect(lines.last == "}")
        #expect(lines.filter { $0.contains(" -> ") }.count == 5)
        #expect(lines.filter { $0.contains("[label=") && !$0.contains(" -> ") }.count == 6)
        #expect(lines.contains("    rankdir=LR;"))
        #expect(lines.contains("    node [shape=record, fontname=Helvetica];"))
        #expect(lines.contains("    edge [arrowsize=0.75];"))
        #expect(lines.contains("    a [label=\"{ a | data 2.0000 }\"];"))
        #expect(lines.contains("    mul -> add;"))
    }

    @Test("defaults print before the statements, whenever they were set")
    func defaultsComeFirst() {
        var graph = DOTGraph()
        graph.addNode("x")
        graph.setNodeDefaults(["shape": "box"])
        graph.setNodeDefaults(["color": "red", "shape": "oval"])
        let lines = graph.source.split(separator: "\n").map(String.init)
        #expect(lines == ["digraph G {", "    node [shape=oval, color=red];", "    x;", "}"])
    }

    @Test("the same calls give the same text, and order is kept")
    func deterministic() {
        #expect(expressionGraph().source == expressionGraph().source)
        #expect(expressionGraph() == expressionGraph())

        var first = DOTGraph()
        first.addNode("n", ["color": "red", "shape": "box"])
        var second = DOTGraph()
        second.addNode("n", ["shape": "box", "color": "red"])
        #expect(first.source.contains("n [color=red, shape=box];"))
        #expect(second.source.contains("n [shape=box, color=red];"))
    }

    @Test("ids with quotes, backslashes, spaces, newlines or keywords are quoted and escaped")
    func escapedIDs() {
        var graph = DOTGraph(name: "my graph")
        graph.addNode("say \"hi\"")
        graph.addNode(#"a\b"#)
        graph.addNode("two\nlines")
        graph.addEdge(from: "edge", to: "x y")
        let source = graph.source
        #expect(source.hasPrefix("digraph \"my graph\" {\n"))
        #expect(source.contains(#"    "say \"hi\"";"#))
        #expect(source.contains(#"    "a\\b";"#))
        #expect(source.contains(#"    "two\nlines";"#))
        #expect(source.contains(#"    "edge" -> "x y";"#))
        #expect(!source.contains("two\nlines"), "a raw newline would split the statement")
    }

    @Test("label text is escaped; HTML labels are left unquoted")
    func labels() {
        var graph = DOTGraph()
        graph.addNode("q", ["label": "say \"hi\"\nC:\\temp"])
        graph.addNode("h", ["label": .html("<b>tanh</b><br/>x &lt; 1")])
        #expect(graph.source.contains(#"q [label="say \"hi\"\nC:\\temp"];"#))
        #expect(graph.source.contains("h [label=<<b>tanh</b><br/>x &lt; 1>];"))
    }

    @Test("clusters become subgraphs named cluster_<id>, nested and indented")
    func clusters() {
        var graph = DOTGraph()
        graph.addNode("input")
        graph.addCluster("layer1", ["label": "layer1", "style": "rounded"]) { layer in
            layer.setNodeDefaults(["shape": "box"])
            layer.addCluster("block0") { block in
                block.addNode("conv1")
                block.addNode("conv2")
                block.addEdge(from: "conv1", to: "conv2")
            }
            layer.addEdge(from: "input", to: "conv1")
        }
        graph.addEdge(from: "input", to: "conv2", ["style": "dashed", "label": "skip"])

        #expect(graph.clusters.map(\.name) == ["cluster_layer1"])
        #expect(graph.clusters.first?.clusters.map(\.name) == ["cluster_block0"])
        #expect(graph.nodeIDs == ["input", "conv1", "conv2"])
        #expect(graph.edges.count == 3)

        let expected = """
            digraph G {
                input;
                subgraph cluster_layer1 {
                    label=layer1;
                    style=rounded;
                    node [shape=box];
                    subgraph cluster_block0 {
                        conv1;
                        conv2;
                        conv1 -> conv2;
                    }
                    input -> conv1;
                }
                input -> conv2 [style=dashed, label=skip];
            }

            """
        #expect(graph.source == expected)
    }

    @Test("an undirected graph uses `graph` and `--`")
    func undirected() {
        var graph = DOTGraph(name: "U", directed: false)
        graph.addCluster("c") { $0.addEdge(from: "a", to: "b") }
        #expect(graph.source == "graph U {\n    subgraph cluster_c {\n        a -- b;\n    }\n}\n")
    }

    @Test("nodeIDs lists a node declared twice once; nodes lists both statements")
    func repeatedNode() {
        var graph = DOTGraph()
        graph.addNode("x", ["label": "first"])
        graph.addNode("y")
        graph.addNode("x", ["color": "red"])
        #expect(graph.nodeIDs == ["x", "y"])
        #expect(graph.nodes.count == 3)
    }
}
