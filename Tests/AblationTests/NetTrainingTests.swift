import Testing

@testable import Ablation

@Suite("NetTraining: one net of the ablation, trained from its seed or carried on")
struct NetTrainingTests {
    @Test("carrying a net on after n steps gives the run that never stopped")
    func continuingEqualsOneRun() throws {
        // Without momentum (and with one learning rate) SGD keeps no state between steps, so
        // the only things a continued run must get right are the weights it starts from and
        // the batches it takes next: here in the second epoch (6 batches per epoch).
        var config = tinyAblation()
        config.momentum = 0
        config.decayIterations = 0
        config.iterations = 9
        let data = try tinyData(config)
        let net = AblationNet(depth: 8, residual: false)
        let whole = try #require(try NetTraining(config: config, data: data).train(net, seed: 7))

        var half = config
        half.iterations = 7
        let first = try #require(try NetTraining(config: half, data: data).train(net, seed: 7))
        half.iterations = 2
        let rest = try #require(
            try NetTraining(config: half, data: data).train(
                net, seed: 7, continuing: (first.model, 7)))
        #expect(rest.model === first.model, "the model given is trained in place")
        #expect(first.result.stepLoss + rest.result.stepLoss == whole.result.stepLoss)
        #expect(
            rest.model.stateDict().map(\.tensor.data) == whole.model.stateDict().map(\.tensor.data)
        )
    }

    @Test(
        "the last step's test error read off the final test's pass equals the two scored apart",
        arguments: [500, 1000, 300, 1100])
    func lastMeasurementFromTheFinalTest(evaluationImages: Int) throws {
        // 1100 test images make batches of 500, 500 and 100: the measurement's 500 or 1000
        // images are the first batches, and 1100 all three, so all come from the final test's
        // pass; 300 end inside a batch and are scored on their own.
        var config = tinyAblation()
        config.iterations = 4
        config.decayIterations = 0
        config.evaluations = 2
        config.evaluationImages = evaluationImages
        let data = try AblationData(
            train: cornerSquares(count: 96, seed: 1), test: cornerSquares(count: 1100, seed: 2),
            config: config)
        let net = AblationNet(depth: 8, residual: true)
        let training = NetTraining(config: config, data: data)
        // Which path each size takes: read off the final test (its batches), or apart (nil).
        let readOff: [Int: Int?] = [500: 1, 1000: 2, 1100: 3, 300: nil]
        #expect(training.evaluationBatchesInTest == readOff[evaluationImages]!)
        let (result, model) = try #require(try training.train(net, seed: 7))
        let last = try #require(result.evaluations.last)
        #expect(last.iteration == config.iterations)
        #expect(last.score == score(model, on: data.testBatches(evaluationImages)))
        #expect(result.test == score(model, on: data.testBatches(nil)))
        #expect(last.score != result.test || evaluationImages == 1100)
    }
}
