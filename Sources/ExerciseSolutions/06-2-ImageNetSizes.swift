/// Exercise 06.2's reference solution (see `Lessons/Exercises/06-2-ImageNetSizes.swift`).
public func imagenetSides(_ side: Int) throws -> [Int] {
    func out(_ side: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (side + 2 * padding - kernel) / stride + 1
    }
    let conv1 = out(side, kernel: 7, stride: 2, padding: 3)
    let pool = out(conv1, kernel: 3, stride: 2, padding: 1)
    let layer2 = out(pool, kernel: 3, stride: 2, padding: 1)
    let layer3 = out(layer2, kernel: 3, stride: 2, padding: 1)
    let layer4 = out(layer3, kernel: 3, stride: 2, padding: 1)
    return [conv1, pool, pool, layer2, layer3, layer4]
}
