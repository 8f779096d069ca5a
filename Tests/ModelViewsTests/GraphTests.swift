import Foundation
import GraphRender
import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

@testable import ModelViews

@Suite("Model graphs")
struct GraphTests {
    @Test("ResNet-18, block level: a node, a + and a skip edge per block")
    func resnet18Blocks() throws {
        let graph = ModelGraph.dot(for: resnet18(), level: .block)
        let blocks = graph.nodeIDs(ofClass: "block")
        #expect(
            blocks == [
                "layer1.0", "layer1.1", "layer2.0", "layer2.1", "layer3.0", "layer3.1",
                "layer4.0", "layer4.1",
            ])
        #expect(graph.nodeIDs(ofClass: "add").count == 8)
        #expect(graph.nodeIDs.count == 23)  // input, 4 stem, 8 blocks, 8 adds, avgpool, fc
        #expect(graph.skipEdges.count == 8)
        // Every skip edge runs from a block's input to that block's + node.
        for edge in graph.skipEdges {
            let block = String(edge.to.dropLast(2))
            #expect(edge.to.hasSuffix(" +") && blocks.contains(block))
            #expect(graph.edges.contains { $0.from == edge.from && $0.to == block })
        }
        let projections = graph.skipEdges.filter { $0.labelText == "1×1 conv /2 + BN" }
        #expect(projections.map(\.to) == ["layer2.0 +", "layer3.0 +", "layer4.0 +"])
        #expect(graph.skipEdges.filter { $0.labelText == nil }.count == 5)
        #expect(graph.labelText(of: "layer2.0")?.contains("BasicBlock 64→128 /2") == true)
        #expect(
            graph.clusters.map(\.name) == [
                "cluster_stem", "cluster_layer1", "cluster_layer2",
                "cluster_layer3", "cluster_layer4", "cluster_head",
            ])
    }

    @Test("plain twins have no skip edges and no + nodes", arguments: [18, 34])
    func plainTwins(depth: Int) {
        var generator = SeededGenerator(seed: 5)
        let model = ResNet.ablation(depth: depth, residual: false, generator: &generator)
        for level in ModelGraph.Level.allCases {
            let graph = ModelGraph.dot(for: model, level: level)
            #expect(graph.skipEdges.isEmpty)
            #expect(graph.nodeIDs(ofClass: "add").isEmpty)
        }
        let blockLevel = ModelGraph.dot(for: model, level: .block)
        #expect(blockLevel.nodeIDs(ofClass: "block").count == model.blocks.count)
        #expect(blockLevel.attributes["label"]?.dotText.contains("plain") == true)
    }

    @Test("option A shortcuts are labelled as subsampling and zero-padding")
    func zeroPaddingLabels() {
        let graph = ModelGraph.dot(for: ablation18(), level: .block)
        #expect(graph.skipEdges.count == 8)
        let labelled = graph.skipEdges.filter { $0.labelText == "subsample /2 + zero-pad" }
        #expect(labelled.map(\.to) == ["layer2.0 +", "layer3.0 +"])
    }

    @Test("ResNet-18, layer level: a node per convolution, the + before each block's last ReLU")
    func resnet18Layers() throws {
        let model = resnet18()
        let graph = ModelGraph.dot(for: model, level: .layer)
        let convCount = model.namedModules().filter { $0.module is Conv2d }.count
        #expect(convCount == 20)
        #expect(graph.nodeIDs(ofClass: "conv").count == convCount)
        #expect(graph.nodeIDs(ofClass: "bn").count == 20)
        #expect(graph.nodeIDs(ofClass: "relu").count == 1 + 2 * 8)  // stem, then 2 per block
        #expect(graph.nodeIDs(ofClass: "block").isEmpty)
        let adds = graph.nodeIDs(ofClass: "add")
        #expect(adds.count == 8)
        for add in adds {
            let block = String(add.dropLast(2))
            #expect(graph.edges.contains { $0.from == "\(block).bn2" && $0.to == add })
            #expect(graph.edges.contains { $0.from == add && $0.to == "\(block).relu#2" })
        }
        // A projection runs through the downsample layers; an identity skips straight to +.
        #expect(
            graph.edges.contains {
                $0.from == "layer1.1.relu#2" && $0.to == "layer2.0.downsample.0"
            })
        #expect(
            graph.edges.contains { $0.from == "layer2.0.downsample.1" && $0.to == "layer2.0 +" })
        #expect(graph.edges.contains { $0.from == "layer2.0.relu#2" && $0.to == "layer2.1 +" })
        #expect(graph.skipEdges.count == 5 + 3 * 3)
        // A cluster per stage, inside it a cluster per block.
        let layer2 = try #require(graph.clusters.first { $0.name == "cluster_layer2" })
        #expect(layer2.clusters.map(\.name) == ["cluster_layer2_0", "cluster_layer2_1"])
    }

    @Test("pre-activation shape-changing shortcuts start at the pre-activated input")
    func preActivationLayers() {
        var generator = SeededGenerator(seed: 6)
        let model = ResNet.preActivation(depth: 8, generator: &generator)
        let graph = ModelGraph.dot(for: model, inputShape: [1, 3, 16, 16], level: .layer)
        #expect(graph.skipEdges.count == 3)
        #expect(graph.skipEdges.contains { $0.from == "layer2.0.relu" && $0.to == "layer2.0 +" })
        #expect(graph.skipEdges.contains { $0.from == "conv1" && $0.to == "layer1.0 +" })
        #expect(graph.edges.contains { $0.from == "layer2.0.conv2" && $0.to == "layer2.0 +" })
    }

    @Test("with an input shape, nodes show their output shapes")
    func shapesInLabels() throws {
        let graph = ModelGraph.dot(for: ablation18(), inputShape: fashionInput, level: .block)
        #expect(graph.labelText(of: "input")?.contains("[1, 1, 28, 28]") == true)
        #expect(graph.labelText(of: "layer2.0")?.contains("[1, 32, 14, 14]") == true)
        #expect(graph.labelText(of: "fc")?.contains("[1, 10]") == true)
        let layers = ModelGraph.dot(for: ablation18(), inputShape: fashionInput, level: .layer)
        #expect(layers.labelText(of: "layer3.0.conv1")?.contains("[1, 64, 7, 7]") == true)
        let noShapes = ModelGraph.dot(for: ablation18(), level: .layer)
        #expect(noShapes.labelText(of: "layer3.0.conv1")?.contains("[") == false)
    }

    @Test("drawing a graph leaves the model's training flags as they were")
    func leavesModelAsItWas() {
        let model = ablation18()
        model.layers[2].eval()
        let flags = trainingFlags(model)
        _ = ModelGraph.dot(for: model, inputShape: fashionInput, level: .layer)
        _ = ModelGraph.dot(for: model, level: .layer)
        #expect(trainingFlags(model) == flags)
    }

    @Test("a Sequential is a chain of layer nodes")
    func sequentialChain() {
        var generator = SeededGenerator(seed: 7)
        let model = Sequential(
            Conv2d(inputChannels: 1, outputChannels: 2, kernelSize: 3, generator: &generator),
            BatchNorm2d(2), ReLU(), Flatten(),
            Linear(inputFeatures: 2 * 3 * 3, outputFeatures: 2, generator: &generator))
        let graph = ModelGraph.dot(for: model, inputShape: [1, 1, 5, 5])
        #expect(graph.nodeIDs == ["input", "0", "1", "2", "3", "4"])
        #expect(
            graph.edges.map { "\($0.from)->\($0.to)" } == [
                "input->0", "0->1", "1->2", "2->3", "3->4",
            ])
        #expect(graph.clusters.isEmpty)
        #expect(graph.labelText(of: "4")?.contains("Linear 18→2") == true)
    }

    @Test("renders to SVG with the block labels")
    func rendersSVG() throws {
        let graph = ModelGraph.dot(for: ablation18(), inputShape: fashionInput)
        let svg = try GraphRenderer.svg(graph)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("layer2.0"))
        #expect(svg.contains("BasicBlock 16→32 /2"))
        #expect(svg.contains("subsample /2 + zero&#45;pad"))  // Graphviz escapes "-"
    }

    @Test("writes PNG files and rejects other extensions")
    func writesFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("modelviews-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ablation.png").path
        try ModelGraph.write(for: ablation18(), level: .block, to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(throws: GraphRenderError.self) {
            try ModelGraph.write(
                for: ablation18(), to: directory.appendingPathComponent("a.jpg").path)
        }
    }
}
