import Foundation
import Kernels
import Randomness

extension Graders {
    /// Exercise 12.1: `winogradProducts`.
    public static func winogradProducts(
        _ products: ([Double], [Double]) throws -> [Double], seed: UInt64 = gradingSeed(121)
    ) -> GradeReport {
        grade("12.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<10 {
                let d = (0..<4).map { _ in uniform(-2...2, &generator) }
                let g = (0..<3).map { _ in uniform(-2...2, &generator) }
                let m = try products(d, g)
                try checks.require(
                    m.count == 4, "F(2, 3) takes exactly four products",
                    "case \(trial): got \(m.count) numbers for d \(d), g \(g)")
                let direct = [
                    d[0] * g[0] + d[1] * g[1] + d[2] * g[2],
                    d[1] * g[0] + d[2] * g[1] + d[3] * g[2],
                ]
                try checks.requireClose(
                    [m[0] + m[1] + m[2], m[1] - m[2] - m[3]], direct, tolerance: 1e-12,
                    "m₁ + m₂ + m₃ = d₀g₀ + d₁g₁ + d₂g₂ and m₂ − m₃ − m₄ = d₁g₀ + d₂g₁ + d₃g₂"
                ) { "case \(trial), d \(d), g \(g): y\($0)" }
            }
            checks.held("10 random inputs and filters: four products give both outputs")
        }
    }

    /// Exercise 12.2: `winogradFilterTransform`.
    public static func winogradFilterTransform(
        _ transform: ([[Double]], [[Double]]) throws -> [[Double]],
        seed: UInt64 = gradingSeed(122)
    ) -> GradeReport {
        grade("12.2", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for t in [WinogradTransform.f2x2, .f4x4] {
                let (m, size) = (t.m, t.tile)
                for trial in 0..<4 {
                    let g = (0..<3).map { _ in (0..<3).map { _ in uniform(-1...1, &generator) } }
                    let d = (0..<size).map { _ in
                        (0..<size).map { _ in uniform(-1...1, &generator) }
                    }
                    let u = try transform(g, t.g)
                    try checks.require(
                        u.count == size && u.allSatisfy { $0.count == size },
                        "G g Gᵀ is (m+2)×(m+2)",
                        "\(t.name), case \(trial): got \(u.count) rows of "
                            + "\(u.map(\.count)) for m + 2 = \(size)")
                    // Y = Aᵀ [U ⊙ (Bᵀ d B)] A against the direct sums over the block.
                    let v = matrixProduct(matrixProduct(t.bt, d), transposed(t.bt))
                    let uv = (0..<size).map { i in (0..<size).map { j in u[i][j] * v[i][j] } }
                    let y = matrixProduct(matrixProduct(t.at, uv), transposed(t.at))
                    var got: [Double] = []
                    var expected: [Double] = []
                    for i in 0..<m {
                        for j in 0..<m {
                            got.append(y[i][j])
                            expected.append(
                                (0..<3).reduce(0.0) { sum, r in
                                    sum + (0..<3).reduce(0.0) { $0 + d[i + r][j + $1] * g[r][$1] }
                                })
                        }
                    }
                    try checks.requireClose(
                        got, expected, tolerance: 1e-9,
                        "Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A = the direct 3×3 sums over the block"
                    ) { "\(t.name), case \(trial): output (\($0 / m), \($0 % m))" }
                }
            }
            checks.held(
                "F(2×2, 3×3) and F(4×4, 3×3), 4 random filters and blocks each: your U gives "
                    + "the direct sums")
        }
    }
}
