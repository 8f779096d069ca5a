import Optim
import TensorCore
import TestSupport
import Testing

/// SGD steps worked out by hand on one- and two-element parameters.
@Suite("SGD by hand")
struct SGDTests {
    @Test func plainStepMovesAgainstTheGradient() throws {
        // p = [1, −2], g = [0.5, 0.25], γ = 0.1:  p − γg = [1 − 0.05, −2 − 0.025]
        let p = parameter([1, -2])
        let optimizer = try SGD(parameters: [p], learningRate: 0.1)
        setGradient(p, [0.5, 0.25])
        optimizer.step()
        expectClose(p.data, [0.95, -2.025], relative: 1e-6)
    }

    @Test func momentumBufferStartsAtTheFirstGradient() throws {
        // μ = 0.9, γ = 0.1, g = 1 every step:
        //   step 1: buf = 1                     p = 1 − 0.1        = 0.9
        //   step 2: buf = 0.9·1 + 1 = 1.9       p = 0.9 − 0.19     = 0.71
        //   step 3: buf = 0.9·1.9 + 1 = 2.71    p = 0.71 − 0.271   = 0.439
        let p = parameter([1])
        let optimizer = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        var values: [Float] = []
        for _ in 0..<3 {
            setGradient(p, [1])
            optimizer.step()
            values += p.data
        }
        expectClose(values, [0.9, 0.71, 0.439], relative: 1e-6)
        #expect(optimizer.stateDict().parameters[0]?.momentumBuffer?.first == 2.71)
    }

    @Test func nesterovStepsAlongGradientPlusMomentum() throws {
        // μ = 0.9, γ = 0.1, g = 1:
        //   step 1: buf = 1,    g + μ·buf = 1 + 0.9   = 1.9    p = 1 − 0.19     = 0.81
        //   step 2: buf = 1.9,  g + μ·buf = 1 + 1.71  = 2.71   p = 0.81 − 0.271 = 0.539
        let p = parameter([1])
        let optimizer = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: true)
        var values: [Float] = []
        for _ in 0..<2 {
            setGradient(p, [1])
            optimizer.step()
            values += p.data
        }
        expectClose(values, [0.81, 0.539], relative: 1e-6)
    }

    @Test func dampeningScalesLaterGradientsOnly() throws {
        // μ = 0.9, τ = 0.5, γ = 1, g = 1:
        //   step 1: buf = 1 (not dampened)          p = 1 − 1   = 0
        //   step 2: buf = 0.9 + (1 − 0.5)·1 = 1.4   p = 0 − 1.4 = −1.4
        let p = parameter([1])
        let optimizer = try SGD(
            parameters: [p], learningRate: 1, momentum: 0.9, dampening: 0.5)
        setGradient(p, [1])
        optimizer.step()
        #expect(p.data == [0])
        setGradient(p, [1])
        optimizer.step()
        expectClose(p.data, [-1.4], relative: 1e-6)
    }

    @Test func weightDecayIsAddedToTheGradient() throws {
        // λ = 0.1, γ = 0.5, p = 2, g = 0:
        //   step 1: g + λp = 0.2     p = 2 − 0.5·0.2    = 1.9
        //   step 2: g + λp = 0.19    p = 1.9 − 0.5·0.19 = 1.805
        let p = parameter([2])
        let optimizer = try SGD(parameters: [p], learningRate: 0.5, weightDecay: 0.1)
        for _ in 0..<2 {
            setGradient(p, [0])
            optimizer.step()
        }
        expectClose(p.data, [1.805], relative: 1e-6)
    }

    @Test func learningRateIsReadFromTheGroupAtEachStep() throws {
        // γ = 0.1 then 0.01 (set between steps, as a scheduler does), g = 1: 1 − 0.1 − 0.01
        let p = parameter([1])
        let optimizer = try SGD(parameters: [p], learningRate: 0.1)
        setGradient(p, [1])
        optimizer.step()
        optimizer.groups[0].learningRate = 0.01
        setGradient(p, [1])
        optimizer.step()
        expectClose(p.data, [0.89], relative: 1e-6)
    }

    @Test func groupsTakeTheOptimizersOptionsUnlessTheySetTheirOwn() throws {
        let backbone = parameter([1])
        let head = parameter([1])
        let optimizer = try SGD(
            groups: [
                ParameterGroup([backbone], learningRate: 0.01, weightDecay: 0),
                ParameterGroup([head], nesterov: true),
            ],
            learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
        let (first, second) = (optimizer.groups[0], optimizer.groups[1])
        #expect(first.learningRate == 0.01 && first.weightDecay == 0 && first.momentum == 0.9)
        #expect(second.learningRate == 0.1 && second.weightDecay == 1e-4 && second.nesterov)
        #expect(!first.nesterov)
        // g = 1, no weight decay in group 0: p = 1 − 0.01; group 1: Nesterov, λ = 1e-4:
        // g = 1 + 1e-4, step along g + 0.9·g = 1.9·(1.0001) → p = 1 − 0.1·1.90019
        setGradient(backbone, [1])
        setGradient(head, [1])
        optimizer.step()
        expectClose(backbone.data, [0.99], relative: 1e-6)
        expectClose(head.data, [1 - 0.190019], relative: 1e-6)
    }

    @Test func frozenParametersAndTheirStateAreUntouched() throws {
        // `frozen` has a gradient but requiresGrad == false; `idle` has no gradient.
        let trained = parameter([1])
        let frozen = parameter([1])
        let idle = parameter([1])
        let optimizer = try SGD(
            parameters: [trained, frozen, idle], learningRate: 0.1, momentum: 0.9,
            weightDecay: 0.5)
        frozen.requiresGrad = false
        for _ in 0..<3 {
            setGradient(trained, [1])
            setGradient(frozen, [1])
            optimizer.step()
        }
        #expect(frozen.data == [1])
        #expect(idle.data == [1])
        #expect(trained.data != [1])
        let state = optimizer.stateDict().parameters
        #expect(state[0]?.momentumBuffer != nil)
        #expect(state[1] == nil && state[2] == nil)
    }

    @Test func zeroGradClearsEveryGradient() throws {
        let a = parameter([1, 2])
        let b = parameter([3])
        let optimizer = try SGD(
            groups: [ParameterGroup([a]), ParameterGroup([b])], learningRate: 1)
        setGradient(a, [1, 1])
        setGradient(b, [1])
        optimizer.zeroGrad()
        #expect(a.grad == nil && b.grad == nil)
    }

    @Test func groupAddedLaterIsTrainedWithTheOptimizersOptions() throws {
        // Fine-tuning: unfreeze a layer after some steps.
        let head = parameter([1])
        let layer = parameter([1])
        let optimizer = try SGD(parameters: [head], learningRate: 0.1)
        try optimizer.addGroup(ParameterGroup([layer], learningRate: 0.5))
        #expect(optimizer.groups.count == 2)
        setGradient(layer, [1])
        optimizer.step()
        #expect(layer.data == [0.5])
        #expect(head.data == [1])
    }
}
