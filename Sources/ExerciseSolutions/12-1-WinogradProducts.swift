/// Exercise 12.1's reference solution (see `Lessons/Exercises/12-1-WinogradProducts.swift`).
public func winogradProducts(d: [Double], g: [Double]) throws -> [Double] {
    [
        (d[0] - d[2]) * g[0],
        (d[1] + d[2]) * ((g[0] + g[1] + g[2]) / 2),
        (d[2] - d[1]) * ((g[0] - g[1] + g[2]) / 2),
        (d[1] - d[3]) * g[2],
    ]
}
