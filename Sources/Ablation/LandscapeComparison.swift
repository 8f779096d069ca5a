import Foundation
import Randomness
import TextFormat

/// Loss landscapes of several trained nets, measured on the same training images along the
/// same filter-normalised directions: `resnet-lab landscape` and lesson 08's section on the
/// loss landscape.
///
/// The nets may come from different ablation runs (a 300-step run and a 2,000-step run, say),
/// so that nets can be compared at matched training loss rather than at matched steps. Each
/// direction pair is drawn from the comparison's own seed, not the nets' seeds: nets with the
/// same parameter shapes (every plain and residual net of one depth) are moved along the same
/// Gaussian draws, each rescaled filter by filter to its own weights
/// (``FilterNormalizedDirection``).
///
/// Written to `landscape.json` after each net's landscape along each pair, so an interrupted
/// comparison resumes where it stopped.
public struct LandscapeComparison: Codable, Equatable, Sendable {
    /// How the landscapes are measured; every net of a comparison uses the same settings.
    public struct Settings: Codable, Equatable, Sendable {
        /// Training images each point is measured on (the first ones of the training set).
        public var images = 256
        /// The largest step along a direction, in filter norms.
        public var radius = 1.0
        /// `--points`: points along each 1D slice, odd, from −radius to +radius.
        public var slicePoints = 41
        /// `--grid`: points per side of each 2D grid, odd.
        public var gridPoints = 21
        /// `--pairs`: direction pairs, each a 2D grid and a 1D slice along its first direction.
        public var directionPairs = 3
        /// `--direction-seed`: the seed the Gaussian draws of every pair come from.
        public var directionSeed: UInt64 = 0

        /// The default settings: 256 images, radius 1, 41-point slices, 21 × 21 grids, 3 pairs.
        public init() {}

        /// Checks every setting, naming the flag at fault.
        /// - Throws: `AblationError.invalidConfiguration`.
        public func validate() throws(AblationError) {
            try require(images >= 1, "--images must be at least 1, got \(images)")
            try require(
                radius > 0 && radius.isFinite, "--radius must be a positive number, got \(radius)")
            try require(
                slicePoints >= 3 && slicePoints % 2 == 1,
                "--points must be odd and at least 3 (so that 0 is a point), got \(slicePoints)")
            try require(
                gridPoints >= 3 && gridPoints % 2 == 1,
                "--grid must be odd and at least 3 (so that 0 is a point), got \(gridPoints)")
            try require(directionPairs >= 1, "--pairs must be at least 1, got \(directionPairs)")
        }

        /// The seeds of pair `index`'s two directions.
        public func directionSeeds(pair index: Int) -> (UInt64, UInt64) {
            var generator = SeededGenerator(seed: directionSeed ^ 0x1A4D_5CA9)
            var seeds: (UInt64, UInt64) = (0, 0)
            for _ in 0...index { seeds = (generator.next(), generator.next()) }
            return seeds
        }
    }

    /// One trained net and its landscapes.
    public struct Entry: Codable, Equatable, Sendable {
        /// The weights file, as given: `Docs/ablation/nets/res-56-seed3.safetensors`.
        public var weights: String
        /// The net's name: `"plain-56"`.
        public var net: String
        /// The seed of the run that trained it.
        public var seed: UInt64
        /// SGD steps it was trained for.
        public var iterations: Int
        /// Its training error over its last 20 steps (training-mode batches), from its record.
        public var trainingError: Double
        /// Its test error, from its record.
        public var testError: Double
        /// One landscape per direction pair measured so far, in pair order.
        public var landscapes: [LossLandscape]

        /// What the figures and tables call it: `plain-56, 2,000 steps, seed 0`.
        public var label: String { "\(net), \(Format.grouped(iterations)) steps, seed \(seed)" }

        /// The loss at the trained weights, on the comparison's images (the slice's centre).
        public var centreLoss: Double? {
            landscapes.first.map { $0.slice[$0.slice.count / 2].loss }
        }
    }

