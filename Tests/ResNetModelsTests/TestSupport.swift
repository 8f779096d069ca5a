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
