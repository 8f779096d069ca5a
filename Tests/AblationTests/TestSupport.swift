import Ablation
import Datasets
import Foundation
import Randomness
import Testing
import Training

/// A small learnable problem: 10×10 grayscale images, each a bright 3×3 square on noise,
/// whose corner (one of four) is the class. Seeded, so every test sees the same images.
func cornerSquares(count: Int, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    let side = 10
    var images = [Float](repeating: 0, count: count * side * side)
    var labels: [Int] = []
    for n in 0..<count {
        let label = Int(generator.next() % 4)
        labels.append(label)
        let (top, left) = (label / 2 * 6 + 1, label % 2 * 6 + 1)
        for i in 0..<(side * side) {
            let (row, column) = (i / side, i % side)
            let inside = (top..<top + 3).contains(row) && (left..<left + 3).contains(column)
            images[n * side * side + i] = 0.4 * generator.nextUnitFloat() + (inside ? 0.6 : 0)
        }
    }
    return try! Dataset(
        name: "corner squares", images: images, labels: labels, channels: 1, height: side,
        width: side, classNames: ["top left", "top right", "bottom left", "bottom right"])
}

/// An ablation of the two smallest depths on the corner squares: a few seconds.
func tinyAblation() -> AblationConfig {
    var config = AblationConfig()
    config.depths = [8, 10]
    config.seeds = [7]
    config.iterations = 6
    config.decayIterations = 2
    config.batchSize = 16
    config.learningRate = 0.05
    config.window = 3
    config.evaluations = 2
    config.evaluationImages = 32
    config.analysis.diagnosticImages = 8
    config.analysis.shatteredPairs = 4
    config.analysis.lesionImages = 32
    config.analysis.landscapeImages = 16
    config.analysis.landscapePoints = 3
    config.analysis.landscapeGrid = 3
    return config
}

/// The data of the tiny ablation.
func tinyData(_ config: AblationConfig = tinyAblation()) throws -> AblationData {
    try AblationData(
        train: cornerSquares(count: 96, seed: 1), test: cornerSquares(count: 48, seed: 2),
        config: config)
}

/// A run of `config` (the tiny ablation by default) in `directory`, on its data and `threads`
/// threads, silent unless `progress` says otherwise.
func tinyRun(
    _ directory: String, config: AblationConfig = tinyAblation(), threads: Int = 1,
    netsAtOnce: Int? = nil, progress: ProgressDisplay = ProgressDisplay(.silent)
) throws -> AblationRun {
    try AblationRun(
        config: config, directory: directory, threads: threads, netsAtOnce: netsAtOnce,
        data: tinyData(config), progress: progress)
}

/// Expects every net of the tiny ablation (seed 7) in `run` to have recorded exactly what
/// it recorded in `reference`: each step's loss and error, the test errors along the way and
/// at the end.
func expectSameRecords(
    _ run: AblationRun, as reference: AblationRun,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    for net in tinyAblation().nets {
        let mine = try run.result(net, seed: 7)
        let theirs = try reference.result(net, seed: 7)
        #expect(mine.stepLoss == theirs.stepLoss, "\(net.name)", sourceLocation: sourceLocation)
        #expect(mine.stepError == theirs.stepError, "\(net.name)", sourceLocation: sourceLocation)
        #expect(
            mine.evaluations == theirs.evaluations, "\(net.name)", sourceLocation: sourceLocation)
        #expect(mine.test == theirs.test, "\(net.name)", sourceLocation: sourceLocation)
    }
}

/// A fresh, empty directory under the system's temporary directory.
func freshDirectory(_ label: String) -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "ablation-\(label)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}
