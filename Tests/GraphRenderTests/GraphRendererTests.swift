import GraphRender
import Testing

@Suite("Rendering with Graphviz")
struct GraphRendererTests {
    @Test("SVG is well-formed XML with an <svg> root, every node, edge and label")
    func svg() throws {
        let graph = expressionGraph()
        let bytes = try GraphRenderer.render(graph, format: .svg)
        let svg = try #require(parseSVG(bytes))
        #expect(svg.rootElement == "svg")
        #expect(svg.count(ofClass: "node") == graph.nodeIDs.count)
        #expect(svg.count(ofClass: "edge") == graph.edges.count)
        for label in ["data 2.0000", "data -3.0000", "*", "+", "out"] {
            #expect(svg.texts.contains(label), "missing label \(label) in \(svg.texts)")
        }
    }

    @Test("escaped label text comes out exactly as given")
    func escapedLabelsRoundTrip() throws {
        var graph = DOTGraph()
        graph.addNode("q", ["label": "say \"hi\""])
        graph.addNode("path", ["label": #"C:\temp\new"#])
        graph.addNode("lines", ["label": "top\nbottom"])
        graph.addNode("h", ["label": .html("<b>\(DOTValue.escapeHTML("a < b & c"))</b>")])
        let svg = try #require(parseSVG(try GraphRenderer.render(graph, format: .svg)))
        #expect(svg.texts.contains("say \"hi\""))
        #expect(svg.texts.contains(#"C:\temp\new"#))
        #expect(svg.texts.contains("top") && svg.texts.contains("bottom"))
        #expect(svg.texts.contains("a < b & c"))
    }

    @Test("clusters are drawn as clusters with their labels")
    func clusters() throws {
        var graph = DOTGraph()
        graph.addCluster("block", ["label": "BasicBlock"]) { block in
            block.addNode("conv1")
            block.addNode("conv2")
        }
        graph.addEdge(from: "conv1", to: "conv2")
        let svg = try #require(parseSVG(try GraphRenderer.render(graph, format: .svg)))
        #expect(svg.count(ofClass: "cluster") == 1)
        #expect(svg.texts.contains("BasicBlock"))
    }

    @Test("PNG has the PNG signature, a real IHDR size and an IEND chunk")
    func png() throws {
        let bytes = try GraphRenderer.render(expressionGraph(), format: .png)
        expectPNG(bytes, minimumSide: 50)
        #expect(bytes.count > 1000, "a PNG with six labelled nodes is more than a blank")
    }

    @Test("the same graph renders to the same SVG")
    func deterministicSVG() throws {
        let first = try GraphRenderer.svg(expressionGraph())
        let second = try GraphRenderer.svg(expressionGraph())
        #expect(first == second)
    }

    @Test(
        "text that is not DOT is an invalidDOT error, not a crash",
        arguments: ["digraph { a -> }", "this is not a graph", "digraph { a [label=\"open] }"])
    func invalidDOT(dot: String) {
        #expect {
            try GraphRenderer.render(dot: dot, format: .svg)
        } throws: { error in
            guard case .invalidDOT(let message)? = error as? GraphRenderError else {
                return false
            }
            return message.contains("syntax error")
        }
    }

    @Test(
        "empty text, comments alone and NUL bytes are invalid DOT too",
        arguments: [
            ("", "no graph in the DOT text"), ("// nothing here", "no graph in the DOT text"),
            ("digraph { a\0 }", "the DOT text contains a NUL byte"),
        ])
    func noGraph(dot: String, expected: String) {
        let error = #expect(throws: GraphRenderError.self) {
            try GraphRenderer.render(dot: dot, format: .png)
        }
        #expect(error == .invalidDOT(message: expected))
        #expect(error?.description == "Graphviz could not parse the DOT text: " + expected)
    }

    @Test(
        "a valid graph still renders after a failed one",
        arguments: [
            ("digraph { -> }", "dot"), ("digraph { a -> b }", "nosuchlayout"),
            ("digraph { a [label=<<b>open</i>>] }", "dot"),
        ])
    func recoversAfterError(badDOT: String, layout: String) throws {
        #expect(throws: GraphRenderError.self) {
            try GraphRenderer.render(dot: badDOT, format: .svg, layout: layout)
        }
        let bytes = try GraphRenderer.render(dot: "digraph { x -> y }", format: .svg)
        let svg = try #require(parseSVG(bytes))
        #expect(svg.count(ofClass: "edge") == 1)
    }

    @Test("a malformed HTML label is an error naming the node")
    func badHTMLLabel() {
        var graph = DOTGraph()
        graph.addNode("n", ["label": .html("<b>open</i>")])
        let error = #expect(throws: GraphRenderError.self) {
            try GraphRenderer.render(graph, format: .svg)
        }
        guard case .layoutFailed(_, let message)? = error else {
            Issue.record("expected layoutFailed, got \(String(describing: error))")
            return
        }
        #expect(message.contains("label of node n"), "\(message)")
    }

    @Test("an unknown layout engine is a layoutFailed error naming it")
    func unknownLayout() {
        let error = #expect(throws: GraphRenderError.self) {
            try GraphRenderer.render(expressionGraph(), format: .svg, layout: "nosuchlayout")
        }
        guard case .layoutFailed(let layout, let message)? = error else {
            Issue.record("expected layoutFailed, got \(String(describing: error))")
            return
        }
        #expect(layout == "nosuchlayout")
        #expect(message.contains("not recognized"))
    }

    @Test("other layout engines work", arguments: ["neato", "circo"])
    func otherLayouts(layout: String) throws {
        let bytes = try GraphRenderer.render(expressionGraph(), format: .svg, layout: layout)
        let svg = try #require(parseSVG(bytes))
        #expect(svg.count(ofClass: "node") == 6)
    }

    @Test("renders from many tasks at once all succeed and agree (calls are serialised)")
    func concurrentRenders() async throws {
        let expected = try GraphRenderer.render(expressionGraph(), format: .svg)
        let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for index in 0..<8 {
                group.addTask {
                    try GraphRenderer.render(
                        expressionGraph(),
                        format: index.isMultiple(of: 2) ? .svg : .png)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        #expect(results.filter { $0 == expected }.count == 4)
        for png in results where png != expected {
            expectPNG(png)
        }
    }
}
