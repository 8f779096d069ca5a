import Foundation
import ResNetModels
import Training

extension AblationRun {
    /// Trains every remaining net, writing each as it finishes.
    ///
    /// A net whose first steps ``estimate(steps:analyses:)`` took is carried on from there (the
    /// same bits as training it in one go).
    ///
    /// With several lanes (``lanes(forNets:batch:)``: two by default when the thread count is
    /// even) the nets train side by side, each lane taking the next net as it comes free, the
    /// longest nets first (by the estimate's seconds per step, or by depth without one) so that
    /// the lanes finish close together. With one lane they train one after another in the
    /// configuration's order. The results are the same either way.
    ///
    /// With `analysesAlongside`, a lane that finds no net left to take while another still
    /// trains makes the analyses that need no trained net instead (the init diagnostics and
    /// shattered gradients not yet in the directory, each whole in that lane, as the
    /// ``analyse(estimate:shouldStop:)`` that follows would make them: the same files), so
    /// the lanes end closer together; with the estimate's times, an analysis is taken only
    /// while the nets still training need at least half its time in one lane, their steps
    /// left and their final tests counted (else
    /// ``analyse(estimate:shouldStop:)``, sharing its nets between the lanes, ends it
    /// sooner); where the analyses run in other lanes than the training's (memory), or there
    /// is one lane, it does nothing.
    ///
    /// - Parameters:
    ///   - estimate: the result of ``estimate(steps:analyses:)``, if one was made: its lanes
    ///     are used (when it counted the same nets), and the status line's suite ETA starts
    ///     from its seconds per step and analysis time (nil: later nets are reckoned at the
    ///     speed of the nets in progress, and no analyses).
    ///   - analysesAlongside: whether the lanes that run out of nets make the analyses of
    ///     untrained nets (for a run that analyses next; false: training only).
    ///   - shouldStop: asked after every step (by one lane at a time), and by an analysis
    ///     beside the training as ``analyse(estimate:shouldStop:)`` asks it; true abandons the
    ///     nets and the analysis in progress (the finished ones are already on disk) and
    ///     returns false.
    /// - Returns: true when every net of the configuration is finished and no stop came;
    ///   false after a stop (also one during an analysis beside the training, when the nets
    ///   may all be finished: a rerun makes the analysis).
    /// - Throws: `AblationError.diverged` when a net's loss stops being finite (the nets in
    ///   progress in the other lanes are abandoned); `.invalidConfiguration` when SGD refuses
    ///   the recipe's settings; `.cannotWrite` when a result or its weights cannot be written;
    ///   the error of an analysis beside the training (`.cannotWrite` for its file), once the
    ///   nets in the other lanes are finished (it stops only the analyses beside them); the
    ///   errors of ``data()``.
    @discardableResult
    public func trainAll(
        estimate: SuiteEstimate? = nil, analysesAlongside: Bool = false,
        shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> Bool {
        let training = NetTraining(config: config, data: try data())
        return try trainAll(
            estimate: estimate, analysesAlongside: analysesAlongside, shouldStop: shouldStop
        ) {
            (net, seed, progress, shouldStop) throws(AblationError) in
            // Carried on from the estimate's steps where it took them.
            if let begun = takeBegun(net, seed: seed) {
                return try training.train(begun, progress: progress, shouldStop: shouldStop)
            }
            return try training.train(net, seed: seed, progress: progress, shouldStop: shouldStop)
        }
    }

    /// ``trainAll(estimate:analysesAlongside:shouldStop:)`` with each net trained by `train`
    /// (tests make one net fail there). `train` is called from the lanes' threads, one net
    /// per call; it reports each step to its `progress` and asks its `shouldStop` after each,
    /// returning nil when told to stop.
    func trainAll(
        estimate: SuiteEstimate?, analysesAlongside: Bool = false, shouldStop: () -> Bool,
        train: (
            _ net: AblationNet, _ seed: UInt64, _ progress: (Int) -> Void,
            _ shouldStop: () -> Bool
        ) throws(AblationError) -> (result: NetResult, model: ResNet)?
    ) throws(AblationError) -> Bool {
        let todo = remaining
        let data = try data()  // loaded here, before the lanes could race to load it
        let skipped = config.runs.count - todo.count
        if skipped > 0 {
            progress.line(
                "\(skipped) of \(config.runs.count) nets already finished in \(directory.path): "
                    + "skipping them")
        }
        let lanes: NetLanes
        if let estimate, estimate.remaining == todo.count {
            lanes = estimate.lanes  // the lanes its speeds were timed in
        } else {
            lanes = try self.lanes(forNets: todo.count)
        }
        // The ETA: estimated seconds per step at first, then measured ones as nets finish.
        let estimated = Dictionary(
            uniqueKeysWithValues: (estimate?.secondsPerStep ?? []).map {
                ($0.net, $0.secondsPerStep)
            })
        let order =
            lanes.count > 1 ? trainingOrder(todo, secondsPerStep: estimated) : Array(todo.indices)
        let alongside =
            analysesAlongside ? try untrainedAnalyses(beside: lanes, training: todo) : []
        let board = LaneBoard(
            TrainingBoard(
                queue: order.map { todo[$0] }, alongside: alongside,
                beside: Array(repeating: nil, count: lanes.count),
                running: Array(repeating: nil, count: lanes.count), secondsPerStep: estimated,
                finalTestSeconds: Dictionary(
                    uniqueKeysWithValues: (estimate?.finalTestSeconds ?? []).map {
                        ($0.net, $0.seconds)
                    })))
        if let first = todo.first {
            // Made once here rather than by lanes racing to make it.
            try directory.createDirectory(for: directory.weightsPath(first.net, seed: first.seed))
        }
        // From the estimate's first steps where it began nets this run will carry on.
        let suiteStart =
            begunNets.locked { begun in
                begun.isEmpty ? nil : begun.values.map(\.start).min()
            } ?? .now
        let afterTraining = estimate?.analysisSecondsAfterTraining ?? 0
        let alongsideSeconds = Dictionary(
            uniqueKeysWithValues: (estimate?.alongside ?? []).map { ($0.name, $0.laneSeconds) })
        // Escapable only to satisfy the exclusivity check: `train`'s closures call it.
        withoutActuallyEscaping(shouldStop) { shouldStop in
            lanes.run { lane in
                // With no net left to take, the analyses beside the training, each whole here.
                defer {
                    while let (analysis, seed) = board.locked({ state in
                        state.takeAlongside(
                            trainingLeft: state.secondsLeft(
                                iterations: config.iterations, now: .now
                            ).min() ?? 0,
                            laneSeconds: alongsideSeconds)
                    }) {
                        board.locked { $0.beside[lane] = analysis.what(seed) }
                        do throws(AblationError) {
                            let made = try make(
                                analysis, seed: seed, data: data,
                                lanes: NetLanes(count: 1, threadsEach: lanes.threadsEach),
                                expected: alongsideSeconds[analysis.name(seed)],
                                shouldStop: { board.locked { $0.shouldStop(asking: shouldStop) } })
                            board.locked { state in
                                state.beside[lane] = nil
                                if !made { state.stopped = true }
                            }
                        } catch {
                            // Kept for the end: the nets in the other lanes train on.
                            board.locked { state in
                                state.beside[lane] = nil
                                if state.besideFailure == nil { state.besideFailure = error }
                            }
                        }
                    }
                }
                while let (index, net, seed) = board.locked({ $0.take() }) {
                    let label =
                        "[\(skipped + index + 1)/\(config.runs.count)] \(net.name) seed \(seed)"
                    // A net the estimate began has its first steps taken already.
                    let taken = begunNets.locked { $0[BegunKey(net: net, seed: seed)]?.steps ?? 0 }
                    board.locked {
                        $0.running[lane] = .init(
                            label: label, net: net, start: .now, firstStep: taken, step: taken,
                            lastStep: .now)
                    }
                    do throws(AblationError) {
                        let trained = try train(
                            net, seed,
                            { step in
                                board.locked { state in
                                    state.running[lane]?.step = step
                                    state.running[lane]?.lastStep = .now
                                    progress.status(
                                        statusLine(
                                            state, lanes: lanes.count, afterTraining: afterTraining)
                                    )
                                }
                            },
                            { board.locked { $0.shouldStop(asking: shouldStop) } })
                        guard let (result, model) = trained else {
                            board.locked { $0.running[lane] = nil }
                            return
                        }
                        try save(result, model: model)
                        board.locked { state in
                            state.running[lane] = nil
                            state.secondsPerStep[net] =
                                result.trainSeconds / Double(result.iterations)
                            let final = result.finalTraining(window: config.window)
                            progress.line(
                                String(
                                    format:
                                        "%@: train error %.2f%% (loss %.3f) over the last %d steps, "
                                        + "test error %.2f%%, %@ (suite %@ so far)",
                                    label, 100 * final.trainError, final.trainLoss, config.window,
                                    100 * result.test.error,
                                    formatDuration(result.trainSeconds + result.evaluationSeconds),
                                    formatDuration(seconds(from: suiteStart, to: .now))))
                            progress.restartInterval()
                        }
                    } catch {
                        board.locked { state in
                            state.running[lane] = nil
                            state.fail(error)
                        }
                        return
                    }
                }
            }
        }
        let final = board.locked { $0 }
        if let failure = final.failure ?? final.besideFailure { throw failure }
        return !final.stopped
    }

    /// The order side-by-side lanes take `nets` in, as indices into it: longest first by
    /// `secondsPerStep` (every net takes the same number of steps), by depth for a net not in
    /// it; ties keep the given order.
    func trainingOrder(
        _ nets: [(net: AblationNet, seed: UInt64)], secondsPerStep: [AblationNet: Double]
    ) -> [Int] {
        // Without timings, depth stands for them: a block costs about the same at any stage.
        let timed = nets.allSatisfy { secondsPerStep[$0.net] != nil }
        return LaneSchedule.longestFirst(
            nets.map { timed ? secondsPerStep[$0.net]! : Double($0.net.depth) })
    }

    /// `[3/6] plain-34 seed 0 · step 120/400 · 5.1 steps/s · net ETA 55s · suite ETA 6m10s`;
    /// side by side, each net in progress with its step (two of them, and how many more),
    /// then the suite's ETA: `[1/6] res-56 seed 0 120/300 | [2/6] plain-56 seed 0 118/300 ·
    /// suite ETA 6m10s`. The suite's ETA counts the nets still to train and their final tests,
    /// taken by the lanes as they come free, and the analyses after them. A net that has taken
    /// no step in its lane yet is reckoned at its estimated speed, or at the mean of the
    /// others'.
    fileprivate func statusLine(_ state: TrainingBoard, lanes: Int, afterTraining: Double)
        -> String
    {
        let running = state.running.compactMap { $0 }
        let now = ContinuousClock.now
        let (perStep, typical) = state.secondsPerStepInTraining()
        let busy = state.secondsLeft(perStep: perStep, iterations: config.iterations, now: now)
        var parts: [String] = []
        if lanes == 1, let only = running.first {
            parts.append(
                "\(only.label) · step \(only.step)/\(config.iterations) · "
                    + (perStep[0] > 0
                        ? String(format: "%.1f steps/s", 1 / perStep[0]) : "? steps/s")
                    + " · net ETA \(formatDuration(busy[0]))")
        } else {
            // Short enough for one line of a terminal: two nets, then a count of the others.
            parts = running.prefix(2).map { "\($0.label) \($0.step)/\(config.iterations)" }
            if running.count > 2 { parts.append("\(running.count - 2) more") }
        }
        parts += state.beside.compactMap { $0 }
        let later = state.queue[state.next...].map {
            (state.secondsPerStep[$0.net] ?? typical) * Double(config.iterations)
                + (state.finalTestSeconds[$0.net] ?? 0)
        }
        let suiteLeft = LaneSchedule.finish(later, lanes: lanes, busy: busy) + afterTraining
        return parts.joined(separator: " | ") + " · suite ETA " + formatDuration(suiteLeft)
    }
}

/// What the lanes of `trainAll` share: the nets in the order they are taken, what each lane is
/// training, the speeds measured so far, and whether to stop.
struct TrainingBoard: LaneStopping {
    /// A net in training.
    struct Running {
        /// `[3/6] plain-34 seed 0`: its place in the order taken, name and seed.
        var label: String
        /// The net.
        var net: AblationNet
        /// When its lane took it.
        var start: ContinuousClock.Instant
        /// Steps taken before that (by the estimate).
        var firstStep: Int
        /// Steps taken so far.
        var step: Int
        /// When it reported its last step (or its lane took it).
        var lastStep: ContinuousClock.Instant
    }

