import NN
import Randomness
import ResNetModels
import TensorCore
import TestSupport
import Testing

/// The weighted layers of `model` counted from its module tree, independently of the blocks'
/// own counts: every `Conv2d` and `Linear` outside a projection shortcut (`downsample`).
func countWeightedLayers(_ model: Module) -> Int {
    model.namedModules().filter { name, module in
        (module is Conv2d || module is Linear)
            && !name.split(separator: ".").contains("downsample")
    }.count
}

/// Gives every batch norm of `model` the affine weights and running statistics a trained net
/// might have: γ and the running variance in 0.5..<1.5, β and the running mean in
/// -0.5..<0.5, drawn from `generator` batch norm by batch norm.
func randomizeBatchNorms(_ model: Module, generator: inout SeededGenerator) {
    for norm in model.namedModules().compactMap({ $0.module as? BatchNorm2d }) {
        let c = norm.channels
        norm.weight.data = (0..<c).map { _ in 0.5 + generator.nextUnitFloat() }
        norm.bias.data = (0..<c).map { _ in generator.nextUnitFloat() - 0.5 }
        norm.runningMean.data = (0..<c).map { _ in generator.nextUnitFloat() - 0.5 }
        norm.runningVar.data = (0..<c).map { _ in 0.5 + generator.nextUnitFloat() }
    }
}

/// torchvision's five ResNets (1000 classes, 3 channels), each built once per test run (all
/// five take a few seconds to initialise) and left in eval mode. Tests only read them.
enum ImageNetModels {
    static let depths = [18, 34, 50, 101, 152]

    static func model(depth: Int) -> ResNet {
        switch depth {
        case 18: resnet18
        case 34: resnet34
        case 50: resnet50
        case 101: resnet101
        default: resnet152
        }
    }

    nonisolated(unsafe) private static let resnet18 = build(18)
    nonisolated(unsafe) private static let resnet34 = build(34)
    nonisolated(unsafe) private static let resnet50 = build(50)
    nonisolated(unsafe) private static let resnet101 = build(101)
    nonisolated(unsafe) private static let resnet152 = build(152)

    private static func build(_ depth: Int) -> ResNet {
        var generator = SeededGenerator(seed: UInt64(depth))
        let model = ResNet.resnet(depth: depth, generator: &generator)
        model.eval()
        return model
    }
}
