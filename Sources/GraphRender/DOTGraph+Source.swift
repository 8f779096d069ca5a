extension DOTGraph {
    /// The graph as DOT text: graph attributes, node and edge defaults, then nodes, edges
    /// and clusters in the order they were added, one statement a line, indented 4 spaces
    /// per level. The same graph always gives the same text.
    public var source: String {
        var lines: [String] = []
        let keyword = isDirected ? "digraph" : "graph"
        lines.append(keyword + " " + DOTSyntax.id(name) + " {")
        appendBody(to: &lines, indent: "    ")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private func appendBody(to lines: inout [String], indent: String) {
        for (key, value) in attributes {
            lines.append(indent + DOTSyntax.id(key) + "=" + value.dotText + ";")
        }
        if !nodeDefaults.isEmpty {
            lines.append(indent + "node " + nodeDefaults.dotText + ";")
        }
        if !edgeDefaults.isEmpty {
            lines.append(indent + "edge " + edgeDefaults.dotText + ";")
        }
        let arrow = isDirected ? " -> " : " -- "
        for statement in statements {
            switch statement {
            case .node(let node):
                lines.append(indent + DOTSyntax.id(node.id) + spaced(node.attributes) + ";")
            case .edge(let edge):
                let ends = DOTSyntax.id(edge.from) + arrow + DOTSyntax.id(edge.to)
                lines.append(indent + ends + spaced(edge.attributes) + ";")
            case .cluster(let cluster):
                lines.append(indent + "subgraph " + DOTSyntax.id(cluster.name) + " {")
                cluster.appendBody(to: &lines, indent: indent + "    ")
                lines.append(indent + "}")
            }
        }
    }

    /// `" [k=v, ...]"`, or nothing for an empty list.
    private func spaced(_ attributes: DOTAttributes) -> String {
        attributes.isEmpty ? "" : " " + attributes.dotText
    }
}