    /// Every net to train, in the order the lanes take them.
    let queue: [(net: AblationNet, seed: UInt64)]
    /// The first net of `queue` no lane has taken.
    var next = 0
    /// The analyses a lane makes when no net is left to take, in order.
    let alongside: [(analysis: UntrainedAnalysis, seed: UInt64)]
    /// Which of `alongside` a lane has taken.
    var alongsideTaken: Set<Int> = []
    /// The analysis each lane is making beside the training, for the status line.
    var beside: [String?] = []
    /// The first error of an analysis beside the training: no more are taken, and the
    /// training throws it when its lanes are done.
    var besideFailure: AblationError?
    /// What each lane is training (nil: nothing, between nets or done).
    var running: [Running?]
    /// Seconds per step of each net: the estimate's, then each finished net's own.
    var secondsPerStep: [AblationNet: Double]
    /// Seconds of each net's final test, the estimate's (none without one).
    var finalTestSeconds: [AblationNet: Double] = [:]
    /// The first error a lane met; the other lanes abandon their nets.
    var failure: AblationError?
    /// Set when `shouldStop` said so: every lane abandons its net.
    var stopped = false

    /// The next net to train and its place in the queue; nil when none is left, or after a
    /// stop or a failure.
    mutating func take() -> (index: Int, net: AblationNet, seed: UInt64)? {
        guard next < queue.count, failure == nil, !stopped else { return nil }
        defer { next += 1 }
        return (next, queue[next].net, queue[next].seed)
    }

