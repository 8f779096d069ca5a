import GraphRender
import NN
import ResNetModels

/// Lays a model's pieces into a `DOTGraph`: nodes into the cluster being filled, edges kept
/// aside and added to the top graph at the end (an edge written inside a cluster would pull
/// both its ends into that cluster).
struct ModelGraphBuilder {
    let level: ModelGraph.Level
    /// The first call of every module in the traced forward pass, when there was one.
    private let firstCalls: [ObjectIdentifier: ModuleCall]
    private(set) var edges: [DOTEdge] = []
    /// The node whose output flows into the next piece.
    private var last = ""
    private var usedIDs: Set<String> = []

    init(level: ModelGraph.Level, trace: ModuleCall?) {
        self.level = level
        var calls: [ObjectIdentifier: ModuleCall] = [:]
        for call in trace?.subtree ?? [] where calls[ObjectIdentifier(call.module)] == nil {
            calls[ObjectIdentifier(call.module)] = call
        }
        self.firstCalls = calls
    }

    mutating func addInput(shape: [Int]?, into graph: inout DOTGraph) {
        let id = uniqueID("input")
        graph.addNode(
            id,
            [
                "label": ModelGraph.nodeLabel(name: "", text: "input", shape: shape),
                "fillcolor": GraphStyle.fill("input"), "color": "#999999", "class": "input",
            ])
        last = id
    }

    /// Adds `unit`'s nodes to `graph` (the cluster being filled) and chains them to `last`.
    mutating func emit(_ unit: GraphUnit, into graph: inout DOTGraph) {
        switch unit {
        case .layer(let name, let module):
            let name = name.isEmpty ? module.typeName : name
            let id = addLayer(
                module, id: name, label: name, shape: outputShape(of: module), into: &graph)
            connect(last, id)
        case .group(let name, let units):
            graph.addCluster(clusterID(name), GraphStyle.stageCluster(label: name)) { cluster in
                for unit in units { emit(unit, into: &cluster) }
            }
        case .block(let name, let block):
            let name = name.isEmpty ? block.typeName : name
            switch level {
            case .block: emitBlockNode(block, name: name, into: &graph)
            case .layer: emitBlockLayers(block, name: name, into: &graph)
            }
        }
    }

    // MARK: - Block level

    /// One node for the block, then its `+` node fed by a skip edge from the block's input.
    private mutating func emitBlockNode(
        _ block: any ResidualBlock, name: String, into graph: inout DOTGraph
    ) {
        let input = last
        let id = uniqueID(name)
        graph.addNode(
            id,
            [
                "label": ModelGraph.nodeLabel(
                    name: name, text: ModelGraph.describe(block), shape: outputShape(of: block)),
                "fillcolor": GraphStyle.fill("block"), "color": "#5b7db1", "class": "block",
            ])
        connect(input, id)
        if block.residual {
            // The `+` sits beside its block, on the same rank (no rank constraint on the edge
            // between them), so the skip edges line up into one red path down the side.
            addAddition(after: id, name: name, besidePrevious: true, into: &graph)
            edges.append(
                DOTEdge(
                    from: input, to: last,
                    attributes: GraphStyle.shortcutEdge(label: ModelGraph.shortcutLabel(block))))
        }
    }

    // MARK: - Layer level

    /// A cluster with every layer the block ran, the `+` node before its final ReLU (at the
    /// end of a pre-activation block), and the shortcut path from its input to the `+`.
    private mutating func emitBlockLayers(
        _ block: any ResidualBlock, name: String, into graph: inout DOTGraph
    ) {
        let calls = layerCalls(of: block, name: name)
        let main = calls.filter { !$0.name.hasPrefix("downsample") }
        let projection = calls.filter { $0.name.hasPrefix("downsample") }
        let endsWithReLU = main.last?.module is ReLU
        let addPosition = block.residual ? (endsWithReLU ? main.count - 1 : main.count) : nil
        let title =
            "<b>\(DOTValue.escapeHTML(name))</b> "
            + DOTValue.escapeHTML(ModelGraph.describe(block))
        let input = last

        graph.addCluster(clusterID(name), GraphStyle.blockCluster(label: title)) { cluster in
            var layerIDs: [String] = []
            for (index, call) in main.enumerated() {
                if index == addPosition {
                    addShortcut(
                        block, from: input, through: projection, main: main,
                        layerIDs: layerIDs, name: name, into: &cluster)
                }
                let id = addLayer(
                    call.module, id: "\(name).\(call.name)", label: call.name, shape: call.shape,
                    into: &cluster)
                connect(last, id)
                layerIDs.append(id)
            }
            if addPosition == main.count {
                addShortcut(
                    block, from: input, through: projection, main: main,
                    layerIDs: layerIDs, name: name, into: &cluster)
            }
        }
    }

