// Winograd's minimal filtering F(m×m, 3×3) as the papers write it (Winograd 1980; Lavin and
// Gray 2016, section 4): the matrices as literal tables, the transforms as matrix products,
// one block at a time, nothing fused. The fast kernels (`Conv2d+Winograd.swift`,
// `Conv2d+WinogradWeight.swift`) compute the same sums with the products on the register
// tile; the tests hold them to these references, and lesson 12 lists them.

import Checks

/// The three matrices of F(m×m, 3×3): each m×m block of outputs of a 3×3 convolution is
/// `Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A` for the (m+2)×(m+2) block of input `d` under it and
/// the filter `g`, with (m+2)² multiplications where the direct sum takes 9m².
public struct WinogradTransform: Sendable {
    /// "F(2×2, 3×3)".
    public let name: String
    /// Outputs per block side, m.
    public let m: Int
    /// Bᵀ, (m+2) × (m+2): the input transform.
    public let bt: [[Double]]
    /// G, (m+2) × 3: the filter transform.
    public let g: [[Double]]
    /// Aᵀ, m × (m+2): the output transform.
    public let at: [[Double]]

    /// A transform from its matrices: Bᵀ (m+2)×(m+2), G (m+2)×3, Aᵀ m×(m+2).
    public init(name: String, m: Int, bt: [[Double]], g: [[Double]], at: [[Double]]) {
        checkArgument(
            bt.count == m + 2 && bt.allSatisfy { $0.count == m + 2 } && g.count == m + 2
                && g.allSatisfy { $0.count == 3 } && at.count == m
                && at.allSatisfy { $0.count == m + 2 },
            "\(name): Bᵀ must be \(m + 2)×\(m + 2), G \(m + 2)×3 and Aᵀ \(m)×\(m + 2)")
        (self.name, self.m, self.bt, self.g, self.at) = (name, m, bt, g, at)
    }

    /// Inputs per block side, m + 2.
    public var tile: Int { m + 2 }
    /// Multiplications per block and channel pair: (m+2)².
    public var multiplications: Int { tile * tile }
    /// The direct sum's multiplications for the same block: 9m².
    public var directMultiplications: Int { 9 * m * m }

    /// Interpolation points 0, 1, −1 and ∞.
    public static let f2x2 = WinogradTransform(
        name: "F(2×2, 3×3)", m: 2,
        bt: [
            [1, 0, -1, 0],
            [0, 1, 1, 0],
            [0, -1, 1, 0],
            [0, 1, 0, -1],
        ],
        g: [
            [1, 0, 0],
            [1.0 / 2, 1.0 / 2, 1.0 / 2],
            [1.0 / 2, -1.0 / 2, 1.0 / 2],
            [0, 0, 1],
        ],
        at: [
            [1, 1, 1, 0],
            [0, 1, -1, -1],
        ])

    /// Interpolation points 0, 1, −1, 2, −2 and ∞.
    public static let f4x4 = WinogradTransform(
        name: "F(4×4, 3×3)", m: 4,
        bt: [
            [4, 0, -5, 0, 1, 0],
            [0, -4, -4, 1, 1, 0],
            [0, 4, -4, -1, 1, 0],
            [0, -2, -1, 2, 1, 0],
            [0, 2, -1, -2, 1, 0],
            [0, 4, 0, -5, 0, 1],
        ],
        g: [
            [1.0 / 4, 0, 0],
            [-1.0 / 6, -1.0 / 6, -1.0 / 6],
            [-1.0 / 6, 1.0 / 6, -1.0 / 6],
            [1.0 / 24, 1.0 / 12, 1.0 / 6],
            [1.0 / 24, -1.0 / 12, 1.0 / 6],
            [0, 0, 1],
        ],
        at: [
            [1, 1, 1, 1, 1, 0],
            [0, 1, -1, 2, -2, 0],
            [0, 1, 1, 4, 4, 0],
            [0, 1, -1, 8, -8, 1],
        ])
}

