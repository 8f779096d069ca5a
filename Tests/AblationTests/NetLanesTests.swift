import Dispatch
import Foundation
import Kernels
import ResNetModels
import Testing
import Training

@testable import Ablation
@testable import TensorCore

@Suite("Nets side by side: the lanes, their schedule, and the same results as one at a time")
struct NetLanesTests {
    @Test(
        "lanes run at the same time, each with its own thread count and the caller's tiles and tensor settings"
    )
    func lanesRunAtOnce() {
        let lanes = NetLanes(count: 3, threadsEach: 5)
        // Every lane waits for all three to have started: run one after another, the first
        // would wait out its deadline.
        let started = LaneBoard(0)
        let seen = LaneBoard(
            [(threads: Int, tiles: InstructionSet, settings: Tensor.TaskSettings, met: Bool)?](
                repeating: nil, count: 3))
        // Every tensor setting away from its default, so that a lane left with the defaults
        // differs from the caller.
        let caller = InstructionSet.$tiles.withValue(.portable) {
            Tensor.withoutGrad {
                Tensor.$defersReLUMasks.withValue(false) {
                    Tensor.$defersReLUOutputs.withValue(false) {
                        lanes.run { lane in
                            started.locked { $0 += 1 }
                            let deadline = Date().addingTimeInterval(20)
                            while started.locked({ $0 }) < 3 && Date() < deadline { usleep(1000) }
                            let met = started.locked { $0 } == 3
                            seen.locked {
                                $0[lane] = (
                                    Parallel.threadCount, InstructionSet.tiles,
                                    Tensor.TaskSettings.current, met
                                )
                            }
                        }
                        return Tensor.TaskSettings.current
                    }
                }
            }
        }
        let all = seen.locked { $0 }
        #expect(all.allSatisfy { $0?.met == true }, "the lanes did not overlap")
        #expect(all.allSatisfy { $0?.threads == 5 })
        #expect(all.allSatisfy { $0?.tiles == .portable })
        #expect(caller != Tensor.TaskSettings.current)
        #expect(all.allSatisfy { $0?.settings == caller })
    }

    @Test("longest first, and the time until the last lane is done")
    func schedule() {
        #expect(LaneSchedule.longestFirst([3, 9, 3, 5]) == [1, 3, 0, 2])
        // Two lanes take 9 and 5, then 5's lane (free at 5) takes 3 and then 3 more: 9 and 11.
        #expect(LaneSchedule.finish([9, 5, 3, 3], lanes: 2) == 11)
        #expect(LaneSchedule.finish([9, 5, 3, 3], lanes: 1) == 20)
        #expect(LaneSchedule.finish([9, 5, 3, 3], lanes: 4) == 9)
        // Lanes busy with nets in progress: the next net goes to the one free first.
        #expect(LaneSchedule.finish([4], lanes: 2, busy: [10, 1]) == 10)
        #expect(LaneSchedule.finish([4], lanes: 2, busy: [10, 7]) == 11)
        #expect(LaneSchedule.finish([], lanes: 2, busy: [3]) == 3)
    }

    @Test("the lanes take the nets longest first: by their timed steps, else by depth")
    func trainingOrder() throws {
        let run = try tinyRun(freshDirectory("order"), threads: 2)
        let nets = run.remaining
        #expect(nets.map(\.net.name) == ["plain-8", "res-8", "plain-10", "res-10"])
        // No timings: the deeper pair first, each pair in the configuration's order.
        #expect(run.trainingOrder(nets, secondsPerStep: [:]) == [2, 3, 0, 1])
        // Timings, where a shallow net is the slowest: they decide, not the depth.
        let timed: [AblationNet: Double] = [
            .init(depth: 8, residual: false): 0.3, .init(depth: 8, residual: true): 0.1,
            .init(depth: 10, residual: false): 0.2, .init(depth: 10, residual: true): 0.2,
        ]
        #expect(run.trainingOrder(nets, secondsPerStep: timed) == [0, 2, 3, 1])
    }

