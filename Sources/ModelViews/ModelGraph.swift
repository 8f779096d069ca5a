import GraphRender
import NN
import ResNetModels
import TextFormat

/// Pictures of a model's architecture as Graphviz graphs, with the skip connections drawn.
///
/// ```swift
/// let model = ResNet.resnet18(generator: &generator)
/// let graph = ModelGraph.dot(for: model, inputShape: [1, 3, 224, 224], level: .block)
/// try GraphRenderer.write(graph, to: "resnet18.svg")
/// // or in one step:
/// try ModelGraph.write(for: model, inputShape: [1, 3, 224, 224], to: "resnet18.png")
/// ```
///
/// The graph runs top to bottom in the order of the module tree: an `input` node, the layers
/// of the stem, each stage (`layer1`, ...) as a grey cluster, then the head. Nodes are
/// coloured by layer type (convolution blue, batch norm yellow, ReLU green, pooling violet,
/// linear orange, residual blocks pale blue). Everything on a shortcut path is red: each
/// residual block's output meets its shortcut in a red `+` node (the addition; in
/// post-activation blocks the block's final ReLU follows it), reached by a red skip edge from
/// the block's input, labelled with what the shortcut computes (`1×1 conv /2 + BN` for a
/// projection, `subsample /2 + zero-pad` for option A; nothing for an identity). A plain
/// network has no `+` nodes and no skip edges.
///
/// For tests and styling, nodes carry a `class` attribute (`input`, `block`, `add`, `conv`,
/// `bn`, `relu`, `pool`, `linear`, `layer`) and skip edges `class=skip`; Graphviz copies
/// them into the SVG.
public enum ModelGraph {
    /// How much of each residual block a graph shows.
    public enum Level: String, Sendable, Hashable, CaseIterable {
        /// One node per residual block (with its `+` node and skip edge); other layers
        /// (stem, pooling, classifier) one node each. ResNet-18: 23 nodes (input, 4 stem
        /// layers, 8 blocks, 8 `+`, pooling, fc).
        case block
        /// Every layer inside every block, each block in a cluster of its own; the skip edge
        /// runs from the block's input to the `+` node placed before the block's final ReLU,
        /// through the projection's convolution and batch norm where there is one.
        case layer
    }

    /// The graph of `model`.
    ///
    /// - Parameters:
    ///   - model: any module; ResNet blocks (`ResidualBlock`s) get skip edges, other
    ///     containers become clusters, and leaves become nodes, chained in the order of the
    ///     module tree (the forward order of a ResNet or a `Sequential`).
    ///   - inputShape: with an input shape, one forward pass (as for `summary(of:)`, leaving
    ///     the model as it was) finds every node's output shape, shown under its name.
    ///   - level: `.block` or `.layer`.
    ///   - title: the caption at the top; nil for the model's type (with "plain: no
    ///     shortcuts" for a ResNet's plain twin), parameter count and input shape.
    public static func dot(
        for model: Module, inputShape: [Int]? = nil, level: Level = .block,
        title: String? = nil
    ) -> DOTGraph {
        let trace = inputShape.map {
            ForwardTrace.run(model, inputShape: $0, caller: "ModelGraph.dot(for:)")
        }
        var graph = DOTGraph(name: model.typeName)
        let blocks = model.namedModules().compactMap { $0.module as? any ResidualBlock }
        let plain = !blocks.isEmpty && blocks.allSatisfy { !$0.residual }
        let caption =
            title
            ?? "\(model.typeName)\(plain ? " (plain: no shortcuts)" : "")"
            + " · \(Format.grouped(model.parameterCount)) parameters"
            + (inputShape.map { " · input " + Format.shape($0) } ?? "")
        GraphStyle.apply(to: &graph, title: caption)

        var builder = ModelGraphBuilder(level: level, trace: trace)
        builder.addInput(shape: inputShape, into: &graph)
        for unit in GraphUnit.top(of: model) {
            builder.emit(unit, into: &graph)
        }
        for edge in builder.edges {
            graph.addEdge(from: edge.from, to: edge.to, edge.attributes)
        }
        return graph
    }

    /// Draws `model`'s graph into `path`, as SVG or PNG by the extension; see
    /// `dot(for:inputShape:level:title:)`.
    /// - Parameters:
    ///   - model: any module.
    ///   - inputShape: with an input shape, each node shows its output shape.
    ///   - level: `.block` or `.layer`.
    ///   - title: the caption at the top; nil for the default one.
    ///   - path: the image file; its extension (`.svg` or `.png`) picks the format.
    /// - Throws: `GraphRenderError`: `.unsupportedFileExtension` for another extension,
    ///   `.couldNotWriteFile` for an unwritable path, or Graphviz's failure
    ///   (`.graphvizUnavailable`, `.invalidDOT`, `.layoutFailed`, `.renderFailed`).
    public static func write(
        for model: Module, inputShape: [Int]? = nil, level: Level = .block,
        title: String? = nil, to path: String
    ) throws(GraphRenderError) {
        let graph = dot(for: model, inputShape: inputShape, level: level, title: title)
        try GraphRenderer.write(graph, to: path)
    }
}
