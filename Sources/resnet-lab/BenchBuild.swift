import Kernels
import Randomness
import ResNetModels

/// How long building a model takes: every layer allocated and every weight drawn from the
/// seeded generator (Kaiming normal for the convolutions), as `ResNet.named` does.
enum BuildBench {
    static let models = [
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "cifar-resnet110",
        "ablation-res-56",
    ]

    static func measure(repeats: Int, onEach: (BuildResult) -> Void) throws -> [BuildResult] {
        var results: [BuildResult] = []
        for name in models {
            var parameters = 0
            let seconds = Timing.medianSeconds(repeats: repeats) {
                var generator = SeededGenerator(seed: 0)
                parameters = (try? ResNet.named(name, generator: &generator))?.parameterCount ?? 0
            }
            let result = BuildResult(model: name, parameters: parameters, seconds: seconds)
            onEach(result)
            results.append(result)
        }
        return results
    }
}

/// One model's build time (`bench --json`: `build`).
struct BuildResult: Codable {
    var model: String
    var parameters: Int
    var seconds: Double
}
