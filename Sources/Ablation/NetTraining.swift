import Checks
import Datasets
import Foundation
import NN
import Optim
import ResNetModels
import TensorCore
import Training

/// Trains one net of the ablation: the recipe of `AblationConfig`, on the shared data, with
/// the weights and batch order of its seed.
public struct NetTraining {
    /// The recipe every net is trained with.
    public let config: AblationConfig
    /// The shared training and test images.
    public let data: AblationData
    /// The test images for the measurements along the way, and for the final test error.
    let evaluationSet: EvaluationSet
    let testSet: EvaluationSet
    /// The test set's batches that are the evaluation set (nil where it is not the start of
    /// the test set): a measurement at the last step is then read off the final test's pass.
    let evaluationBatchesInTest: Int?

    /// A trainer of `config`'s recipe on `data`; the test batches (`evaluationImages` and
    /// `testLimit` images) are cut here, once.
    public init(config: AblationConfig, data: AblationData) {
        self.config = config
        self.data = data
        evaluationSet = data.testBatches(config.evaluationImages)
        testSet = data.testBatches(config.testLimit)
        evaluationBatchesInTest = testSet.batchCount(startingWith: evaluationSet)
    }

    /// Trains `net` from the weights of `seed` and returns its result and trained model.
    ///
    /// With `start`, the model given is trained instead (its weights are changed in place)
    /// on the batches that `seed`'s order holds after its first `start.steps`, the batches
    /// a longer run would have taken next: a trained net carried on, or a net built from one
    /// (lesson 08 carries plain-18 on beside a plain-56 made from it, on the same batches).
    /// The optimizer starts afresh (no momentum carried over), and the learning rate, the
    /// evaluations and the curve count the new steps from 0; so this equals one longer run
    /// only without momentum and at one rate. The model must be `net`'s depth and family.
    /// - Parameters:
    ///   - net: the net to build and train (with `start`, the name and family recorded).
    ///   - seed: the ablation seed; its `AblationSeeds` give the weights and the batch order.
    ///   - start: a model to train instead of `seed`'s initial weights, and the number of
    ///     batches of the seed's order to pass over first; nil: build `net` and start at
    ///     the first batch.
    ///   - progress: called after every step with the steps taken.
    ///   - afterEvaluation: called after each test-error measurement along the way with the
    ///     steps taken and the model (lesson 08 measures it again with other batch-norm
    ///     statistics); whatever it changes, it must restore. At the last step the final
    ///     test error is already scored when it is called (where the measurement is the
    ///     start of the test set, both come from one pass), and `progress` and
    ///     `shouldStop` hear of that step after it.
    ///   - shouldStop: asked after every step; true abandons the net and returns nil.
    /// - Throws: `AblationError.diverged` on a NaN or infinite loss, `.invalidConfiguration` (SGD).
    public func train(
        _ net: AblationNet, seed: UInt64, continuing start: (model: ResNet, steps: Int)? = nil,
        progress: (Int) -> Void = { _ in },
        afterEvaluation: (Int, ResNet) -> Void = { _, _ in },
        shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> (result: NetResult, model: ResNet)? {
        let seeds = AblationSeeds(seed)
        if let start {
            checkArgument(
                start.model.configuration.residual == net.residual
                    && start.model.weightedLayerCount == net.depth && start.steps >= 0,
                "NetTraining.train(continuing:): expected a model of \(net.name) and steps ≥ 0, "
                    + "got a depth-\(start.model.weightedLayerCount) "
                    + "\(start.model.configuration.residual ? "residual" : "plain") net after "
                    + "\(start.steps) steps")
        }
        let model =
            start?.model
            ?? net.build(
                classes: data.train.classNames.count, inputChannels: data.train.channels,
                seed: seeds.model)
        model.train()
        let optimizer = try config.makeOptimizer(for: model)
        let loader = data.trainLoader(batchSize: config.batchSize, seed: seeds.data)
        let first = loader.position(afterSteps: start?.steps ?? 0)
        let evaluateAt = Set(config.evaluationIterations)

        var stepLoss: [Float] = []
        var stepError: [Float] = []
        var evaluations: [NetResult.Evaluation] = []
        var test: Score?
        var trainSeconds = 0.0
        var evaluationSeconds = 0.0
        var clock = ContinuousClock.now

        for batch in loader.batches(from: first).prefix(config.iterations) {
            let step = stepLoss.count
            optimizer.groups[0].learningRate = config.learningRate(atStep: step)
            let outcome = trainingStep(
                model, images: batch.images, labels: batch.labels, optimizer: optimizer)
            guard outcome.loss.isFinite else {
                throw .diverged(
                    net: net.name, seed: seed, step: step + 1, loss: outcome.loss,
                    learningRate: optimizer.groups[0].learningRate)
            }
            stepLoss.append(outcome.loss)
            stepError.append(outcome.error)

            let now = ContinuousClock.now
            trainSeconds += seconds(from: clock, to: now)
            clock = now
            if evaluateAt.contains(stepLoss.count) {
                let measured: Score
                if stepLoss.count == config.iterations, let first = evaluationBatchesInTest {
                    // The last step's measurement is the start of the final test: one pass
                    // gives both, the same bits as two.
                    let both = scores(model, on: testSet, firstBatches: first)
                    (measured, test) = (both.first, both.whole)
                } else {
                    measured = score(model, on: evaluationSet)
                }
                evaluations.append(.init(iteration: stepLoss.count, score: measured))
                let after = ContinuousClock.now
                evaluationSeconds += seconds(from: clock, to: after)
                afterEvaluation(stepLoss.count, model)
                clock = ContinuousClock.now
            }
            progress(stepLoss.count)
            if shouldStop() { return nil }
        }
        let final = test ?? score(model, on: testSet)
        evaluationSeconds += seconds(from: clock, to: .now)
        let result = NetResult(
            net: net.name, depth: net.depth, residual: net.residual, seed: seed,
            parameters: model.parameterCount, iterations: stepLoss.count, stepLoss: stepLoss,
            stepError: stepError, evaluations: evaluations, test: final,
            testImages: testSet.count, evaluationImages: evaluationSet.count,
            trainSeconds: trainSeconds, evaluationSeconds: evaluationSeconds)
        return (result, model)
    }
}
