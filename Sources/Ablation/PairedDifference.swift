import Foundation

/// A difference measured seed by seed on twins that share everything but the compared
/// factor (plain − residual at one depth; one family's depth penalty minus the other's): its
/// value per seed, their mean and sample standard deviation, and a 95% confidence interval
/// for the mean from Student's t with n − 1 degrees of freedom.
///
/// Pairing by seed removes what the twins share (initial weights, the order of the
/// batches), so the interval is about the compared factor alone. With 3 seeds the t
/// quantile is 4.30, with 5 it is 2.78: few seeds make wide intervals, and the lesson says so.
public struct PairedDifference: Equatable, Sendable {
    /// The seeds, in the order of `values`.
    public var seeds: [UInt64]
    /// One difference per seed.
    public var values: [Double]

    /// The differences `values`, one per seed of `seeds`; the two must be equally long
    /// (else the program stops).
    public init(seeds: [UInt64], values: [Double]) {
        precondition(
            seeds.count == values.count,
            "PairedDifference: \(seeds.count) seeds but \(values.count) values")
        self.seeds = seeds
        self.values = values
    }

    /// Mean and sample standard deviation over the seeds.
    public var summary: MeanStd { MeanStd(values) }

    /// Half the width of the 95% interval, t(0.975, n − 1) · sd / √n; nil with fewer than
    /// two seeds.
    public var halfWidth95: Double? {
        guard values.count > 1 else { return nil }
        let summary = summary
        return Self.tQuantile975(degreesOfFreedom: values.count - 1) * summary.std
            / Double(values.count).squareRoot()
    }

    /// The 95% confidence interval for the mean difference; nil with fewer than two seeds.
    public var interval95: ClosedRange<Double>? {
        halfWidth95.map { (summary.mean - $0)...(summary.mean + $0) }
    }

    /// Whether the interval lies entirely above zero (the first term reliably larger).
    public var isPositive: Bool { (interval95?.lowerBound ?? -.infinity) > 0 }

    /// Whether the interval contains zero: at this number of seeds, no difference shown.
    public var includesZero: Bool { interval95.map { $0.contains(0) } ?? true }

    /// `+12.3 ± 4.5 points (95% CI +1.2 to +23.4)` for fractions.
    public var points: String {
        let mean = String(format: "%+.1f", 100 * summary.mean)
        guard let interval = interval95 else { return "\(mean) points (one seed)" }
        return mean
            + String(
                format: " ± %.1f points (95%% CI %+.1f to %+.1f)", 100 * summary.std,
                100 * interval.lowerBound, 100 * interval.upperBound)
    }

    /// Student's t, the 0.975 quantile, for 1 to 30 degrees of freedom (beyond: 1.96, the
    /// normal's, slightly narrow). Values from the t distribution's tables.
    public static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        precondition(df >= 1, "tQuantile975: degrees of freedom must be ≥ 1, got \(df)")
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        return df <= table.count ? table[df - 1] : 1.96
    }
}

extension AblationResults {
    /// The final training error of `net` for `seed`, nil if that net was not trained.
    public func finalTrainError(_ net: AblationNet, seed: UInt64) -> Double? {
        results(net).first { $0.seed == seed }?.finalTraining(window: config.window).trainError
    }

    /// `value(seed)` over the seeds that have every net it needs (nil ones are left out).
    public func paired(_ value: (UInt64) -> Double?) -> PairedDifference {
        let pairs = config.seeds.compactMap { seed in value(seed).map { (seed, $0) } }
        return PairedDifference(seeds: pairs.map(\.0), values: pairs.map(\.1))
    }

    /// Plain minus residual final training error at `depth`, seed by seed.
    public func plainMinusResidual(depth: Int) -> PairedDifference {
        paired { seed in
            guard
                let plain = finalTrainError(AblationNet(depth: depth, residual: false), seed: seed),
                let residual = finalTrainError(
                    AblationNet(depth: depth, residual: true), seed: seed)
            else { return nil }
            return plain - residual
        }
    }

    /// The depth penalty of one family, seed by seed: final training error at `deep` minus
    /// at `shallow`.
    public func depthPenalty(residual: Bool, from shallow: Int, to deep: Int) -> PairedDifference {
        paired { seed in
            guard
                let deepError = finalTrainError(
                    AblationNet(depth: deep, residual: residual), seed: seed),
                let shallowError = finalTrainError(
                    AblationNet(depth: shallow, residual: residual), seed: seed)
            else { return nil }
            return deepError - shallowError
        }
    }

    /// The degradation interaction, seed by seed: the plain family's depth penalty minus the
    /// residual family's. Positive means depth hurts plain nets more than their twins: what
    /// the degradation problem predicts, whatever the budget does to both.
    public func degradationInteraction(from shallow: Int, to deep: Int) -> PairedDifference {
        let plain = depthPenalty(residual: false, from: shallow, to: deep)
        let residual = depthPenalty(residual: true, from: shallow, to: deep)
        let common = plain.seeds.filter(residual.seeds.contains)
        return PairedDifference(
            seeds: common,
            values: common.map { seed in
                plain.values[plain.seeds.firstIndex(of: seed)!]
                    - residual.values[residual.seeds.firstIndex(of: seed)!]
            })
    }
}
