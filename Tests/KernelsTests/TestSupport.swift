import Kernels
import Testing

/// A small seeded generator (SplitMix64) so every test sees the same numbers.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `count` values uniform in [-1, 1), from `seed`.
func randomArray(_ count: Int, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in Float.random(in: -1..<1, using: &generator) }
}

/// Float32 unit roundoff, 2⁻²⁴.
let unitRoundoff = Double(Float.ulpOfOne) / 2

/// Checks `actual ≈ expected` element by element against a rounding-error bound.
///
/// A float sum of `length` products has error at most `γ = length·u` times the sum of the
/// products' magnitudes (`u = 2⁻²⁴`, Higham's classic bound), whatever the order of the
/// additions and whether or not they are fused. Two such results differ by at most twice
/// that, so the test allows `2 · length · u · magnitude[i]` (plus a denormal-sized floor),
/// where `magnitude[i]` is the same computation run on absolute values. The bound is
/// rigorous, so a correct kernel never fails it; and it is tight, since dropping or
/// doubling a single term moves an element by about `magnitude / length`, far above it.
func expectWithinRoundoff(
    _ actual: [Float], _ expected: [Float], magnitude: [Float], length: Int,
    _ what: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.count == expected.count, "\(what()): sizes differ",
        sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    var worst = 0.0
    var worstIndex = -1
    for i in actual.indices {
        let allowed = 2 * Double(max(length, 1)) * unitRoundoff * Double(magnitude[i]) + 1e-30
        let error = abs(Double(actual[i]) - Double(expected[i]))
        if !(error <= allowed), error / allowed > worst || worstIndex < 0 {
            worst = error / allowed
            worstIndex = i
        }
    }
    #expect(
        worstIndex < 0,
        """
        \(what()): element \(worstIndex) is \(worstIndex < 0 ? 0 : actual[worstIndex]), \
        expected \(worstIndex < 0 ? 0 : expected[worstIndex]) (error \(worst)× the bound)
        """,
        sourceLocation: sourceLocation)
}

/// Checks two arrays hold exactly the same bits.
func expectBitIdentical(
    _ actual: [Float], _ expected: [Float], _ what: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let same =
        actual.count == expected.count
        && zip(actual, expected).allSatisfy { $0.bitPattern == $1.bitPattern }
    let firstDifference = zip(actual, expected).enumerated().first {
        $0.element.0.bitPattern != $0.element.1.bitPattern
    }
    #expect(
        same,
        "\(what()): first difference at \(firstDifference.map { "\($0.offset)" } ?? "size")",
        sourceLocation: sourceLocation)
}
