import Foundation
import Randomness

extension Graders {
    /// Exercise 03.1: `residualVectorJacobianProduct(upstream:branchJacobian:)`.
    public static func residualVJP(
        _ product: ([Double], [[Double]]) throws -> [Double], seed: UInt64 = gradingSeed(31)
    ) -> GradeReport {
        grade("03.1", seed: seed) { checks in
            var generator = SeededGenerator(seed: seed)
            for trial in 0..<10 {
                let n = 2 + Int(generator.next() % 5)
                // A random branch F(x) = tanh(W x + b), W not symmetric.
                let w = (0..<n).map { _ in (0..<n).map { _ in uniform(-1...1, &generator) } }
                let b = (0..<n).map { _ in uniform(-0.5...0.5, &generator) }
                func branch(_ x: [Double]) -> [Double] {
                    (0..<n).map { i in
                        Foundation.tanh(b[i] + (0..<n).reduce(0) { $0 + w[i][$1] * x[$1] })
                    }
                }
                func block(_ x: [Double]) -> [Double] { zip(x, branch(x)).map { $0 + $1 } }
                /// J[i][j] = ∂fᵢ/∂xⱼ by central differences, column by column.
                func jacobian(_ f: ([Double]) -> [Double], at x: [Double]) -> [[Double]] {
                    var columns: [[Double]] = []
                    for j in 0..<n {
                        var plus = x
                        var minus = x
                        plus[j] += 1e-6
                        minus[j] -= 1e-6
                        columns.append(zip(f(plus), f(minus)).map { ($0 - $1) / 2e-6 })
                    }
                    return (0..<n).map { i in columns.map { $0[i] } }
                }
                let x = (0..<n).map { _ in uniform(-1...1, &generator) }
                let g = (0..<n).map { _ in uniform(-1...1, &generator) }
                let whole = jacobian(block, at: x)
                let expected = (0..<n).map { j in (0..<n).reduce(0) { $0 + g[$1] * whole[$1][j] } }
                let got = try product(g, jacobian(branch, at: x))
                try checks.requireClose(
                    got, expected, tolerance: 1e-6,
                    "dL/dx = dL/dy · (I + ∂F/∂x), the block's Jacobian built by finite differences",
                    where: { "case \(trial) (n = \(n)), component \($0)" })
            }
            checks.held("10 random branches tanh(Wx + b), n from 2 to 6")
        }
    }
}
