import GraphRender
import NN
import ResNetModels

/// The look of model graphs: one fill colour per kind of layer, red for everything on a
/// shortcut path, grey boxes for stages. Self-explanatory without a legend: every node names
/// its layer, and every shortcut that does work says what it does.
enum GraphStyle {
    static let font: DOTValue = "Helvetica"
    /// Skip connections and the additions they feed.
    static let shortcutColor: DOTValue = "#c0392b"
    static let mainEdgeColor: DOTValue = "#555555"
    static let shapeTextColor = "#666666"

    /// The `class` attribute of a node for `module` (written into SVG as a CSS class, and
    /// read by tests): `conv`, `bn`, `relu`, `pool`, `linear`, `block` or `layer`.
    static func nodeClass(of module: Module) -> String {
        switch module {
        case is any ResidualBlock: "block"
        case is Conv2d: "conv"
        case is BatchNorm2d: "bn"
        case is ReLU: "relu"
        case is MaxPool2d, is AdaptiveAvgPool2d: "pool"
        case is Linear: "linear"
        default: "layer"
        }
    }

    /// The fill colour of a node of class `nodeClass`.
    static func fill(_ nodeClass: String) -> DOTValue {
        switch nodeClass {
        case "block": "#e8eef8"
        case "conv": "#cfe2f3"
        case "bn": "#fff2cc"
        case "relu": "#d9ead3"
        case "pool": "#e6dcef"
        case "linear": "#fce5cd"
        case "input": "#ffffff"
        default: "#eeeeee"
        }
    }

    /// Graph-wide settings: top to bottom, compact, one font.
    static func apply(to graph: inout DOTGraph, title: String) {
        graph.setAttribute("rankdir", "TB")
        graph.setAttribute("fontname", font)
        graph.setAttribute("fontsize", "12")
        graph.setAttribute("label", .string(title))
        graph.setAttribute("labelloc", "t")
        graph.setAttribute("nodesep", "0.25")
        graph.setAttribute("ranksep", "0.22")
        graph.setNodeDefaults([
            "shape": "box", "style": "rounded,filled", "fontname": font, "fontsize": "11",
            "margin": "0.12,0.04", "height": "0.3", "penwidth": "0.8",
        ])
        graph.setEdgeDefaults([
            "color": mainEdgeColor, "arrowsize": "0.6", "fontname": font, "fontsize": "9",
        ])
    }

    /// Attributes of a stage (or stem, head) cluster.
    static func stageCluster(label: String) -> DOTAttributes {
        [
            "label": .string(label), "style": "rounded,filled", "fillcolor": "#f6f6f6",
            "color": "#c8c8c8", "fontname": font, "fontsize": "11", "labeljust": "l",
            "margin": "8",
        ]
    }

    /// Attributes of a block cluster (layer-level graphs).
    static func blockCluster(label: String) -> DOTAttributes {
        [
            "label": .html(label), "style": "rounded,filled", "fillcolor": "#ffffff",
            "color": "#9fb4d8", "fontname": font, "fontsize": "10", "labeljust": "l",
            "margin": "6",
        ]
    }

    /// The ⊕ node of a residual addition.
    static let addNode: DOTAttributes = [
        "label": "+", "shape": "circle", "style": "filled", "fillcolor": "#ffffff",
        "color": shortcutColor, "fontcolor": shortcutColor, "fontsize": "14", "width": "0.28",
        "fixedsize": "true", "penwidth": "1.4", "class": "add",
    ]

    /// Attributes of an edge on a shortcut path, labelled with what the path computes.
    static func shortcutEdge(label: String?) -> DOTAttributes {
        var attributes: DOTAttributes = [
            "color": shortcutColor, "penwidth": "1.6", "fontcolor": shortcutColor,
            "class": "skip",
        ]
        if let label { attributes["label"] = .string(" " + label + " ") }
        return attributes
    }
}
