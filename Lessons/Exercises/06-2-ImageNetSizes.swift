import ExerciseKit

/// Exercise 06.2 · From 224 to 7: the spatial sizes through an ImageNet ResNet.
///
/// Lesson 06, "224 → 7: the sizes, worked out": the stem is a 7×7 convolution with stride 2 and
/// padding 3, then a 3×3 max pool with stride 2 and padding 1; layer1 keeps the size, and
/// layer2, layer3 and layer4 each start with a 3×3 convolution of stride 2 and padding 1.
/// An output side is ⌊(side + 2·padding − kernel) / stride⌋ + 1.
///
/// Task: for an input of side `side`, return the six sides after conv1, the max pool,
/// layer1, layer2, layer3 and layer4 (224 gives [112, 56, 56, 28, 14, 7]). Any side ≥ 1
/// works: the network accepts any input size, and the average pool makes the head
/// indifferent to what is left.
///
/// Graded by: ResNet-18 run child by child on inputs of random sides, odd ones included.
public func imagenetSides(_ side: Int) throws -> [Int] {
    throw NotAttempted()  // delete this line and write the exercise
}
