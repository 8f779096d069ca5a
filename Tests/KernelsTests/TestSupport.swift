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

/// Winograd's matrices for F(m×m, 3×3), m = 2 or 4, as the kernels use them: Aᵀ (m × (m+2)),
/// G ((m+2) × 3), Bᵀ ((m+2) × (m+2)).
func winogradMatrices(block: Int) -> (at: [[Double]], g: [[Double]], bt: [[Double]]) {
    if block == 2 {
        return (
            [[1, 1, 1, 0], [0, 1, -1, -1]],
            [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
            [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
        )
    }
    return (
        [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
        [
            [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
            [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
        ],
        [
            [4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
            [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1],
        ]
    )
}

/// Σ_ξ |Aᵀ[i][ξ]|·|G[ξ][t]|·|Bᵀ[ξ][l]| as `[i][l][t]`, for F(m×m, 3×3).
func winogradCoefficients(block: Int) -> [[[Float]]] {
    let (at, g, bt) = winogradMatrices(block: block)
    let size = block + 2
    return (0..<block).map { i in
        (0..<size).map { l in
            (0..<3).map { t in
                Float((0..<size).reduce(0.0) { $0 + abs(at[i][$1] * g[$1][t] * bt[$1][l]) })
            }
        }
    }
}

let winogradCoefficients2 = winogradCoefficients(block: 2)
let winogradCoefficients4 = winogradCoefficients(block: 4)

/// Calls `body(row, column, m₁, m₂, coefficient)` for every input (row, column) of the
/// (m+2)×(m+2) block that output (h, v) of a stride-1, padding-1 3×3 convolution takes in
/// Winograd's F(m×m, 3×3), inside the `height × width` map, and every tap (m₁, m₂):
/// `coefficient` is the absolute weight the transforms give that input and tap in that
/// output. In one dimension the output at position i of its block takes input l of the
/// input block with tap t with absolute coefficient Σ_ξ |Aᵀ[i][ξ]|·|G[ξ][t]|·|Bᵀ[ξ][l]| (at
/// most 2 for m = 2, under 11 for m = 4); in two, the product of two. The direct sum has
/// coefficient 1 on its own pairs and 0 elsewhere; Winograd's intermediate values carry the
/// others too, and that is what its rounding scales with.
func forEachWinogradPair(
    h: Int, v: Int, height: Int, width: Int, block: Int,
    _ body: (_ row: Int, _ column: Int, _ m1: Int, _ m2: Int, _ coefficient: Float) -> Void
) {
    let size = block + 2
    let coefficient = block == 2 ? winogradCoefficients2 : winogradCoefficients4
    let (ty, i) = h.quotientAndRemainder(dividingBy: block)
    let (tx, j) = v.quotientAndRemainder(dividingBy: block)
    for l1 in 0..<size {
        let row = block * ty + l1 - 1
        guard row >= 0 && row < height else { continue }
        for l2 in 0..<size {
            let column = block * tx + l2 - 1
            guard column >= 0 && column < width else { continue }
            for m1 in 0..<3 {
                for m2 in 0..<3 {
                    body(row, column, m1, m2, coefficient[i][l1][m1] * coefficient[j][l2][m2])
                }
            }
        }
    }
}

/// The magnitude that bounds the rounding error of Winograd's F(m×m, 3×3) (the forward
/// pass's m = 4) on a stride-1, padding-1 3×3 convolution (`x` [N, C, H, W], `w` [K, C, 3,
/// 3]): for each output, the sum over the input channels, the input block and the 3×3 taps
/// of |x|·|w| times the absolute coefficients the transforms give that pair
/// (`forEachWinogradPair`).
func winogradMagnitude(
    batch: Int, channels: Int, height: Int, width: Int, outChannels: Int, x: [Float],
    w: [Float], block: Int = 4
) -> [Float] {
    var out = [Float](repeating: 0, count: batch * outChannels * height * width)
    for n in 0..<batch {
        for k in 0..<outChannels {
            for h in 0..<height {
                for v in 0..<width {
                    var sum: Float = 0
                    for c in 0..<channels {
                        forEachWinogradPair(
                            h: h, v: v, height: height, width: width, block: block
                        ) {
                            row, column, m1, m2, coefficient in
                            let input = abs(x[((n * channels + c) * height + row) * width + column])
                            let weight = abs(w[((k * channels + c) * 3 + m1) * 3 + m2])
                            sum += coefficient * input * weight
                        }
                    }
                    out[((n * outChannels + k) * height + h) * width + v] = sum
                }
            }
        }
    }
    return out
}

/// The magnitude that bounds the rounding error of Winograd's weight gradient by F(m×m, 3×3)
/// (`conv2dBackwardWeightWinograd2x2`, m = 2; `conv2dBackwardWeightWinograd`, m = 4) on a
/// stride-1, padding-1 3×3 convolution (`x` [N, C, H, W], `dy` [N, K, H, W]): for each weight
/// (k, c, m₁, m₂), the sum over the images, the output gradients and their blocks'
/// (m+2)×(m+2) inputs of |dy|·|x| times the same absolute coefficients as `winogradMagnitude`
/// (the transforms are those of the forward pass, applied in the other direction).
func winogradWeightMagnitude(
    batch: Int, channels: Int, height: Int, width: Int, outChannels: Int, x: [Float],
    dy: [Float], block: Int = 2
) -> [Float] {
    var out = [Float](repeating: 0, count: outChannels * channels * 9)
    for k in 0..<outChannels {
        for c in 0..<channels {
            for n in 0..<batch {
                for h in 0..<height {
                    for v in 0..<width {
                        let gradient = abs(dy[((n * outChannels + k) * height + h) * width + v])
                        forEachWinogradPair(
                            h: h, v: v, height: height, width: width, block: block
                        ) {
                            row, column, m1, m2, coefficient in
                            let input = abs(x[((n * channels + c) * height + row) * width + column])
                            out[((k * channels + c) * 3 + m1) * 3 + m2] +=
                                coefficient * gradient * input
                        }
                    }
                }
            }
        }
    }
    return out
}
