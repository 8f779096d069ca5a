/// Exercise 06.3's reference solution (see `Lessons/Exercises/06-3-ResNetParameters.swift`).
public func resnetParameterCount(
    bottleneck: Bool, blocksPerStage: [Int], stageWidths: [Int], inputChannels: Int,
    classes: Int
) throws -> Int {
    /// A convolution without bias and its batch norm.
    func convBN(_ input: Int, _ output: Int, _ kernel: Int) -> Int {
        input * output * kernel * kernel + 2 * output
    }
    let expansion = bottleneck ? 4 : 1
    var total = convBN(inputChannels, stageWidths[0], 7)
    var channels = stageWidths[0]
    for (stage, (blocks, width)) in zip(blocksPerStage, stageWidths).enumerated() {
        for index in 0..<blocks {
            let stride = stage > 0 && index == 0 ? 2 : 1
            let output = width * expansion
            total +=
                bottleneck
                ? convBN(channels, width, 1) + convBN(width, width, 3) + convBN(width, output, 1)
                : convBN(channels, width, 3) + convBN(width, width, 3)
            if stride != 1 || channels != output { total += convBN(channels, output, 1) }
            channels = output
        }
    }
    return total + channels * classes + classes
}
