/// Exercise 12.2's reference solution (see `Lessons/Exercises/12-2-FilterTransform.swift`).
public func winogradFilterTransform(_ g: [[Double]], G: [[Double]]) throws -> [[Double]] {
    // G g: (m+2) × 3.
    let gg = G.map { row in (0..<3).map { j in (0..<3).reduce(0.0) { $0 + row[$1] * g[$1][j] } } }
    // (G g) Gᵀ: (m+2) × (m+2).
    return gg.map { row in G.map { other in (0..<3).reduce(0.0) { $0 + row[$1] * other[$1] } } }
}
