import Foundation
import GraphRender

extension Value {
    /// The expression graph that produced this value, as a Graphviz graph read left to right.
    ///
    /// Every value is a record box `label | data | grad`; every operation is a small ellipse
    /// between its inputs and its result. Render it with `GraphRenderer.write(_:to:)`.
    public func dotGraph(title: String? = nil) -> DOTGraph {
        var graph = DOTGraph(name: "expression")
        graph.setAttribute("rankdir", "LR")
        graph.setAttribute("fontname", "Helvetica")
        if let title { graph.setAttribute("label", .string(title)) }
        graph.setNodeDefaults(["fontname": "Helvetica", "fontsize": 11])
        graph.setEdgeDefaults(["color": "#555555", "arrowsize": 0.7])

        let order = topologicalOrder()
        var ids: [ObjectIdentifier: String] = [:]
        for (i, value) in order.enumerated() { ids[ObjectIdentifier(value)] = "v\(i)" }
        for value in order {
            let id = ids[ObjectIdentifier(value)]!
            let name = value.label.isEmpty ? "" : "\(value.label) | "
            graph.addNode(
                id,
                [
                    "shape": "record",
                    "style": "rounded,filled",
                    "fillcolor": value.isLeaf ? "#e8f1fb" : "#f7f7f7",
                    "label": .string(
                        "{ \(name)data \(Value.short(value.data)) | grad \(Value.short(value.grad)) }"
                    ),
                ])
            guard !value.isLeaf else { continue }
            let opID = id + "_op"
            graph.addNode(
                opID,
                [
                    "shape": "ellipse", "style": "filled", "fillcolor": "#fff2cc",
                    "label": .string(value.op),
                ])
            graph.addEdge(from: opID, to: id)
            for input in value.inputs {
                graph.addEdge(from: ids[ObjectIdentifier(input)]!, to: opID)
            }
        }
        return graph
    }

    /// Four decimals for ordinary magnitudes (2.0000, -0.7071), scientific otherwise.
    static func short(_ x: Double) -> String {
        x == 0 || (abs(x) >= 1e-3 && abs(x) < 1e5)
            ? String(format: "%.4f", x) : String(format: "%.3e", x)
    }
}
