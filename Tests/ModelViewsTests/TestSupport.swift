import Foundation
import GraphRender
import NN
import Randomness
import ResNetModels
import Testing

// Small models and graph queries shared by the tests.

/// Lesson 08's ablation-18 (residual or its plain twin): 195,450 parameters, 28x28 input.
func ablation18(residual: Bool = true, seed: UInt64 = 1) -> ResNet {
    var generator = SeededGenerator(seed: seed)
    return ResNet.ablation(depth: 18, residual: residual, generator: &generator)
}

/// torchvision's ResNet-18 (11,689,512 parameters).
func resnet18(residual: Bool = true) -> ResNet {
    var generator = SeededGenerator(seed: 2)
    return ResNet.resnet18(residual: residual, generator: &generator)
}

/// The input of the ablation family: one 28x28 grayscale image.
let fashionInput = [1, 1, 28, 28]

extension DOTGraph {
    /// The ids of the nodes whose `class` attribute is `nodeClass`.
    func nodeIDs(ofClass nodeClass: String) -> [String] {
        nodes.filter { $0.attributes["class"] == .string(nodeClass) }.map(\.id)
    }

    /// The edges drawn as skip connections.
    var skipEdges: [DOTEdge] {
        edges.filter { $0.attributes["class"] == "skip" }
    }

    /// The text of a node's label (HTML or plain).
    func labelText(of id: String) -> String? {
        guard let node = nodes.first(where: { $0.id == id && $0.attributes["label"] != nil })
        else { return nil }
        switch node.attributes["label"] {
        case .string(let text)?: return text
        case .html(let markup)?: return markup
        case nil: return nil
        }
    }
}

extension DOTEdge {
    /// The edge's label text, or nil.
    var labelText: String? {
        if case .string(let text)? = attributes["label"] {
            return text.trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}

/// Every module's training flag, by name.
func trainingFlags(_ model: Module) -> [String: Bool] {
    Dictionary(uniqueKeysWithValues: model.namedModules().map { ($0.name, $0.module.training) })
}
