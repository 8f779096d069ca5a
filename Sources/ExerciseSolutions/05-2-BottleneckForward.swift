import ResNetModels
import TensorCore

/// Exercise 05.2's reference solution (see `Lessons/Exercises/05-2-BottleneckForward.swift`).
public func bottleneckForward(_ block: Bottleneck, _ x: Tensor) throws -> Tensor {
    var out = block.relu(block.bn1(block.conv1(x)))
    out = block.relu(block.bn2(block.conv2(out)))
    out = block.bn3(block.conv3(out))
    if let shortcut = block.shortcut { out = out + shortcut(x) }
    return block.relu(out)
}
