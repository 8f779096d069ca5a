import Datasets
import Randomness

/// A tiny problem: 8×8 grayscale images of one bright bar on noise, in four classes (a
/// horizontal bar near the top, near the bottom, a vertical bar near the left, near the
/// right). Seeded: the same `seed` gives the same images.
public func barsDataset(count: Int, seed: UInt64, name: String = "bars") -> Dataset {
    var generator = SeededGenerator(seed: seed)
    var pixels: [Float] = []
    var labels: [Int] = []
    for n in 0..<count {
        let label = n % 4
        let offset = Int(generator.next() % 2)  // the bar moves by a pixel
        for y in 0..<8 {
            for x in 0..<8 {
                let onBar: Bool
                switch label {
                case 0: onBar = y == 1 + offset
                case 1: onBar = y == 5 + offset
                case 2: onBar = x == 1 + offset
                default: onBar = x == 5 + offset
                }
                pixels.append((onBar ? 0.7 : 0) + 0.3 * generator.nextUnitFloat())
            }
        }
        labels.append(label)
    }
    return try! Dataset(
        name: name, images: pixels, labels: labels, channels: 1, height: 8, width: 8,
        classNames: ["top", "bottom", "left", "right"])
}
