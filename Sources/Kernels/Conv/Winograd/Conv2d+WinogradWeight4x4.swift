// The weight gradient by Winograd's F(4×4, 3×3) run backwards, on the driver F(2×2, 3×3)
// uses (`winogradWeightGradient`, `Conv2d+WinogradWeight.swift`), with the forward pass's
// input transform (`F4x4.transformImage`). With the matrices of `Conv2d+Winograd.swift`,
//
//     ∂g = Gᵀ [ Σ_blocks (A ∂Y Aᵀ) ⊙ (Bᵀ d B) ] G
//
// 36 products per 4×4 block and channel pair, 2.25 per output where F(2×2, 3×3) takes 4 (16
// per 2×2 block): 1.78× fewer. The price is rounding: A's rows reach 8 and G's sixths and
// twelfths are not exact in binary. The sums over the blocks (the products, in the group
// order of F(2×2, 3×3)) are in Float; the partials' transform back by Gᵀ · G is done in
// double precision and rounded once.
//
// `conv2dBackwardWeight` runs it since 2026-12-07 (F(2×2, 3×3) before): on a Zen 4 the weight
// gradient 1.14-1.38× and whole training steps on one thread 1.03-1.08× faster with AVX-512,
// 1.07-1.10× with AVX2 (Docs/PERFORMANCE.md, "The weight gradient by F(4×4, 3×3), measured
// on the Zen 4 and adopted"). Its bits differ from F(2×2, 3×3)'s, so the seeded numbers in
// Docs/ were made again with it. `resnet-lab bench conv` times F(2×2, 3×3) beside it.

import Checks

extension F4x4: WinogradWeightTransform {
    static var block: Int { 4 }

    static func columnCount(_ grid: WinogradGrid) -> Int { grid.paddedW * 6 * directNR }

    /// A y of one four-vector, sixteen channels at a time (A = (Aᵀ)ᵀ, 6 × 4):
    /// (y₀, y₀ + y₁ + y₂ + y₃, y₀ − y₁ + y₂ − y₃, y₀ + 2y₁ + 4y₂ + 8y₃, y₀ − 2y₁ + 4y₂ − 8y₃, y₃).
    @inline(__always)
    fileprivate static func gradient(
        _ y0: DirectVector, _ y1: DirectVector, _ y2: DirectVector, _ y3: DirectVector
    ) -> (DirectVector, DirectVector, DirectVector, DirectVector, DirectVector, DirectVector) {
        let (even, odd) = (y0 + y2, y1 + y3)
        let (evenScaled, oddScaled) = (y0 + y2 * 4, (y1 + y3 * 4) * 2)
        return (y0, even + odd, even - odd, evenScaled + oddScaled, evenScaled - oddScaled, y3)
    }

    @inline(__always)
    static func transformGradient(
        corner: UnsafePointer<Float>, rowStride: Int, _ block: WinogradBlock,
        into m: UnsafeMutablePointer<Float>, stride: Int
    ) {
        let zero = DirectVector()
        @inline(__always) func at(_ i: Int, _ j: Int) -> DirectVector {
            i < block.rows && j < block.columns
                ? UnsafeRawPointer(corner + i * rowStride + j * directNR)
                    .load(as: DirectVector.self) : zero
        }
        // ∂Y Aᵀ: each of the block's four rows to six values.
        @inline(__always) func row(_ i: Int) -> (
            DirectVector, DirectVector, DirectVector, DirectVector, DirectVector, DirectVector
        ) {
            F4x4.gradient(at(i, 0), at(i, 1), at(i, 2), at(i, 3))
        }
        let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
        // A (∂Y Aᵀ): each of the six columns' four values to six; value ξ = 6i + j.
        @inline(__always) func column(
            _ j: Int, _ a: DirectVector, _ b: DirectVector, _ c: DirectVector, _ d: DirectVector
        ) {
            let t = F4x4.gradient(a, b, c, d)
            @inline(__always) func store(_ i: Int, _ value: DirectVector) {
                UnsafeMutableRawPointer(m + (6 * i + j) * stride).storeBytes(
                    of: value, as: DirectVector.self)
            }
            store(0, t.0)
            store(1, t.1)
            store(2, t.2)
            store(3, t.3)
            store(4, t.4)
            store(5, t.5)
        }
        column(0, r0.0, r1.0, r2.0, r3.0)
        column(1, r0.1, r1.1, r2.1, r3.1)
        column(2, r0.2, r1.2, r2.2, r3.2)
        column(3, r0.3, r1.3, r2.3, r3.3)
        column(4, r0.4, r1.4, r2.4, r3.4)
        column(5, r0.5, r1.5, r2.5, r3.5)
    }