/// A small dense matrix product, `a` (r × n) times `b` (n × c): the references', the graders'.
public func matrixProduct<T: BinaryFloatingPoint>(_ a: [[T]], _ b: [[T]]) -> [[T]] {
    a.map { row in
        (0..<b[0].count).map { j in
            var sum: T = 0
            for (i, value) in row.enumerated() { sum += value * b[i][j] }
            return sum
        }
    }
}

/// The transpose of a small dense matrix.
public func transposed<T>(_ a: [[T]]) -> [[T]] {
    (0..<a[0].count).map { j in a.map { $0[j] } }
}

extension WinogradTransform {
    /// The matrices in the arithmetic of `T` (Bᵀ, G, Gᵀ, Aᵀ and A).
    func matrices<T: BinaryFloatingPoint>(_: T.Type) -> (
        bt: [[T]], g: [[T]], gt: [[T]], at: [[T]], a: [[T]]
    ) {
        let (bt, g, at) = (
            bt.map { $0.map { T($0) } }, g.map { $0.map { T($0) } }, at.map { $0.map { T($0) } }
        )
        return (bt, g, transposed(g), at, transposed(at))
    }
}

// listing: winograd-reference
/// `V[c] = Bᵀ d_c B` for each channel c, where `d_c` is the (m+2)×(m+2) block of input whose
/// outputs start at (`top`, `left`): it starts one pixel up and left of them (the padding),
/// and `pixel(c, h, w)` is zero outside the map.
func transformedInputs<T: BinaryFloatingPoint>(
    _ bt: [[T]], channels: Int, top: Int, left: Int, pixel: (Int, Int, Int) -> T
) -> [[[T]]] {
    let size = bt.count
    return (0..<channels).map { c in
        let d = (0..<size).map { i in (0..<size).map { pixel(c, top + i - 1, left + $0 - 1) } }
        return matrixProduct(matrixProduct(bt, d), transposed(bt))
    }
}

