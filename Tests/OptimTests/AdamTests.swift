import Optim
import TensorCore
import TestSupport
import Testing

/// Adam and AdamW steps worked out by hand on one-element parameters.
@Suite("Adam and AdamW by hand")
struct AdamTests {
    @Test func twoAdamStepsMatchTheFormulas() throws {
        // γ = 0.1, β = (0.9, 0.999), ε = 1e-8, p = 1.
        // Step 1, g = 2:  m = 0.1·2 = 0.2,  v = 0.001·4 = 0.004
        //   m̂ = 0.2 / (1 − 0.9) = 2,  v̂ = 0.004 / (1 − 0.999) = 4
        //   p = 1 − 0.1·2 / (√4 + 1e-8) = 0.9          (the first step is γ·sign(g))
        // Step 2, g = −1: m = 0.9·0.2 − 0.1 = 0.08,  v = 0.999·0.004 + 0.001 = 0.004996
        //   m̂ = 0.08 / 0.19 = 0.421053,  v̂ = 0.004996 / 0.001999 = 2.499250,  √v̂ = 1.580902
        //   p = 0.9 − 0.1·0.421053 / 1.580902 = 0.873366
        let p = parameter([1])
        let optimizer = try Adam(parameters: [p], learningRate: 0.1)
        setGradient(p, [2])
        optimizer.step()
        expectClose(p.data, [0.9], relative: 1e-6)
        setGradient(p, [-1])
        optimizer.step()
        expectClose(p.data, [0.873366], relative: 1e-6)
        let state = try #require(optimizer.stateDict().parameters[0])
        #expect(state.step == 2)
        expectClose(state.expAvg ?? [], [0.08], relative: 1e-6)
        expectClose(state.expAvgSq ?? [], [0.004996], relative: 1e-6)
    }

    @Test func adamAddsWeightDecayToTheGradient() throws {
        // λ = 0.5, p = 1, g = 2: the gradient becomes 2.5, but the first step is still
        // γ·sign = 0.1, so p = 0.9; the average m remembers 0.1·2.5 = 0.25.
        let p = parameter([1])
        let optimizer = try Adam(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
        setGradient(p, [2])
        optimizer.step()
        expectClose(p.data, [0.9], relative: 1e-6)
        expectClose(optimizer.stateDict().parameters[0]?.expAvg ?? [], [0.25], relative: 1e-6)
    }

    @Test func adamWDecaysTheParameterDirectly() throws {
        // λ = 0.5, γ = 0.1, p = 1, g = 2:  p ← (1 − 0.1·0.5)·1 = 0.95, then the Adam step
        // γ·sign(g) = 0.1: p = 0.85. The average m = 0.1·2 = 0.2 never sees λ.
        let p = parameter([1])
        let optimizer = try AdamW(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
        setGradient(p, [2])
        optimizer.step()
        expectClose(p.data, [0.85], relative: 1e-6)
        expectClose(optimizer.stateDict().parameters[0]?.expAvg ?? [], [0.2], relative: 1e-6)
    }

    @Test func adamWDefaultsToPyTorchsWeightDecay() throws {
        let optimizer = try AdamW(parameters: [parameter([1])])
        #expect(optimizer.groups[0].weightDecay == 1e-2)
        #expect(optimizer.groups[0].learningRate == 1e-3)
        #expect(optimizer.groups[0].betas == (0.9, 0.999))
        #expect(optimizer.name == "AdamW")
        #expect(try Adam(parameters: [parameter([1])]).groups[0].weightDecay == 0)
    }

    @Test func skippedStepsDoNotAdvanceAParametersStepCount() throws {
        // `late` misses the first step, so its bias correction starts at t = 1 a step later,
        // and its first step is γ·sign(g) again.
        let early = parameter([1])
        let late = parameter([1])
        let optimizer = try Adam(parameters: [early, late], learningRate: 0.1)
        setGradient(early, [1])
        optimizer.step()
        setGradient(early, [1])
        setGradient(late, [-3])
        optimizer.step()
        let state = optimizer.stateDict().parameters
        #expect(state[0]?.step == 2)
        #expect(state[1]?.step == 1)
        expectClose(late.data, [1.1], relative: 1e-6)
    }

    @Test func frozenParametersKeepTheirValues() throws {
        let trained = parameter([1, 2])
        let frozen = parameter([3, 4])
        let optimizer = try AdamW(parameters: [trained, frozen], learningRate: 0.1)
        frozen.requiresGrad = false
        for _ in 0..<3 {
            setGradient(trained, [1, -1])
            setGradient(frozen, [1, -1])
            optimizer.step()
        }
        #expect(frozen.data == [3, 4])
        #expect(optimizer.stateDict().parameters[1] == nil)
    }

    @Test func trainsAQuadraticThroughAutograd() throws {
        // L = Σ (p − 3)²: Adam drives p to the target.
        let p = parameter([0, 10])
        let target = Tensor(shape: [2], data: [3, 3])
        let optimizer = try Adam(parameters: [p], learningRate: 0.1)
        for _ in 0..<300 { trainingStep(optimizer, [p], targets: [target]) }
        expectClose(p.data, [3, 3], relative: 1e-2)
    }
}