    /// Seconds per step of each net in training (`running`'s, in order): measured in its lane
    /// (up to its last step), else estimated, else `typical`, the mean of the measured ones (0
    /// without).
    func secondsPerStepInTraining() -> (perStep: [Double], typical: Double) {
        let running = running.compactMap { $0 }
        let measured = running.map {
            $0.step > $0.firstStep
                ? seconds(from: $0.start, to: $0.lastStep) / Double($0.step - $0.firstStep) : nil
        }
        let speeds = measured.compactMap { $0 }
        let typical = speeds.isEmpty ? 0 : speeds.reduce(0, +) / Double(speeds.count)
        return (zip(running, measured).map { $1 ?? secondsPerStep[$0.net] ?? typical }, typical)
    }

    /// Seconds each net in training (`running`'s, in order) still needs at `now`: its steps
    /// left at `perStep` (``secondsPerStepInTraining()``'s when nil), then its final test
    /// (`finalTestSeconds`), less the time since its last step (the next step under way, or
    /// from the last, the final test scored inside it); 0 at the least.
    func secondsLeft(
        perStep: [Double]? = nil, iterations: Int, now: ContinuousClock.Instant
    ) -> [Double] {
        zip(running.compactMap { $0 }, perStep ?? secondsPerStepInTraining().perStep).map {
            net, perStep in
            let stepsLeft = iterations - net.step
            guard stepsLeft > 0 else { return 0 }
            let left = perStep * Double(stepsLeft) + (finalTestSeconds[net.net] ?? 0)
            return max(0, left - seconds(from: net.lastStep, to: now))
        }
    }

    /// The next analysis to make beside the training, once every net is taken: the first in
    /// `alongside`'s order not yet taken that the training lasts long enough for. With its
    /// one-lane seconds known (`laneSeconds`, by file name), an analysis is taken only while
    /// the nets in training need `trainingLeft` seconds or more, at least half its own; else
    /// the analyses after the training, which share its nets between the lanes, make it
    /// sooner. nil when none is left or fits, or after a stop or a failure.
    mutating func takeAlongside(trainingLeft: Double, laneSeconds: [String: Double] = [:])
        -> (analysis: UntrainedAnalysis, seed: UInt64)?
    {
        guard next == queue.count, failure == nil, besideFailure == nil, !stopped else {
            return nil
        }
        let fits = alongside.indices.first { index in
            let (analysis, seed) = alongside[index]
            return !alongsideTaken.contains(index)
                && trainingLeft >= (laneSeconds[analysis.name(seed)] ?? 0) / 2
        }
        guard let fits else { return nil }
        alongsideTaken.insert(fits)
        return alongside[fits]
    }
}