    /// The settings every landscape was measured with.
    public var settings: Settings
    /// The nets, in the order given.
    public var nets: [Entry]

    /// An empty comparison with `settings`.
    public init(settings: Settings, nets: [Entry] = []) {
        self.settings = settings
        self.nets = nets
    }
}

extension LossLandscape {
    /// The loss at the trained weights (the middle of the slice).
    public var centreLoss: Double { slice[slice.count / 2].loss }

    /// The mean loss of the slice's two points at ±`step`, divided by the centre's: how far
    /// the loss rises that far out (nil when the slice has no such points).
    public func rise(at step: Double) -> Double? {
        let points = steps.indices.filter { abs(abs(steps[$0]) - step) < 1e-9 }
        guard points.count == 2 else { return nil }
        return points.map { slice[$0].loss }.reduce(0, +) / 2 / centreLoss
    }

    /// Points of the slice lower than both neighbours (the ends are not counted).
    public var sliceMinima: Int {
        (1..<(slice.count - 1)).count {
            slice[$0].loss < slice[$0 - 1].loss && slice[$0].loss < slice[$0 + 1].loss
        }
    }

    /// The grid's local minima: the points lower than all eight neighbours (the border is not
    /// counted), as `grid[row][column]` positions with their loss, row by row.
    public var gridMinimumPoints: [(row: Int, column: Int, loss: Double)] {
        let n = grid.count
        guard n >= 3 else { return [] }
        var points: [(row: Int, column: Int, loss: Double)] = []
        for j in 1..<(n - 1) {
            for i in 1..<(n - 1) {
                let v = grid[j][i]
                let lower = (-1...1).allSatisfy { dj in
                    (-1...1).allSatisfy { di in (di == 0 && dj == 0) || v < grid[j + dj][i + di] }
                }
                if lower { points.append((j, i, v)) }
            }
        }
        return points
    }

    /// How many points of the grid are lower than all eight neighbours (``gridMinimumPoints``).
    public var gridMinima: Int { gridMinimumPoints.count }

    /// Along the 2D grid's rays from the centre (the 8 compass directions), the steps outward
    /// on which the loss falls, and all the steps: a bowl that only rises has none.
    public var outwardDescents: (falling: Int, steps: Int) {
        let n = grid.count
        let c = n / 2
        var falling = 0
        var total = 0
        for (di, dj) in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)] {
            var previous = grid[c][c]
            var k = 1
            while c + k * di >= 0 && c + k * di < n && c + k * dj >= 0 && c + k * dj < n {
                let value = grid[c + k * dj][c + k * di]
                if value < previous { falling += 1 }
                total += 1
                previous = value
                k += 1
            }
        }
        return (falling, total)
    }
}

extension LandscapeComparison {
    /// One row per net and direction pair: the net's training and test error from its record,
    /// the loss at the trained weights on the comparison's images, how far the loss rises at
    /// ±0.25 and ±0.5 (times the centre's), the local minima of the slice and the grid, and the
    /// grid's steps outward on which the loss falls.
    public var markdownTable: String {
        var lines = [
            "| net | pair | training error (last 20 steps) | test error | loss at the centre "
                + "| × at ±0.25 | × at ±0.5 | slice minima | grid minima | falling steps outward |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        func fixed(_ value: Double?, _ digits: Int) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? "–"
        }
        for entry in nets {
            for (pair, landscape) in entry.landscapes.enumerated() {
                let descents = landscape.outwardDescents
                lines.append(
                    "| \(entry.label) | \(pair + 1) | \(fixed(100 * entry.trainingError, 1))% "
                        + "| \(fixed(100 * entry.testError, 2))% | \(fixed(landscape.centreLoss, 3)) "
                        + "| \(fixed(landscape.rise(at: 0.25), 2)) | \(fixed(landscape.rise(at: 0.5), 2)) "
                        + "| \(landscape.sliceMinima) | \(landscape.gridMinima) "
                        + "| \(descents.falling) of \(descents.steps) |")
            }
        }
        return lines.joined(separator: "\n")
    }
}
