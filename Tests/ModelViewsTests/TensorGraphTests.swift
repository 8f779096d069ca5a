import GraphRender
import ModelViews
import Randomness
import TensorCore
import Testing

@Suite("Tensor autograd graphs")
struct TensorGraphTests {
    @Test("one box per tensor, one ellipse per recorded operation, edges input → op → result")
    func structure() throws {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6], requiresGrad: true, name: "x")
        let w = Tensor(
            shape: [4, 3], data: (0..<12).map(Float.init), requiresGrad: true, name: "w")
        let loss = linear(x, weight: w).relu().sum()
        loss.backward()
        let graph = TensorGraph.dot(for: loss)
        let ops = graph.nodes.filter { $0.attributes["class"] == "op" }
        let boxes = graph.nodes.filter { $0.attributes["shape"] == "box" }
        // Tensors: x, w, linear's result, relu's result, the sum → 5; operations: 3.
        #expect(boxes.count == 5)
        #expect(ops.count == 3)
        #expect(graph.edges.count == 3 + 4)  // one out of each op, one per input (2 + 1 + 1)
        let labels = boxes.compactMap { $0.attributes["label"]?.description }
        #expect(labels.contains { $0.contains("x [2, 3]") && $0.contains("grad") })
        let svg = try GraphRenderer.svg(graph)
        #expect(svg.contains("<svg") && svg.contains("relu"))
    }

    @Test("a tensor's name and its gradient are two lines of its box, with no backslash shown")
    func twoLineLabels() throws {
        let a = Tensor(shape: [2], data: [3, 4], requiresGrad: true, name: "a")
        let loss = (a * a).sum()
        loss.backward()
        let svg = try GraphRenderer.svg(TensorGraph.dot(for: loss))
        // Before, the label held a backslash and an n, which the DOT quoting escaped again:
        // the picture showed "a [2]\n‖grad‖ 10".
        #expect(!svg.contains("\\"), "\(svg)")
        #expect(svg.contains(">a [2]</text>"), "\(svg)")
        #expect(svg.contains(">‖grad‖ 10</text>"), "\(svg)")
    }
}
