import GraphRender
import TensorCore
import TextFormat

/// The autograd graph behind a tensor, as a Graphviz graph read left to right.
///
/// Every tensor is a box with its name (if it has one) and shape — blue for leaves that
/// require gradients (parameters, inputs you marked), grey for constants — and every recorded
/// operation an ellipse between its inputs and its result. After `backward()`, tensors that
/// kept a gradient show its norm. Lesson 02 draws one.
public enum TensorGraph {
    /// The graph of every tensor and recorded operation that `output` was computed from.
    ///
    /// Node ids follow the tensors' order in `output.graphNodes()` (`t0`, `t1`, ...; an
    /// operation's node is its result's id with `_op`), and carry a `class` attribute:
    /// `leaf`, `tensor` or `op`.
    ///
    /// - Parameters:
    ///   - output: the tensor whose history to draw (usually a loss).
    ///   - title: an optional caption.
    /// - Returns: a `DOTGraph` to render with `GraphRenderer` or to print as DOT text.
    public static func dot(for output: Tensor, title: String? = nil) -> DOTGraph {
        var graph = DOTGraph(name: "autograd")
        graph.setAttribute("rankdir", "LR")
        graph.setAttribute("fontname", "Helvetica")
        if let title { graph.setAttribute("label", .string(title)) }
        graph.setNodeDefaults(["fontname": "Helvetica", "fontsize": 11])
        graph.setEdgeDefaults(["color": "#555555", "arrowsize": 0.7])

        let order = output.graphNodes()
        var ids: [ObjectIdentifier: String] = [:]
        for (i, tensor) in order.enumerated() { ids[ObjectIdentifier(tensor)] = "t\(i)" }
        for tensor in order {
            let id = ids[ObjectIdentifier(tensor)]!
            var label = (tensor.name.map { "\($0) " } ?? "") + Format.shape(tensor.shape)
            if let grad = tensor.grad {
                let norm = grad.data.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                label += "\n‖grad‖ " + String(format: "%.4g", Double(norm))  // a line break
            }
            let fill = tensor.isLeaf ? (tensor.requiresGrad ? "#dbe9f6" : "#eeeeee") : "#f7f7f7"
            graph.addNode(
                id,
                [
                    "shape": "box", "style": "rounded,filled", "fillcolor": .string(fill),
                    "label": .string(label), "class": .string(tensor.isLeaf ? "leaf" : "tensor"),
                ])
            guard let node = tensor.backwardNode else { continue }
            let opID = id + "_op"
            graph.addNode(
                opID,
                [
                    "shape": "ellipse", "style": "filled", "fillcolor": "#fff2cc",
                    "label": .string(node.op), "class": "op",
                ])
            graph.addEdge(from: opID, to: id)
            for input in node.inputs {
                graph.addEdge(from: ids[ObjectIdentifier(input)]!, to: opID)
            }
        }
        return graph
    }

    /// Draws `output`'s graph into `path` (.svg or .png); see `dot(for:title:)`.
    /// - Parameters:
    ///   - output: the tensor whose history to draw.
    ///   - title: an optional caption.
    ///   - path: the image file; its extension picks the format.
    /// - Throws: `GraphRenderError`: `.unsupportedFileExtension` for another extension,
    ///   `.couldNotWriteFile` when the file cannot be written, or Graphviz's failure
    ///   (`.graphvizUnavailable`, `.invalidDOT`, `.layoutFailed`, `.renderFailed`).
    public static func write(for output: Tensor, title: String? = nil, to path: String)
        throws(GraphRenderError)
    {
        try GraphRenderer.write(dot(for: output, title: title), to: path)
    }
}
