import NN
import Randomness
import ResNetModels
import TensorCore
import Testing

/// Expects two arrays to have the same length and agree elementwise within
/// `absolute + relative · |expected|`.
func expectClose(
    _ actual: [Float], _ expected: [Float], relative: Float = 1e-4, absolute: Float = 1e-5,
    _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.count == expected.count,
        "\(what): \(actual.count) values, expected \(expected.count)",
        sourceLocation: sourceLocation)
    var worst: (index: Int, actual: Float, expected: Float)?
    var mismatches = 0
    for (index, (a, e)) in zip(actual, expected).enumerated()
    where !(abs(a - e) <= absolute + relative * abs(e)) {
        mismatches += 1
        if worst == nil || abs(a - e) > abs(worst!.actual - worst!.expected) {
            worst = (index, a, e)
        }
    }
    let report =
        "\(what): \(mismatches) of \(expected.count) values differ; worst at "
        + "\(worst?.index ?? -1): \(worst?.actual ?? 0) vs expected \(worst?.expected ?? 0)"
    #expect(mismatches == 0, "\(report)", sourceLocation: sourceLocation)
}

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
