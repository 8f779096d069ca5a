import Foundation
import Optim
import TensorCore
import TestSupport
import Testing

/// Golden values from PyTorch, made by `Fixtures/make_optim_fixture.py`: each optimizer run
/// for five steps on three parameters ([2, 3], [3], [5, 7]) with recorded gradients, and each
/// scheduler's learning rates (and cycled momentum) for thirty steps.
@Suite("PyTorch golden values")
struct PyTorchGoldenTests {
    static let optimizerCases = [
        "sgd_plain", "sgd_momentum", "sgd_dampening", "sgd_nesterov", "sgd_weight_decay",
        "sgd_momentum_weight_decay", "sgd_two_groups", "sgd_frozen", "adam", "adam_betas_eps",
        "adam_small_beta1", "adam_weight_decay", "adamw", "adamw_strong_decay",
        "adamw_two_groups", "adam_frozen",
    ]

    static let schedulerCases = [
        "multistep", "multistep_repeated", "cosine_short_period", "cosine", "linear_warmup",
        "linear_decay", "onecycle", "onecycle_linear_three_phase_adam", "onecycle_no_momentum",
        "warmup_then_cosine", "warmup_then_multistep", "three_stage_sequence",
    ]

    @Test func everyFixtureCaseIsTested() throws {
        let optimizers = try loadFixture(OptimizerFixtureFile.self, "optimizers.json")
        #expect(optimizers.cases.map(\.name) == Self.optimizerCases)
        let schedulers = try loadFixture(SchedulerFixtureFile.self, "schedulers.json")
        #expect(schedulers.cases.map(\.name) == Self.schedulerCases)
    }

    /// Every parameter after every step equals PyTorch's: SGD bit for bit, Adam and AdamW
    /// within 2 units in the last place of the largest magnitude the element has had (value or
    /// update). PyTorch's `sqrt` on this CPU (a vectorised library routine) is not always
    /// correctly rounded, and its last-bit differences carry into later steps.
    @Test(arguments: optimizerCases)
    func optimizerMatchesPyTorch(_ name: String) throws {
        let file = try loadFixture(OptimizerFixtureFile.self, "optimizers.json")
        let fixture = try #require(file.cases.first { $0.name == name })
        let parameters = fixture.makeParameters()
        let optimizer = try fixture.makeOptimizer(parameters)
        let ulps: Float = fixture.kind == "SGD" ? 0 : 2
        var scales = parameters.map { $0.data.map(abs) }
        for step in 0..<file.steps {
            optimizer.zeroGrad()
            fixture.setGradients(parameters, step: step)
            let before = parameters.map(\.data)
            optimizer.step()
            for (index, p) in parameters.enumerated() {
                let expected = fixture.after[step][index].map(Float.init)
                for i in expected.indices {
                    let update = abs(expected[i] - before[index][i])
                    scales[index][i] = max(scales[index][i], abs(expected[i]), update)
                }
                let what = "\(name) step \(step + 1) parameter \(index)"
                #expect(p.data.count == expected.count, "\(what): element count")
                for (i, (actual, wanted)) in zip(p.data, expected).enumerated() {
                    #expect(
                        abs(actual - wanted) <= ulps * scales[index][i].ulp,
                        "\(what) element \(i): \(actual) vs PyTorch's \(wanted)")
                }
            }
        }
        for index in fixture.frozen {
            #expect(parameters[index].data == fixture.initial[index].map(Float.init))
        }
    }

    @Test(arguments: schedulerCases)
    func schedulerMatchesPyTorch(_ name: String) throws {
        let file = try loadFixture(SchedulerFixtureFile.self, "schedulers.json")
        let fixture = try #require(file.cases.first { $0.name == name })
        let optimizer = try fixture.makeOptimizer()
        let scheduler = try fixture.scheduler.make(optimizer)
        for step in 0...file.steps {
            if step > 0 {
                optimizer.step()
                scheduler.step()
            }
            expectClose(
                scheduler.lastLearningRates, fixture.learningRates[step], relative: 1e-12,
                "\(name) step \(step)")
            #expect(optimizer.learningRates == scheduler.lastLearningRates)
            expectClose(
                momenta(of: optimizer), fixture.momenta[step], relative: 1e-12,
                "\(name) momentum \(step)")
        }
        #expect(scheduler.lastEpoch == file.steps)
    }
}
