import Ablation
import Foundation
import Testing
import Training

@Suite("Loss landscapes of several nets along shared directions")
struct LandscapeComparisonTests {
    /// Small settings: 2 pairs, 5-point slices, 3 × 3 grids, 16 images.
    private static var settings: LandscapeComparison.Settings {
        var settings = LandscapeComparison.Settings()
        settings.images = 16
        settings.slicePoints = 5
        settings.gridPoints = 3
        settings.directionPairs = 2
        settings.directionSeed = 5
        return settings
    }

    /// A trained tiny ablation (plain-8, res-8, plain-10, res-10 of seed 7) in a new directory.
    private static func trainedRun() throws -> (run: AblationRun, data: AblationData) {
        let config = tinyAblation()
        let data = try tinyData(config)
        let run = try AblationRun(
            config: config, directory: freshDirectory("landscape"), threads: 1, data: data,
            progress: ProgressDisplay(.silent))
        try run.prepare()
        #expect(try run.trainAll())
        return (run, data)
    }

    @Test("a weights path names its run, net and seed; anything else is refused, naming it")
    func locate() throws {
        let found = try LandscapeComparison.locate("runs/long/nets/plain-56-seed12.safetensors")
        #expect(found.net == AblationNet(depth: 56, residual: false))
        #expect(found.seed == 12)
        #expect(found.run.hasSuffix("runs/long"))
        for bad in [
            "runs/long/nets/plain-56-seed1.json", "runs/long/plain-56-seed1.safetensors",
            "runs/long/nets/wide-56-seed1.safetensors", "runs/long/nets/res-7-seed1.safetensors",
            "runs/long/nets/res-56-seedx.safetensors",
        ] {
            #expect {
                try LandscapeComparison.locate(bad)
            } throws: { error in
                (error as? AblationError)?.description.contains("'\(bad)'") == true
            }
        }
    }

    @Test("every net is measured along the same directions, its centre its own loss")
    func sharedDirections() throws {
        let (run, data) = try Self.trainedRun()
        let settings = Self.settings
        let nets = [AblationNet(depth: 8, residual: false), AblationNet(depth: 8, residual: true)]
        let paths = nets.map { run.directory.weightsPath($0, seed: 7) }
        var saves = 0
        let comparison = try #require(
            try LandscapeComparison.measure(
                weights: paths, settings: settings, data: data,
                save: { _ throws(AblationError) in saves += 1 },
                progress: ProgressDisplay(.silent)))
        #expect(saves == 5)  // after each of the 4 landscapes, then once at the end
        #expect(comparison.nets.map(\.net) == ["plain-8", "res-8"])
        let set = data.trainBatches(settings.images, batchSize: 256)
        for (net, entry) in zip(nets, comparison.nets) {
            let model = try run.trainedModel(net, seed: 7)
            let record = try run.result(net, seed: 7)
            #expect(entry.iterations == 6)
            #expect(entry.testError == record.test.error)
            let last = record.stepError.suffix(20)
            #expect(entry.trainingError == Double(last.reduce(0, +)) / Double(last.count))
            #expect(entry.landscapes.count == 2)
            #expect(entry.centreLoss == score(model, on: set).loss)
            // Pair 1 is the landscape measured directly along that pair's seeds.
            let seeds = settings.directionSeeds(pair: 1)
            let direct = try #require(
                LossLandscape(
                    model, net: net.name, on: set,
                    directions: FilterNormalizedDirection(for: model, seed: seeds.0),
                    FilterNormalizedDirection(for: model, seed: seeds.1),
                    steps: LossLandscape.steps(count: 5, radius: 1),
                    gridSteps: LossLandscape.steps(count: 3, radius: 1)))
            #expect(entry.landscapes[1] == direct)
            // The two pairs are different directions.
            #expect(entry.landscapes[0].slice != entry.landscapes[1].slice)
        }
        #expect(settings.directionSeeds(pair: 0) != settings.directionSeeds(pair: 1))
        #expect(comparison.markdownTable.split(separator: "\n").count == 2 + 4)
        #expect(comparison.figures.map(\.name) == LandscapeComparison.figureCatalogue.map(\.name))
    }

    @Test("an interrupted comparison resumes to the same numbers; other settings are refused")
    func resume() throws {
        let (run, data) = try Self.trainedRun()
        let paths = [
            AblationNet(depth: 8, residual: false), AblationNet(depth: 10, residual: true),
        ].map { run.directory.weightsPath($0, seed: 7) }
        let whole = try #require(
            try LandscapeComparison.measure(
                weights: paths, settings: Self.settings, data: data,
                save: { _ throws(AblationError) in }, progress: ProgressDisplay(.silent)))
        // Stop part-way through the second net's first pair (a landscape asks before each of
        // its 11 distinct points: 5 on the slice, 9 on the grid, 3 of them shared).
        var saved: LandscapeComparison?
        var asked = 0
        let stopped = try LandscapeComparison.measure(
            weights: paths, settings: Self.settings, data: data,
            save: { saved = $0 }, progress: ProgressDisplay(.silent),
            shouldStop: {
                asked += 1
                return asked > 2 * 11 + 6
            })
        #expect(stopped == nil)
        let partial = try #require(saved)
        #expect(partial.nets.map(\.landscapes.count) == [2])
        let resumed = try #require(
            try LandscapeComparison.measure(
                weights: paths, settings: Self.settings, existing: partial, data: data,
                save: { _ throws(AblationError) in }, progress: ProgressDisplay(.silent)))
        #expect(resumed == whole)
        // JSON round trip.
        let directory = RunDirectory(freshDirectory("landscape-json"))
        try directory.writeJSON(whole, to: directory.file("landscape.json"))
        #expect(
            try directory.readJSON(LandscapeComparison.self, from: directory.file("landscape.json"))
                == whole)

        var other = Self.settings
        other.gridPoints = 5
        #expect(throws: AblationError.self) {
            try LandscapeComparison.measure(
                weights: paths, settings: other, existing: partial, data: data,
                save: { _ throws(AblationError) in }, progress: ProgressDisplay(.silent))
        }
    }

    @Test("bad settings name their flag")
    func badSettings() {
        for (change, flag) in [
            ({ (s: inout LandscapeComparison.Settings) in s.slicePoints = 40 }, "--points"),
            ({ (s: inout LandscapeComparison.Settings) in s.gridPoints = 1 }, "--grid"),
            ({ (s: inout LandscapeComparison.Settings) in s.directionPairs = 0 }, "--pairs"),
            ({ (s: inout LandscapeComparison.Settings) in s.images = 0 }, "--images"),
            ({ (s: inout LandscapeComparison.Settings) in s.radius = -1 }, "--radius"),
        ] {
            var settings = LandscapeComparison.Settings()
            change(&settings)
            #expect {
                try settings.validate()
            } throws: { error in
                (error as? AblationError)?.description.hasPrefix(flag) == true
            }
        }
    }

    /// A landscape with `slice` losses at −1, −0.5, 0, 0.5, 1 and a square `grid`.
    private func landscape(slice: [Double], grid: [[Double]]) -> LossLandscape {
        LossLandscape(
            net: "test", images: 1, steps: [-1, -0.5, 0, 0.5, 1],
            slice: slice.map { Score(error: 0, loss: $0) },
            steps2D: LossLandscape.steps(count: grid.count, radius: 1), grid: grid)
    }

    /// A bowl on an n × n grid: 1 at the centre, rising with the squared distance.
    private func bowlGrid(_ n: Int) -> [[Double]] {
        let c = n / 2
        return (0..<n).map { j in
            (0..<n).map { i in Double((i - c) * (i - c) + (j - c) * (j - c)) + 1 }
        }
    }

    @Test("a bowl has one minimum and no falling step outward; a bumpy surface has more")
    func shapeMeasures() {
        let bowlGrid = self.bowlGrid(5)
        let bowl = landscape(slice: [5, 2, 1, 2, 5], grid: bowlGrid)
        #expect(bowl.centreLoss == 1)
        #expect(bowl.rise(at: 0.5) == 2)
        #expect(bowl.rise(at: 0.25) == nil)
        #expect(bowl.sliceMinima == 1)
        #expect(bowl.gridMinima == 1)
        #expect(bowl.outwardDescents.falling == 0)
        #expect(bowl.outwardDescents.steps == 16)

        var bumpyGrid = bowlGrid
        bumpyGrid[0][2] = 0.5  // lower than its neighbour towards the centre
        bumpyGrid[3][3] = 12  // a wall on the diagonal, lower (9) behind it
        let bumpy = landscape(slice: [1.5, 2, 1, 3, 2], grid: bumpyGrid)
        #expect(bumpy.sliceMinima == 1)  // the ends do not count
        #expect(bumpy.outwardDescents.falling == 2)
        #expect(bumpy.gridMinima == 1)
        var twoMinima = self.bowlGrid(7)
        twoMinima[1][1] = 0.5  // a second pit, away from the centre's neighbours
        let pits = landscape(slice: [5, 2, 1, 2, 5], grid: twoMinima).gridMinimumPoints
        #expect(pits.map(\.row) == [1, 3] && pits.map(\.column) == [1, 3])
        #expect(pits.map(\.loss) == [0.5, 1])
        #expect(landscape(slice: [5, 2, 1, 2, 5], grid: twoMinima).gridMinima == 2)
    }
}
