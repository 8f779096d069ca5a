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
    /// The steps after which the test error is measured.
    let evaluateAt: Set<Int>

    /// A trainer of `config`'s recipe on `data`; the test batches (`evaluationImages` and
    /// `testLimit` images) are cut here, once.
    public init(config: AblationConfig, data: AblationData) {
        self.config = config
        self.data = data
        evaluationSet = data.testBatches(config.evaluationImages)
        testSet = data.testBatches(config.testLimit)
        evaluationBatchesInTest = testSet.batchCount(startingWith: evaluationSet)
        evaluateAt = Set(config.evaluationIterations)
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
        try train(
            begin(net, seed: seed, continuing: start), progress: progress,
            afterEvaluation: afterEvaluation, shouldStop: shouldStop)
    }

    /// Carries `begun` on to the recipe's last step (from wherever its steps so far left it:
    /// the estimate's timed steps are a net's first steps), then scores the final test
    /// error; the arguments and result as
    /// ``train(_:seed:continuing:progress:afterEvaluation:shouldStop:)``'s.
    func train(
        _ begun: BegunNet, progress: (Int) -> Void = { _ in },
        afterEvaluation: (Int, ResNet) -> Void = { _, _ in },
        shouldStop: () -> Bool = { false }
    ) throws(AblationError) -> (result: NetResult, model: ResNet)? {
        while try step(begun, afterEvaluation: afterEvaluation) {
            progress(begun.steps)
            if shouldStop() { return nil }
        }
        let clock = ContinuousClock.now
        let final = begun.test ?? score(begun.model, on: testSet)
        begun.evaluationSeconds += seconds(from: clock, to: .now)
        let model = begun.model
        let result = NetResult(
            net: begun.net.name, depth: begun.net.depth, residual: begun.net.residual,
            seed: begun.seed, parameters: model.parameterCount, iterations: begun.steps,
            stepLoss: begun.stepLoss, stepError: begun.stepError,
            evaluations: begun.evaluations, test: final, testImages: testSet.count,
            evaluationImages: evaluationSet.count, trainSeconds: begun.trainSeconds,
            evaluationSeconds: begun.evaluationSeconds)
        return (result, model)
    }

    /// `net`'s training set up, no step taken: the model (built from `seed`'s weights, or
    /// `start`'s), its optimizer and its batches, as
    /// ``train(_:seed:continuing:progress:afterEvaluation:shouldStop:)`` describes them.
    /// - Throws: `AblationError.invalidConfiguration` when SGD refuses the recipe's settings.
    func begin(
        _ net: AblationNet, seed: UInt64, continuing start: (model: ResNet, steps: Int)? = nil
    ) throws(AblationError) -> BegunNet {
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
        return BegunNet(
            net: net, seed: seed, model: model, optimizer: optimizer,
            batches: loader.batches(from: first).makeIterator())
    }

    /// Takes `begun`'s next step, then measures the test error where the recipe says
    /// (`afterEvaluation` as in ``train(_:seed:continuing:progress:afterEvaluation:shouldStop:)``);
    /// false, with nothing done, once every step of the recipe is taken.
    /// - Throws: `AblationError.diverged` on a NaN or infinite loss.
    func step(_ begun: BegunNet, afterEvaluation: (Int, ResNet) -> Void = { _, _ in })
        throws(AblationError) -> Bool
    {
        let clock = ContinuousClock.now  // the batch's making (prefetched, or not) counts
        guard begun.steps < config.iterations, let batch = begun.batches.next() else {
            return false
        }
        let (model, optimizer, step) = (begun.model, begun.optimizer, begun.steps)
        optimizer.groups[0].learningRate = config.learningRate(atStep: step)
        let outcome = trainingStep(
            model, images: batch.images, labels: batch.labels, optimizer: optimizer)
        guard outcome.loss.isFinite else {
            throw .diverged(
                net: begun.net.name, seed: begun.seed, step: step + 1, loss: outcome.loss,
                learningRate: optimizer.groups[0].learningRate)
        }
        begun.stepLoss.append(outcome.loss)
        begun.stepError.append(outcome.error)
        let trained = ContinuousClock.now
        begun.trainSeconds += seconds(from: clock, to: trained)
        guard evaluateAt.contains(begun.steps) else { return true }
        let measured: Score
        if begun.steps == config.iterations, let first = evaluationBatchesInTest {
            // The last step's measurement is the start of the final test: one pass gives
            // both, the same bits as two.
            let both = scores(model, on: testSet, firstBatches: first)
            (measured, begun.test) = (both.first, both.whole)
        } else {
            measured = score(model, on: evaluationSet)
        }
        begun.evaluations.append(.init(iteration: begun.steps, score: measured))
        begun.evaluationSeconds += seconds(from: trained, to: .now)
        afterEvaluation(begun.steps, model)
        return true
    }
}

/// A net part way through its training (``NetTraining``'s `begin`): its model and optimizer,
/// the batches still to come, and what its steps so far recorded. ``AblationRun``'s estimate
/// times a net's first steps on one of these and keeps it for the training to carry on.
final class BegunNet {
    let net: AblationNet
    let seed: UInt64
    let model: ResNet
    let optimizer: SGD
    /// The seed's batches from the next step's on.
    let batches: DataLoader.Batches.Iterator
    /// Each step's batch loss and error.
    var stepLoss: [Float] = []
    var stepError: [Float] = []
    /// The test-error measurements along the way.
    var evaluations: [NetResult.Evaluation] = []
    /// The final test's score, when the last step's measurement scored it.
    var test: Score?
    /// Seconds spent in the steps, and in the measurements.
    var trainSeconds = 0.0
    var evaluationSeconds = 0.0
    /// When it was begun.
    let start = ContinuousClock.now

    /// Steps taken.
    var steps: Int { stepLoss.count }

    init(
        net: AblationNet, seed: UInt64, model: ResNet, optimizer: SGD,
        batches: DataLoader.Batches.Iterator
    ) {
        self.net = net
        self.seed = seed
        self.model = model
        self.optimizer = optimizer
        self.batches = batches
    }
}
