import Datasets
import Foundation
import NN
import Optim
import ResNetModels
import TensorCore
import Training

/// What training one net of the ablation produced: every step's loss and error, the test
/// error along the way and at the end, and the time it took. Written as
/// `nets/<net>-seed<k>.json` in the run's directory once the net is finished.
public struct NetResult: Codable, Equatable, Sendable {
    /// `"plain-18"`, `"res-56"`, ...
    public var net: String
    public var depth: Int
    public var residual: Bool
    public var seed: UInt64
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
    /// Test images behind `test`, and behind each of `evaluations`.
    public var testImages: Int
    public var evaluationImages: Int
    /// Seconds spent training (steps only).
    public var trainSeconds: Double
    /// Seconds spent evaluating.
    public var evaluationSeconds: Double

    /// One measurement of test error along the way.
    public struct Evaluation: Codable, Equatable, Sendable {
        /// Steps taken when it was measured.
        public var iteration: Int
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
    public var iteration: Int
    public var trainError: Double
    public var trainLoss: Double
}

/// Trains one net of the ablation: the recipe of `AblationConfig`, on the shared data, with
/// the weights and batch order of its seed.
public struct NetTraining {
    public let config: AblationConfig
    public let data: AblationData
    /// The test images for the measurements along the way, and for the final test error.
    let evaluationSet: EvaluationSet
    let testSet: EvaluationSet

    public init(config: AblationConfig, data: AblationData) {
        self.config = config
        self.data = data
        evaluationSet = data.testBatches(config.evaluationImages)
        testSet = data.testBatches(config.testLimit)
    }

    /// Trains `net` from the weights of `seed` and returns its result and trained model.
    /// - Parameters:
    ///   - net: the net to build and train.
    ///   - seed: the ablation seed; its `AblationSeeds` give the weights and the batch order.
    ///   - progress: called after every step with the steps taken.
    ///   - shouldStop: asked after every step; true abandons the net and returns nil.
    /// - Throws: `AblationError.diverged` on a NaN or infinite loss, `.invalidConfiguration` (SGD).
    public func train(
        _ net: AblationNet, seed: UInt64, progress: (Int) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> (result: NetResult, model: ResNet)? {
        let seeds = AblationSeeds(seed)
        let model = net.build(
            classes: data.train.classNames.count, inputChannels: data.train.channels,
            seed: seeds.model)
        model.train()
        let optimizer: SGD
        do {
            optimizer = try SGD(
                parameters: model.parameters, learningRate: config.learningRate,
                momentum: config.momentum, weightDecay: config.weightDecay)
        } catch {
            throw .invalidConfiguration("\(error)")
        }
        let loader = data.trainLoader(batchSize: config.batchSize, seed: seeds.data)
        let evaluateAt = Set(config.evaluationIterations)

        var stepLoss: [Float] = []
        var stepError: [Float] = []
        var evaluations: [NetResult.Evaluation] = []
        var trainSeconds = 0.0
        var evaluationSeconds = 0.0
        var clock = ContinuousClock.now

        // The loop of lesson 08.
        // listing: train-step
        for batch in loader.batches().prefix(config.iterations) {
            let step = stepLoss.count
            optimizer.groups[0].learningRate = config.learningRate(atStep: step)
            optimizer.zeroGrad()
            let logits = model(batch.images)  // [B, 10]
            let loss = crossEntropy(logits: logits, targets: batch.labels)
            guard loss.scalar.isFinite else {
                throw .diverged(
                    net: net.name, seed: seed, step: step + 1, loss: loss.scalar,
                    learningRate: optimizer.groups[0].learningRate)
            }
            loss.backward()
            optimizer.step()
            // Loss and error of this batch, as the net was before the update.
            let wrong = zip(logits.argmax(axis: 1), batch.labels).count { $0 != $1 }
            stepLoss.append(loss.scalar)
            stepError.append(Float(wrong) / Float(batch.count))
            // listing-end: train-step

            let now = ContinuousClock.now
            trainSeconds += seconds(from: clock, to: now)
            clock = now
            if evaluateAt.contains(stepLoss.count) {
                evaluations.append(
                    .init(iteration: stepLoss.count, score: score(model, on: evaluationSet)))
                let after = ContinuousClock.now
                evaluationSeconds += seconds(from: clock, to: after)
                clock = after
            }
            progress(stepLoss.count)
            if shouldStop() { return nil }
        }
        let test = score(model, on: testSet)
        evaluationSeconds += seconds(from: clock, to: .now)
        let result = NetResult(
            net: net.name, depth: net.depth, residual: net.residual, seed: seed,
            parameters: model.parameterCount, iterations: stepLoss.count, stepLoss: stepLoss,
            stepError: stepError, evaluations: evaluations, test: test,
            testImages: testSet.count, evaluationImages: evaluationSet.count,
            trainSeconds: trainSeconds, evaluationSeconds: evaluationSeconds)
        return (result, model)
    }
}
