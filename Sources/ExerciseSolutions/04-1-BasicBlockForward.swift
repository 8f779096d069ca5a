import ResNetModels
import TensorCore

/// Exercise 04.1's reference solution (see `Lessons/Exercises/04-1-BasicBlockForward.swift`).
public func basicBlockForward(_ block: BasicBlock, _ x: Tensor) throws -> Tensor {
    var out = block.relu(block.bn1(block.conv1(x)))
    out = block.bn2(block.conv2(out))
    if let shortcut = block.shortcut { out = out + shortcut(x) }
    return block.relu(out)
}
