/// What training one net of the ablation produced: every step's loss and error, the test
/// error along the way and at the end, and the time it took. Written as
/// `nets/<net>-seed<k>.json` in the run's directory once the net is finished.
public struct NetResult: Codable, Equatable, Sendable {
    /// `"plain-18"`, `"res-56"`, ...
    public var net: String
    /// Weighted layers.
    public var depth: Int
    /// True for the residual net, false for the plain one.
    public var residual: Bool
    /// The ablation seed.
    public var seed: UInt64
    /// Trained parameters (a plain net and its twin have the same count).
    public var parameters: Int
    /// Steps taken.
    public var iterations: Int
    /// Each step's batch loss, measured in training mode before its update.
    public var stepLoss: [Float]
    /// Each step's batch error (fraction misclassified), before its update.
    public var stepError: [Float]
    /// Test error along the way, on the first `evaluationImages` test images.
    public var evaluations: [Evaluation]
    /// The final test score on every test image of the run (`testLimit`).
    public var test: Score
    /// Test images behind `test`.
    public var testImages: Int
    /// Test images behind each of `evaluations`.
    public var evaluationImages: Int
    /// Seconds spent training (steps only).
    public var trainSeconds: Double
    /// Seconds spent evaluating.
    public var evaluationSeconds: Double

    /// One measurement of test error along the way.
    public struct Evaluation: Codable, Equatable, Sendable {
        /// Steps taken when it was measured.
        public var iteration: Int
        /// Test error and loss on the first `evaluationImages` test images.
        public var score: Score
    }

    /// The net this result belongs to.
    public var ablationNet: AblationNet { AblationNet(depth: depth, residual: residual) }

    /// The training curve: at every `window`-th step, the mean error and loss of the last
    /// `window` batches.
    public func curve(window: Int) -> [CurvePoint] {
        stride(from: window, through: iterations, by: window).map {
            mean(of: window, stepsEndingAt: $0)
        }
    }

    /// Training error and loss over the last `window` steps: where training ended.
    public func finalTraining(window: Int) -> CurvePoint {
        mean(of: window, stepsEndingAt: iterations)
    }

    /// The mean error and loss of the `window` steps before step `end`.
    private func mean(of window: Int, stepsEndingAt end: Int) -> CurvePoint {
        let range = (end - window)..<end
        let error = stepError[range].reduce(0.0) { $0 + Double($1) } / Double(window)
        let loss = stepLoss[range].reduce(0.0) { $0 + Double($1) } / Double(window)
        return CurvePoint(iteration: end, trainError: error, trainLoss: loss)
    }
}

/// One point of a training curve.
public struct CurvePoint: Codable, Equatable, Sendable {
    /// Steps taken at this point: the last of the window.
    public var iteration: Int
    /// Mean batch error (fraction misclassified) over the window.
    public var trainError: Double
    /// Mean batch loss over the window.
    public var trainLoss: Double
}
