import ResNetModels
import TensorCore

/// Exercise 11.1's reference solution (see `Lessons/Exercises/11-1-StageShapes.swift`).
public func stageOutputShapes(_ model: ResNet, _ x: Tensor) throws -> [[Int]] {
    var shapes: [[Int]] = []
    let ids = model.layers.map { stage in
        stage.registerForwardHook { _, _, output in shapes.append(output.shape) }
    }
    _ = Tensor.withoutGrad { model(x) }
    for (stage, id) in zip(model.layers, ids) { stage.removeForwardHook(id) }
    return shapes
}