    @inline(__always)
    static func returnFilter(_ du: (Int) -> DirectVector, _ store: (Int, DirectVector) -> Void) {
        typealias Wide = SIMD16<Double>
        // Gᵀ x of one six-vector, in double precision:
        // (x₀/4 − (x₁ + x₂)/6 + (x₃ + x₄)/24, (x₂ − x₁)/6 + (x₃ − x₄)/12, (x₃ + x₄ − x₁ − x₂)/6 + x₅).
        @inline(__always) func filter(
            _ x0: Wide, _ x1: Wide, _ x2: Wide, _ x3: Wide, _ x4: Wide, _ x5: Wide
        ) -> (Wide, Wide, Wide) {
            let (sixth, twelfth, twentyFourth) = (1.0 / 6, 1.0 / 12, 1.0 / 24)
            let (sum12, sum34) = (x1 + x2, x3 + x4)
            return (
                x0 * 0.25 - sum12 * sixth + sum34 * twentyFourth,
                (x2 - x1) * sixth + (x3 - x4) * twelfth,
                (sum34 - sum12) * sixth + x5
            )
        }
        @inline(__always) func u(_ xi: Int) -> Wide { Wide(du(xi)) }
        // Along each of the six rows (6 × 3), then down each of the three columns.
        @inline(__always) func row(_ i: Int) -> (Wide, Wide, Wide) {
            filter(u(6 * i), u(6 * i + 1), u(6 * i + 2), u(6 * i + 3), u(6 * i + 4), u(6 * i + 5))
        }
        let (r0, r1, r2, r3, r4, r5) = (row(0), row(1), row(2), row(3), row(4), row(5))
        let columns = [
            filter(r0.0, r1.0, r2.0, r3.0, r4.0, r5.0),
            filter(r0.1, r1.1, r2.1, r3.1, r4.1, r5.1),
            filter(r0.2, r1.2, r2.2, r3.2, r4.2, r5.2),
        ]
        for (t, (top, middle, bottom)) in columns.enumerated() {
            store(t, DirectVector(top))
            store(3 + t, DirectVector(middle))
            store(6 + t, DirectVector(bottom))
        }
    }
}

/// The weight gradient by F(4×4, 3×3), as `conv2dBackwardWeight` runs it, on the phases of
/// `conv2dBackwardWeightWinograd2x2` (F(2×2, 3×3), which training ran until 2026-12-07, with
/// a quarter of the rounding; `bench conv` times the two side by side). Needs
/// `winogradApplies(s)`.
///
/// - input: `[batch, inChannels, height, width]`
/// - gradOutput: `[batch, outChannels, height, width]`
/// - gradWeight: `[outChannels, inChannels, 3, 3]`, overwritten
/// - inputNormalization: applied to each image's values in its channel-last copy, as the
///   forward pass did
public func conv2dBackwardWeightWinograd(
    _ s: Conv2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>, inputNormalization: Conv2dInputNormalization? = nil
) {
    checkArgument(
        winogradApplies(s), "conv2dBackwardWeightWinograd: needs 3×3, stride 1, padding 1")
    winogradWeightGradient(
        F4x4.self, s, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
        inputNormalization: inputNormalization)
}