    @Test("side by side, every net's record equals the one trained one at a time")
    func sameResultsSideBySide() throws {
        // 96 images for the landscapes' points: on one thread they are scored in slices.
        var config = tinyAblation()
        config.analysis.landscapeImages = 96
        let oneDirectory = freshDirectory("one-at-a-time")
        let one = try tinyRun(oneDirectory, config: config)
        try one.prepare()
        #expect(try one.lanes(forNets: 4) == NetLanes(count: 1, threadsEach: 1))
        #expect(try one.trainAll())

        let directory = freshDirectory("side-by-side")
        var lines: [String] = []
        let both = try tinyRun(
            directory, config: config, threads: 2,
            progress: ProgressDisplay(.lines(every: 0)) { lines.append($0) })
        try both.prepare()
        #expect(try both.lanes(forNets: 4) == NetLanes(count: 2, threadsEach: 1))
        #expect(try both.trainAll())
        try expectSameRecords(both, as: one)
        // The deeper nets first (no estimate: by depth), each finished net on a line of its own.
        let finished = lines.filter { $0.contains(": train error") }
        #expect(finished.count == 4, "\(lines)")
        #expect(lines.first { $0.contains("[1/4]") }?.contains("-10 seed 7") == true, "\(lines)")

        // The analysed pair's loss landscapes, two at a time on one thread each (each point's
        // 96 images scored in slices), equal those measured one after the other on two threads
        // (whole batches); a stop gives up with nothing, and a lane's error ends both.
        let twoThreads = try tinyRun(oneDirectory, config: config, threads: 2, netsAtOnce: 1)
        #expect(try twoThreads.lanes(forNets: 2) == NetLanes(count: 1, threadsEach: 2))
        #expect(try both.lanes(forNets: 2) == NetLanes(count: 2, threadsEach: 1))
        let data = try one.data()
        func landscapes(
            _ run: AblationRun, shouldStop: @escaping () -> Bool = { false }
        ) throws -> [LossLandscape]? {
            try run.withThreads { () throws(AblationError) -> [LossLandscape]? in
                try run.landscapes(seed: 7, data: data, shouldStop: shouldStop)
            }
        }
        let alone = try #require(try landscapes(twoThreads))
        let beside = try #require(try landscapes(both))
        #expect(alone.map(\.net) == ["plain-10", "res-10"])
        #expect(alone.allSatisfy { $0.images == 96 })
        #expect(beside == alone)
        var asked = 0
        let stopped = try landscapes(
            both,
            shouldStop: {
                asked += 1
                return asked > 3
            })
        #expect(stopped == nil)
        #expect(asked == 4, "a lane asked again after the stop")

        // The other analyses, a net per lane, equal those made one net at a time on two
        // threads, each list in the order of the configuration's nets or depths.
        func analyses(
            _ run: AblationRun, shouldStop: @escaping () -> Bool = { false }
        ) throws -> (InitDiagnostics?, ShatteredGradients?, TrainedDiagnostics?) {
            try run.withThreads {
                () throws(AblationError) -> (
                    InitDiagnostics?, ShatteredGradients?, TrainedDiagnostics?
                ) in
                (
                    try run.initDiagnostics(seed: 7, data: data, shouldStop: shouldStop),
                    try run.shattered(seed: 7, data: data, shouldStop: shouldStop),
                    try run.trainedDiagnostics(seed: 7, data: data, shouldStop: shouldStop)
                )
            }
        }
        let (initAlone, shatteredAlone, trainedAlone) = try analyses(twoThreads)
        let (initBeside, shatteredBeside, trainedBeside) = try analyses(both)
        let names = config.nets.map(\.name)
        let initial = try #require(initAlone)
        #expect(initial.responses.map(\.net) == names)
        #expect(initial.gradients.map(\.net) == names)
        #expect(initBeside == initial)
        let shattered = try #require(shatteredAlone)
        #expect(shattered.depths == config.shatteredDepths)
        #expect(shattered.plain.count == shattered.depths.count)
        #expect(shattered.residual.count == shattered.depths.count)
        #expect(shattered.plain != shattered.residual)
        #expect(shatteredBeside == shattered)
        let trained = try #require(trainedAlone)
        #expect(trained.responses.map(\.net) == names)
        #expect(trained.lesions.map(\.net) == ["plain-10", "res-10"])
        #expect(trainedBeside == trained)
        asked = 0
        let stoppedAnalyses = try analyses(
            both,
            shouldStop: {
                asked += 1
                return asked > 2
            })
        #expect(stoppedAnalyses.0 == nil && stoppedAnalyses.1 == nil && stoppedAnalyses.2 == nil)
        // The stop is asked once per net taken (the init diagnostics ask nothing else), never
        // after the last: a stop then keeps the results.
        for run in [twoThreads, both] {
            asked = 0
            let late = try run.withThreads { () throws(AblationError) -> InitDiagnostics? in
                try run.initDiagnostics(
                    seed: 7, data: data,
                    shouldStop: {
                        asked += 1
                        return asked > config.nets.count
                    })
            }
            #expect(late == initial)
            #expect(asked == config.nets.count)
        }

        try FileManager.default.removeItem(
            atPath: both.directory.weightsPath(AblationNet(depth: 10, residual: true), seed: 7))
        #expect(throws: AblationError.self) { try landscapes(both) }
    }

