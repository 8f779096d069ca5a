import Ablation
import Testing

@Suite("PairedDifference: per-seed differences and their 95% interval")
struct PairedDifferenceTests {
    @Test("the t quantiles are the tables' (0.975, 1 to 30 degrees of freedom)")
    func quantiles() {
        #expect(PairedDifference.tQuantile975(degreesOfFreedom: 1) == 12.706)
        #expect(PairedDifference.tQuantile975(degreesOfFreedom: 2) == 4.303)
        #expect(PairedDifference.tQuantile975(degreesOfFreedom: 4) == 2.776)
        #expect(PairedDifference.tQuantile975(degreesOfFreedom: 30) == 2.042)
        #expect(PairedDifference.tQuantile975(degreesOfFreedom: 200) == 1.96)
    }

    @Test("mean, sample sd and interval, worked by hand")
    func interval() {
        // Values 0.1, 0.2, 0.3: mean 0.2, sd 0.1, half width 4.303 · 0.1 / √3 = 0.24843.
        let difference = PairedDifference(seeds: [0, 1, 2], values: [0.1, 0.2, 0.3])
        #expect(abs(difference.summary.mean - 0.2) < 1e-12)
        #expect(abs(difference.summary.std - 0.1) < 1e-12)
        #expect(abs(difference.halfWidth95! - 0.248434) < 1e-6)
        #expect(difference.includesZero)
        #expect(!difference.isPositive)
        #expect(difference.points == "+20.0 ± 10.0 points (95% CI -4.8 to +44.8)")
        // Five tight values well above zero: the interval excludes it.
        let clear = PairedDifference(seeds: [0, 1, 2, 3, 4], values: [0.2, 0.21, 0.19, 0.2, 0.22])
        #expect(clear.isPositive)
        #expect(!clear.includesZero)
        // One seed: no interval, nothing shown.
        let single = PairedDifference(seeds: [0], values: [0.5])
        #expect(single.interval95 == nil)
        #expect(single.includesZero)
        #expect(single.points == "+50.0 points (one seed)")
    }
}
