/// Exercise 05.1's reference solution (see `Lessons/Exercises/05-1-BottleneckCost.swift`).
public func bottleneckCost(
    inputChannels: Int, width: Int, stride: Int, height: Int, imageWidth: Int
) throws -> (parameters: Int, multAdds: Int) {
    let output = 4 * width
    let (rows, columns) = ((height + stride - 1) / stride, (imageWidth + stride - 1) / stride)
    // (input channels, output channels, kernel side, output pixels) of each convolution.
    var convolutions = [
        (inputChannels, width, 1, height * imageWidth),
        (width, width, 3, rows * columns),
        (width, output, 1, rows * columns),
    ]
    var norms = [width, width, output]
    if stride != 1 || inputChannels != output {
        convolutions.append((inputChannels, output, 1, rows * columns))
        norms.append(output)
    }
    let weights = convolutions.reduce(0) { $0 + $1.0 * $1.1 * $1.2 * $1.2 }
    let normParameters = 2 * norms.reduce(0, +)
    let multAdds = convolutions.reduce(0) { $0 + $1.1 * $1.3 * $1.0 * $1.2 * $1.2 }
    // torchinfo's convention: a batch norm's mult-adds are its parameter count.
    return (weights + normParameters, multAdds + normParameters)
}
