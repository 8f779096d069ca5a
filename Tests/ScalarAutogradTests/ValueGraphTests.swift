import GraphRender
import ScalarAutograd
import Testing

@Suite("Value expression graphs")
struct ValueGraphTests {
    @Test("one record per value, one ellipse per operation, edges input → op → result")
    func structure() throws {
        let a = Value(2, label: "a")
        let b = Value(-3, label: "b")
        let c = a * b + 1.0
        c.label = "c"
        c.backward()
        let graph = c.dotGraph()
        // Values: a, b, a·b, the constant 1, c → 5 records; operations: *, + → 2 ellipses.
        let records = graph.nodes.filter { $0.attributes["shape"] == "record" }
        let ellipses = graph.nodes.filter { $0.attributes["shape"] == "ellipse" }
        #expect(records.count == 5)
        #expect(ellipses.count == 2)
        // Each op has one edge out and one per input: (1 + 2) + (1 + 2).
        #expect(graph.edges.count == 6)
        let labels = records.compactMap { $0.attributes["label"]?.description }
        #expect(labels.contains { $0.contains("a | data 2.0000 | grad -3.0000") })
        #expect(labels.contains { $0.contains("c | data -5.0000 | grad 1.0000") })
        let svg = try GraphRenderer.svg(graph)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("data 2.0000"))  // Graphviz writes minus signs as &#45;
    }
}
