/// A graph in Graphviz's DOT language, built in Swift and printed as DOT text.
///
/// Pure Swift: building and printing need no Graphviz; ``GraphRenderer`` lays the graph out
/// and draws it. Statements print in the order they were added, so the same calls always
/// give the same ``source``.
///
/// ```swift
/// var graph = DOTGraph(name: "expression")
/// graph.setAttribute("rankdir", "LR")
/// graph.setNodeDefaults(["shape": "record", "fontname": "Helvetica"])
/// graph.addNode("a", ["label": "{ a | data 2.0000 }"])
/// graph.addNode("mul", ["label": "*", "shape": "circle"])
/// graph.addEdge(from: "a", to: "mul")
/// graph.addCluster("block", ["label": "residual block"]) { block in
///     block.addNode("relu")
/// }
/// print(graph.source)
/// ```
///
/// Defaults set with ``setNodeDefaults(_:)`` and ``setEdgeDefaults(_:)`` print before every
/// statement of their graph, so they apply to all its nodes and edges whenever they were set.
public struct DOTGraph: Hashable, Sendable {
    /// One statement of the graph body, kept in insertion order.
    enum Statement: Hashable, Sendable {
        case node(DOTNode)
        case edge(DOTEdge)
        case cluster(DOTGraph)
    }

    /// The graph's name; a cluster's is `cluster_<id>` (Graphviz draws a box around a
    /// subgraph only when its name starts with `cluster`).
    public let name: String
    /// `digraph` with `->` edges when true, `graph` with `--` edges when false.
    public let isDirected: Bool
    /// Graph attributes (`rankdir`, `label`, `fontname`, `nodesep`, ...).
    public private(set) var attributes: DOTAttributes = [:]
    /// Attributes every node of this graph (and its clusters) starts with.
    public private(set) var nodeDefaults: DOTAttributes = [:]
    /// Attributes every edge of this graph (and its clusters) starts with.
    public private(set) var edgeDefaults: DOTAttributes = [:]
    private(set) var statements: [Statement] = []

    /// An empty graph.
    ///
    /// - Parameters:
    ///   - name: the graph's name in the source, `digraph NAME { ... }`.
    ///   - directed: true for a `digraph` with `->` edges, false for a `graph` with `--`.
    public init(name: String = "G", directed: Bool = true) {
        self.name = name
        self.isDirected = directed
    }

    /// Sets one graph attribute, e.g. `setAttribute("rankdir", "LR")`.
    public mutating func setAttribute(_ key: String, _ value: DOTValue) {
        attributes[key] = value
    }

    /// Adds `attributes` to the node defaults (a key set twice keeps the newer value).
    public mutating func setNodeDefaults(_ attributes: DOTAttributes) {
        nodeDefaults = nodeDefaults.merging(attributes)
    }

    /// Adds `attributes` to the edge defaults (a key set twice keeps the newer value).
    public mutating func setEdgeDefaults(_ attributes: DOTAttributes) {
        edgeDefaults = edgeDefaults.merging(attributes)
    }

    /// Declares node `id`. Any string is a valid id (it is quoted as needed); without a
    /// `label` Graphviz shows the id. Declaring an id twice writes two statements and
    /// Graphviz merges their attributes.
    public mutating func addNode(_ id: String, _ attributes: DOTAttributes = [:]) {
        statements.append(.node(DOTNode(id: id, attributes: attributes)))
    }

    /// Adds an edge `from -> to` (`from -- to` in an undirected graph). Graphviz creates
    /// either node if it was never declared.
    public mutating func addEdge(from: String, to: String, _ attributes: DOTAttributes = [:]) {
        statements.append(.edge(DOTEdge(from: from, to: to, attributes: attributes)))
    }

    /// Adds the subgraph `cluster_<id>`, drawn as a box around its nodes, and fills it with
    /// `build`. Inside, `setAttribute` sets the cluster's own attributes (`label`, `style`,
    /// `color`) and clusters nest.
    ///
    /// - Throws: whatever `build` throws; the cluster is then not added.
    public mutating func addCluster(
        _ id: String, _ attributes: DOTAttributes = [:],
        _ build: (inout DOTGraph) throws -> Void
    ) rethrows {
        var cluster = DOTGraph(name: "cluster_" + id, directed: isDirected)
        cluster.attributes = attributes
        try build(&cluster)
        statements.append(.cluster(cluster))
    }

    /// Every node statement, this graph's and its clusters', in source order.
    public var nodes: [DOTNode] {
        statements.flatMap { statement -> [DOTNode] in
            switch statement {
            case .node(let node): return [node]
            case .edge: return []
            case .cluster(let cluster): return cluster.nodes
            }
        }
    }

    /// The ids of all declared nodes (clusters included), each once, in the order first
    /// declared. Nodes that only appear in edges are not listed.
    public var nodeIDs: [String] {
        var seen: Set<String> = []
        return nodes.map(\.id).filter { seen.insert($0).inserted }
    }

    /// Every edge, this graph's and its clusters', in source order.
    public var edges: [DOTEdge] {
        statements.flatMap { statement -> [DOTEdge] in
            switch statement {
            case .node: return []
            case .edge(let edge): return [edge]
            case .cluster(let cluster): return cluster.edges
            }
        }
    }

    /// The clusters added directly to this graph, in order.
    public var clusters: [DOTGraph] {
        statements.compactMap { statement in
            if case .cluster(let cluster) = statement { return cluster }
            return nil
        }
    }
}

/// A node statement: `id [attributes];`.
public struct DOTNode: Hashable, Sendable {
    /// The node's id: how edges name it, and its label when it has no `label` attribute.
    public var id: String
    /// The node's own attributes (`label`, `shape`, ...), on top of its graph's defaults.
    public var attributes: DOTAttributes

    /// A node statement for `id` with `attributes`.
    public init(id: String, attributes: DOTAttributes = [:]) {
        self.id = id
        self.attributes = attributes
    }
}

/// An edge statement: `from -> to [attributes];`.
public struct DOTEdge: Hashable, Sendable {
    /// The id of the node the edge starts at (its tail).
    public var from: String
    /// The id of the node the edge ends at (its head, where the arrow points).
    public var to: String
    /// The edge's own attributes (`label`, `style`, ...), on top of its graph's defaults.
    public var attributes: DOTAttributes

    /// An edge statement from node `from` to node `to` with `attributes`.
    public init(from: String, to: String, attributes: DOTAttributes = [:]) {
        self.from = from
        self.to = to
        self.attributes = attributes
    }
}