    @Test("a lane with no net left makes the untrained nets' analyses: the same files")
    func analysesBesideTheTraining() throws {
        var config = tinyAblation()
        config.seeds = [7, 8]
        let reference = try tinyRun(freshDirectory("analysed-after"), config: config)
        try reference.prepare()
        #expect(try reference.trainAll(analysesAlongside: true))
        // One lane: nothing beside the training.
        let untrained = ["init-seed7", "shattered-seed7", "init-seed8", "shattered-seed8"]
        for name in untrained {
            #expect(!FileManager.default.fileExists(atPath: reference.directory.analysisPath(name)))
        }
        #expect(try reference.analyse())

        var lines: [String] = []
        let lock = NSLock()
        let run = try tinyRun(
            freshDirectory("analysed-beside"), config: config, threads: 2,
            progress: ProgressDisplay(.lines(every: 1000)) { line in
                lock.withLock { lines.append(line) }
            })
        try run.prepare()
        let estimate = try run.estimate(steps: 1)
        #expect(
            estimate.alongside.map(\.name) == [
                "shattered-seed7", "init-seed7", "shattered-seed8", "init-seed8",
            ])
        #expect(estimate.description.contains(" of them beside the training"), "\(estimate)")
        #expect(estimate.analysisSecondsAfterTraining < estimate.analysisSeconds)
        // Without the estimate's times every analysis is taken beside the training (with
        // them, only while the training has enough left: `takeAlongside`, below).
        #expect(try run.trainAll(analysesAlongside: true))
        // Made by the lanes before the training ended, each said so.
        for name in untrained {
            let path = run.directory.analysisPath(name)
            #expect(FileManager.default.fileExists(atPath: path), "\(name)")
        }
        #expect(
            lines.filter { $0.contains(", beside the training: ") }
                .count == 4, "\(lines)")
        // The analyses after the training leave them as they are, and make the rest.
        let before = try untrained.map {
            try Data(contentsOf: URL(fileURLWithPath: run.directory.analysisPath($0)))
        }
        #expect(try run.analyse(estimate: estimate))
        for (name, made) in zip(untrained, before) {
            let path = run.directory.analysisPath(name)
            let now = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(now == made, "\(name) made again")
            #expect(
                now
                    == (try Data(
                        contentsOf: URL(fileURLWithPath: reference.directory.analysisPath(name)))),
                "\(name)")
        }
        #expect(try run.results().missingAnalyses.isEmpty)
        // An analysis beside the training that cannot be written: the nets in the other lane
        // train on to the end, then the training throws its error.
        let blocked = try tinyRun(freshDirectory("beside-unwritable"), config: config, threads: 2)
        try blocked.prepare()
        #expect(
            FileManager.default.createFile(
                atPath: blocked.directory.file("analysis"), contents: Data("not a directory".utf8)))
        let training = NetTraining(config: config, data: try blocked.data())
        // One net slowed, so that the other lane trains the rest and fails in an analysis
        // while this one still trains.
        let slowed = {
            (net: AblationNet, seed: UInt64, progress: (Int) -> Void, shouldStop: () -> Bool)
                throws(AblationError) -> (result: NetResult, model: ResNet)? in
            let slow = net == AblationNet(depth: 10, residual: false) && seed == 7
            return try training.train(
                net, seed: seed,
                progress: { step in
                    if slow { Thread.sleep(forTimeInterval: 0.2) }
                    progress(step)
                }, shouldStop: shouldStop)
        }
        let error = #expect(throws: AblationError.self) {
            try blocked.trainAll(
                estimate: nil, analysesAlongside: true, shouldStop: { false }, train: slowed)
        }
        // Naming the path it could not make (the analysis directory, a file here).
        let path = blocked.directory.file("analysis")
        #expect(
            error?.description.contains("cannot write '\(path)") == true,
            "\(String(describing: error))")
        #expect(blocked.remaining.isEmpty)
        // Training only (`--train-only`): nothing beside it.
        let trainOnly = try tinyRun(freshDirectory("train-only"), config: config, threads: 2)
        try trainOnly.prepare()
        #expect(try trainOnly.estimate(steps: 1, analyses: false).alongside.isEmpty)
        #expect(try trainOnly.trainAll())
        #expect(trainOnly.hasAnalysesToDo)
        for name in untrained {
            #expect(!FileManager.default.fileExists(atPath: trainOnly.directory.analysisPath(name)))
        }
    }

    @Test("an analysis is taken beside the training only while the training has half its time left")
    func alongsideOnlyWhileTrainingLasts() {
        var board = TrainingBoard(
            queue: [], alongside: [(.shattered, 7), (.initDiagnostics, 7)],
            beside: [nil, nil], running: [nil, nil], secondsPerStep: [:])
        let times = ["shattered-seed7": 10.0, "init-seed7": 3.0]
        // 1 s of training left: too little for either alone.
        #expect(board.takeAlongside(trainingLeft: 1, laneSeconds: times) == nil)
        #expect(board.alongsideTaken.isEmpty)
        // 4 s: too little for the shattered gradients' 10 s, enough for the init's 3 s.
        let first = board.takeAlongside(trainingLeft: 4, laneSeconds: times)
        #expect(first?.analysis == .initDiagnostics && first?.seed == 7)
        #expect(board.takeAlongside(trainingLeft: 4.9, laneSeconds: times) == nil)
        // Without times (no estimate), taken whatever is left.
        let second = board.takeAlongside(trainingLeft: 0)
        #expect(second?.analysis == .shattered)
        #expect(board.takeAlongside(trainingLeft: 100) == nil)
        // In order, when both fit.
        var fresh = TrainingBoard(
            queue: [], alongside: [(.shattered, 7), (.initDiagnostics, 7)],
            beside: [nil, nil], running: [nil, nil], secondsPerStep: [:])
        #expect(fresh.takeAlongside(trainingLeft: 5, laneSeconds: times)?.analysis == .shattered)
    }

    @Test("the training left counts each net's steps and its final test, less its step under way")
    func trainingLeftCountsTheFinalTest() {
        let (plain, residual) = (
            AblationNet(depth: 18, residual: false), AblationNet(depth: 18, residual: true)
        )
        let start = ContinuousClock.now
        func running(_ net: AblationNet, step: Int, lastStep: Double) -> TrainingBoard.Running {
            .init(
                label: net.name, net: net, start: start, firstStep: 0, step: step,
                lastStep: start + .milliseconds(Int(lastStep * 1000)))
        }
        // plain-18: 100 of 300 steps in 10 s; res-18: its last step and the final test under
        // way, 299 steps in 29.9 s.
        var board = TrainingBoard(
            queue: [], alongside: [], beside: [nil, nil],
            running: [
                running(plain, step: 100, lastStep: 10),
                running(residual, step: 299, lastStep: 29.9),
            ],
            secondsPerStep: [:], finalTestSeconds: [plain: 3, residual: 4])
        let speeds = board.secondsPerStepInTraining().perStep
        #expect(abs(speeds[0] - 0.1) < 1e-9 && abs(speeds[1] - 0.1) < 1e-9, "\(speeds)")
        // At 31 s: plain-18 200 steps (20 s) and its test (3 s), less 21 s since its last step;
        // res-18 its last step (0.1 s) and its test (4 s), less the 1.1 s since step 299.
        let left = board.secondsLeft(iterations: 300, now: start + .seconds(31))
        #expect(abs(left[0] - 2) < 1e-6 && abs(left[1] - 3) < 1e-6, "\(left)")
        // Later than expected: 0, not less; and a net past its last step needs nothing more.
        #expect(board.secondsLeft(iterations: 300, now: start + .seconds(60)) == [0, 0])
        board.running[1]?.step = 300
        #expect(board.secondsLeft(iterations: 300, now: start + .seconds(30))[1] == 0)
        // Without the estimate's test times, the steps alone.
        board.finalTestSeconds = [:]
        let stepsOnly = board.secondsLeft(iterations: 300, now: start + .seconds(10))
        #expect(abs(stepsOnly[0] - 20) < 1e-6, "\(stepsOnly)")
    }

    @Test("the estimate's timed steps are the nets' first: carried on, the same records")
    func estimateBeginsTheTraining() throws {
        let reference = try tinyRun(freshDirectory("unestimated"))
        try reference.prepare()
        #expect(try reference.trainAll())

        // Side by side, each net's first 4 of 6 steps taken by the estimate (the measurement
        // after step 3 among them), then a second estimate takes the last 2 (and the
        // measurement and the final test after step 6), then a third has none left to take.
        let run = try tinyRun(freshDirectory("estimated"), threads: 2)
        try run.prepare()
        let first = try run.estimate(steps: 3, analyses: false)
        let taken = run.begunNets.locked { $0.mapValues(\.steps) }
        #expect(taken.count == 4)
        #expect(taken.values.allSatisfy { $0 == 4 }, "\(taken)")
        // The estimate counts only the steps left after its own, and times each net's test.
        #expect(first.trainingSeconds > 0)
        #expect(first.finalTestSeconds.count == 4 && first.finalTestSeconds.allSatisfy { $0.1 > 0 })
        #expect(try run.estimate(steps: 3, analyses: false).trainingSeconds == 0)
        #expect(run.begunNets.locked { $0.values.allSatisfy { $0.steps == 6 } })
        let none = try run.estimate(steps: 3, analyses: false)
        #expect(none.trainingSeconds == 0)
        #expect(run.begunNets.locked { $0.values.allSatisfy { $0.steps == 6 } })
        #expect(first.remaining == 4 && none.remaining == 4)
        #expect(try run.trainAll(estimate: none))
        #expect(run.begunNets.locked { $0.isEmpty })
        try expectSameRecords(run, as: reference)

        // Begun by one estimate, carried on by the training from step 4.
        let carried = try tinyRun(freshDirectory("carried"), threads: 2)
        try carried.prepare()
        let estimate = try carried.estimate(steps: 3, analyses: false)
        var steps: [Int] = []
        let lock = NSLock()
        #expect(
            try carried.trainAll(
                estimate: estimate,
                shouldStop: {
                    lock.withLock { steps.append(0) }
                    return false
                }))
        // Asked after each of the 2 steps left of each net, not after the estimate's.
        #expect(steps.count == 4 * 2)
        try expectSameRecords(carried, as: reference)
    }

    @Test("a stop side by side keeps the finished nets, and a rerun ends as an unbroken run")
    func stopSideBySide() throws {
        let reference = try tinyRun(freshDirectory("straight"))
        try reference.prepare()
        try reference.trainAll()

        let directory = freshDirectory("stopped-lanes")
        let first = try tinyRun(directory, threads: 2)
        try first.prepare()
        var asked = 0
        // 6 steps a net, one question after each: 15 questions between two lanes are 8 + 7
        // steps at the most even (a net finished in each) and 10 + 5 at the least (one).
        let finished = try first.trainAll(shouldStop: {
            asked += 1
            return asked >= 15
        })
        #expect(!finished)
        #expect(asked == 15, "a lane asked again after the stop")
        #expect((2...3).contains(first.remaining.count), "\(first.remaining.map(\.net.name))")

        let second = try tinyRun(directory, threads: 2)
        try second.prepare()
        #expect(try second.trainAll())
        try expectSameRecords(second, as: reference)
    }

    @Test("a net that fails side by side ends the run with its error, the other lane's net too")
    func failureSideBySide() throws {
        let run = try tinyRun(freshDirectory("failed-lanes"), threads: 2)
        try run.prepare()
        let training = NetTraining(config: run.config, data: try run.data())
        // Without an estimate the lanes take plain-10, res-10, plain-8, res-8. res-10 fails
        // once plain-10 has finished and its lane has taken plain-8, which steps on until told
        // to stop, as a long net would.
        let failing = AblationNet(depth: 10, residual: true)
        let beside = AblationNet(depth: 8, residual: false)
        let besideStarted = LaneBoard(false)
        let besideStopped = LaneBoard(false)
        let error = #expect(throws: AblationError.self) {
            let train = {
                (
                    net: AblationNet, seed: UInt64, progress: (Int) -> Void,
                    shouldStop: () -> Bool
                ) throws(AblationError) -> (result: NetResult, model: ResNet)? in
                let deadline = Date().addingTimeInterval(20)
                if net == failing {
                    while !besideStarted.locked({ $0 }) && Date() < deadline { usleep(1000) }
                    throw .diverged(
                        net: net.name, seed: seed, step: 3, loss: .nan, learningRate: 0.05)
                }
                if net == beside {
                    besideStarted.locked { $0 = true }
                    var step = 0
                    while Date() < deadline {
                        step += 1
                        progress(step)
                        if shouldStop() {
                            besideStopped.locked { $0 = true }
                            return nil
                        }
                        usleep(1000)
                    }
                    return nil
                }
                return try training.train(
                    net, seed: seed, progress: progress, shouldStop: shouldStop)
            }
            _ = try run.trainAll(estimate: nil, shouldStop: { false }, train: train)
        }
        guard case .diverged(let net, _, _, _, _) = error else {
            Issue.record("expected res-10's failure, got \(String(describing: error))")
            return
        }
        #expect(net == "res-10")
        #expect(besideStopped.locked { $0 }, "the lane beside the failed net was not told to stop")
        #expect(run.isFinished(AblationNet(depth: 10, residual: false), seed: 7))
        #expect(run.remaining.map(\.net.name) == ["plain-8", "res-8", "res-10"])
    }

    @Test("--nets-at-once needs a thread per net, and at least one net")
    func netsAtOnceIsChecked() throws {
        for (nets, threads) in [(0, 2), (3, 2)] {
            let error = #expect(throws: AblationError.self) {
                try tinyRun(freshDirectory("lanes-refused"), threads: threads, netsAtOnce: nets)
            }
            #expect(
                error?.description.contains("--nets-at-once \(nets == 0 ? "must" : "3")") == true)
        }
        // By default two lanes when the threads split evenly, else one.
        for (threads, lanes) in [
            (1, NetLanes(count: 1, threadsEach: 1)), (2, .init(count: 2, threadsEach: 1)),
            (3, .init(count: 1, threadsEach: 3)), (4, .init(count: 2, threadsEach: 2)),
        ] {
            let run = try tinyRun(freshDirectory("lanes-default"), threads: threads)
            #expect(try run.lanes(forNets: 4) == lanes, "\(threads) threads")
        }
        let two = try tinyRun(freshDirectory("lanes-two"), threads: 4, netsAtOnce: 2)
        #expect(try two.lanes(forNets: 4) == NetLanes(count: 2, threadsEach: 2))
        // Never more lanes than nets left to train.
        #expect(try two.lanes(forNets: 1) == NetLanes(count: 1, threadsEach: 4))
        let estimate = try two.estimate(steps: 1, analyses: false)
        #expect(estimate.lanes == NetLanes(count: 2, threadsEach: 2))
        #expect(estimate.description.contains("2 nets at a time, 2 threads each"))
    }
}