/// A stride-1, padding-1 3×3 convolution by Winograd's `transform`, block by block: for each
/// image, output channel and m×m block, `Y = Aᵀ [ Σ_c (G g_kc Gᵀ) ⊙ (Bᵀ d_c B) ] A`, the sum
/// over input channels taken in the transformed domain (as the fast kernel does), the
/// outputs past the map's edge dropped. In `T`'s arithmetic: `Double` for the exact values,
/// `Float` for the rounding a float kernel meets.
///
/// - input: `[batch, channels, height, width]`
/// - weight: `[outChannels, channels, 3, 3]`
/// - Returns: `[batch, outChannels, height, width]`
public func conv2dWinogradReference<T: BinaryFloatingPoint>(
    _ transform: WinogradTransform, batch: Int, channels: Int, height: Int, width: Int,
    outChannels: Int, input: [T], weight: [T]
) -> [T] {
    let (bt, g, gt, at, a) = transform.matrices(T.self)
    let (m, size) = (transform.m, transform.tile)
    // U[k][c] = G g Gᵀ, (m+2)×(m+2), once per filter.
    let u = (0..<outChannels).map { k in
        (0..<channels).map { c in
            let filter = (0..<3).map { r in
                (0..<3).map { weight[((k * channels + c) * 3 + r) * 3 + $0] }
            }
            return matrixProduct(matrixProduct(g, filter), gt)
        }
    }
    // The input, zero outside the map (the padding, and past the last block).
    func pixel(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> T {
        h >= 0 && h < height && w >= 0 && w < width
            ? input[((n * channels + c) * height + h) * width + w] : 0
    }
    var output = [T](repeating: 0, count: batch * outChannels * height * width)
    for n in 0..<batch {
        for top in stride(from: 0, to: height, by: m) {
            for left in stride(from: 0, to: width, by: m) {
                let v = transformedInputs(bt, channels: channels, top: top, left: left) {
                    pixel(n, $0, $1, $2)
                }
                for k in 0..<outChannels {
                    var product = [[T]](repeating: [T](repeating: 0, count: size), count: size)
                    for c in 0..<channels {
                        for i in 0..<size {
                            for j in 0..<size { product[i][j] += u[k][c][i][j] * v[c][i][j] }
                        }
                    }
                    let y = matrixProduct(matrixProduct(at, product), a)
                    for i in 0..<m where top + i < height {
                        for j in 0..<m where left + j < width {
                            output[((n * outChannels + k) * height + top + i) * width + left + j] =
                                y[i][j]
                        }
                    }
                }
            }
        }
    }
    return output
}
// listing-end: winograd-reference

/// The data gradient of a stride-1, padding-1 3×3 convolution by Winograd's `transform`: the
/// same convolution applied to the output gradient with each filter turned by 180° and the
/// channels swapped (`gradInput[c] = Σ_k gradOutput[k] ⋆ rot180(w[k][c])`).
///
/// - gradOutput: `[batch, outChannels, height, width]`
/// - weight: `[outChannels, channels, 3, 3]`
/// - Returns: `[batch, channels, height, width]`
public func conv2dBackwardDataWinogradReference<T: BinaryFloatingPoint>(
    _ transform: WinogradTransform, batch: Int, channels: Int, height: Int, width: Int,
    outChannels: Int, gradOutput: [T], weight: [T]
) -> [T] {
    let flipped = dataGradientWeights(outChannels: outChannels, inChannels: channels, taps: 9) {
        weight[$0]
    }
    return conv2dWinogradReference(
        transform, batch: batch, channels: outChannels, height: height, width: width,
        outChannels: channels, input: gradOutput, weight: flipped)
}

/// The weight gradient of a stride-1, padding-1 3×3 convolution by Winograd's `transform`
/// run backwards: the forward pass is linear in U = G g Gᵀ, so
/// `∂g = Gᵀ [ Σ_images Σ_blocks (A ∂Y Aᵀ) ⊙ (Bᵀ d B) ] G`, the output gradient of the
/// blocks' cut-off outputs taken as zero.
///
/// - input: `[batch, channels, height, width]`
/// - gradOutput: `[batch, outChannels, height, width]`
/// - Returns: `[outChannels, channels, 3, 3]`
public func conv2dBackwardWeightWinogradReference<T: BinaryFloatingPoint>(
    _ transform: WinogradTransform, batch: Int, channels: Int, height: Int, width: Int,
    outChannels: Int, input: [T], gradOutput: [T]
) -> [T] {
    let (bt, g, gt, at, a) = transform.matrices(T.self)
    let (m, size) = (transform.m, transform.tile)
    func pixel(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> T {
        h >= 0 && h < height && w >= 0 && w < width
            ? input[((n * channels + c) * height + h) * width + w] : 0
    }
    func gradient(_ n: Int, _ k: Int, _ h: Int, _ w: Int) -> T {
        h < height && w < width ? gradOutput[((n * outChannels + k) * height + h) * width + w] : 0
    }
    // ∂U[k][c], summed over every block of every image.
    var gradU = [[[T]]](
        repeating: [[T]](repeating: [T](repeating: 0, count: size), count: size),
        count: outChannels * channels)
    for n in 0..<batch {
        for top in stride(from: 0, to: height, by: m) {
            for left in stride(from: 0, to: width, by: m) {
                let v = transformedInputs(bt, channels: channels, top: top, left: left) {
                    pixel(n, $0, $1, $2)
                }
                for k in 0..<outChannels {
                    let dy = (0..<m).map { i in (0..<m).map { gradient(n, k, top + i, left + $0) } }
                    let gradM = matrixProduct(matrixProduct(a, dy), at)
                    for c in 0..<channels {
                        for i in 0..<size {
                            for j in 0..<size {
                                gradU[k * channels + c][i][j] += gradM[i][j] * v[c][i][j]
                            }
                        }
                    }
                }
            }
        }
    }
    return gradU.flatMap { matrixProduct(matrixProduct(gt, $0), g).flatMap { $0 } }
}
