/// Exercise 03.1's reference solution (see `Lessons/Exercises/03-1-ResidualVJP.swift`).
public func residualVectorJacobianProduct(upstream: [Double], branchJacobian: [[Double]])
    throws -> [Double]
{
    // (g (I + J))ⱼ = gⱼ + Σᵢ gᵢ Jᵢⱼ: the skip passes g through untouched.
    upstream.indices.map { j in
        upstream[j] + upstream.indices.reduce(0) { $0 + upstream[$1] * branchJacobian[$1][j] }
    }
}