    /// The `+` node after `last`, and the shortcut path into it: from the block's input, or
    /// (a pre-activation block whose shortcut changes the shape) from its first ReLU, through
    /// the projection's layers if it has them.
    private mutating func addShortcut(
        _ block: any ResidualBlock, from input: String,
        through projection: [(name: String, module: Module, shape: [Int]?)],
        main: [(name: String, module: Module, shape: [Int]?)], layerIDs: [String],
        name: String, into graph: inout DOTGraph
    ) {
        var source = input
        if block is PreActBasicBlock || block is PreActBottleneck, block.shortcutKind != .identity,
            let firstReLU = main.firstIndex(where: { $0.module is ReLU }),
            firstReLU < layerIDs.count
        {
            source = layerIDs[firstReLU]
        }
        addAddition(after: last, name: name, into: &graph)
        let add = last
        if projection.isEmpty {
            edges.append(
                DOTEdge(
                    from: source, to: add,
                    attributes: GraphStyle.shortcutEdge(label: ModelGraph.shortcutLabel(block))))
            return
        }
        var previous = source
        for call in projection {
            let id = addLayer(
                call.module, id: "\(name).\(call.name)", label: call.name, shape: call.shape,
                into: &graph)
            graph.addNode(id, ["color": GraphStyle.shortcutColor, "penwidth": "1.2"])
            edges.append(
                DOTEdge(from: previous, to: id, attributes: GraphStyle.shortcutEdge(label: nil)))
            previous = id
        }
        edges.append(
            DOTEdge(from: previous, to: add, attributes: GraphStyle.shortcutEdge(label: nil)))
    }

    /// The leaf calls the block made, in order, named relative to the block (`"conv1"`,
    /// `"downsample.0"`). From the model's traced pass when there was one; otherwise the block
    /// runs alone on a small zero input, only to learn the order (no shapes are shown then).
    private func layerCalls(of block: any ResidualBlock, name: String)
        -> [(name: String, module: Module, shape: [Int]?)]
    {
        if let call = firstCalls[ObjectIdentifier(block)] {
            let prefix = call.name.isEmpty ? "" : call.name + "."
            return call.leaves.filter { $0 !== call }.map {
                (String($0.name.dropFirst(prefix.count)), $0.module, $0.outputShape)
            }
        }
        let alone = ForwardTrace.run(
            block, inputShape: [1, block.inputChannels, 8, 8], caller: "ModelGraph.dot(for:)")
        return alone.leaves.filter { $0 !== alone }.map { ($0.name, $0.module, nil) }
    }

    // MARK: - Nodes and edges

    /// Adds a node for the layer `module`; returns its id.
    private mutating func addLayer(
        _ module: Module, id: String, label: String, shape: [Int]?,
        into graph: inout DOTGraph
    ) -> String {
        let id = uniqueID(id)
        let nodeClass = GraphStyle.nodeClass(of: module)
        graph.addNode(
            id,
            [
                "label": ModelGraph.nodeLabel(
                    name: label, text: ModelGraph.describe(module), shape: shape),
                "fillcolor": GraphStyle.fill(nodeClass), "class": .string(nodeClass),
            ])
        return id
    }

    /// Adds the `+` node of a residual addition after `previous`, and makes it `last`.
    private mutating func addAddition(
        after previous: String, name: String, besidePrevious: Bool = false,
        into graph: inout DOTGraph
    ) {
        let id = uniqueID(name + " +")
        graph.addNode(id, GraphStyle.addNode)
        edges.append(
            DOTEdge(
                from: previous, to: id,
                attributes: besidePrevious ? ["constraint": "false"] : [:]))
        last = id
    }

    /// A main-path edge `from -> to`; `to` becomes `last`.
    private mutating func connect(_ from: String, _ to: String) {
        if !from.isEmpty { edges.append(DOTEdge(from: from, to: to)) }
        last = to
    }

    private func outputShape(of module: Module) -> [Int]? {
        firstCalls[ObjectIdentifier(module)]?.outputShape
    }

    /// `base`, or `base#2`, `base#3`, ... when taken (a module that runs twice).
    private mutating func uniqueID(_ base: String) -> String {
        var id = base
        var count = 1
        while usedIDs.contains(id) {
            count += 1
            id = "\(base)#\(count)"
        }
        usedIDs.insert(id)
        return id
    }

    /// A cluster id from a dotted name (`layer1.0` → `layer1_0`).
    private func clusterID(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
