import ResNetModels
import TensorCore

/// Exercise 08.3's reference solution (see `Lessons/Exercises/08-3-DeleteBlock.swift`).
public func forwardDeleting(block index: Int, of net: ResNet, _ x: Tensor) throws -> Tensor {
    var out = net.conv1(x)
    if let bn1 = net.bn1 { out = net.relu(bn1(out)) }
    if let maxpool = net.maxpool { out = maxpool(out) }
    for (position, block) in net.blocks.enumerated() {
        // The deleted block leaves its shortcut: no branch, no ReLU.
        out = position == index ? block.shortcut!(out) : block(out)
    }
    if let bn = net.bn { out = net.relu(bn(out)) }
    return net.fc(net.avgpool(out).flattened(startDim: 1))
}
