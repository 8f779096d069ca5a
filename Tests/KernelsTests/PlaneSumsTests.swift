import Kernels
import Testing

/// The vector plane sums of batch normalisation against their Double references, at
/// lengths that exercise every path: shorter than a block, odd and even block counts, and
/// leftovers.
@Suite struct PlaneSumsTests {
    static let lengths = [0, 1, 7, 16, 17, 31, 32, 48, 49, 196, 784, 1000]

    /// The Float result is within the rounding bound of a sum of `count` terms
    /// (`count · u` times the sum of magnitudes) of the Double reference.
    func expectWithinBound(
        _ actual: Float, _ reference: Double, magnitude: Double, count: Int,
        _ what: String
    ) {
        let allowed = 2 * Double(max(count, 1)) * unitRoundoff * magnitude + 1e-30
        #expect(
            abs(Double(actual) - reference) <= allowed,
            "\(what): \(actual) vs \(reference), allowed \(allowed)")
    }

    @Test(arguments: lengths) func sumMatchesReference(count: Int) {
        let x = randomArray(count, seed: UInt64(count) + 5)
        let magnitude = x.reduce(0.0) { $0 + Double(abs($1)) }
        x.withUnsafeBufferPointer { x in
            let base = x.baseAddress ?? UnsafePointer(bitPattern: 64)!
            expectWithinBound(
                planeSum(base, count: count), planeSumNaive(base, count: count),
                magnitude: magnitude, count: count, "sum of \(count)")
        }
    }

    @Test(arguments: lengths) func squaresAndProductsMatchReference(count: Int) {
        let x = randomArray(count, seed: UInt64(count) + 9).map { $0 + 0.25 }
        let dy = randomArray(count, seed: UInt64(count) + 11)
        let shift: Float = 0.25
        let squaresMagnitude = x.reduce(0.0) { $0 + Double(($1 - shift) * ($1 - shift)) }
        let productsMagnitude = zip(dy, x).reduce(0.0) { $0 + Double(abs($1.0 * ($1.1 - shift))) }
        withBuffersForTest(x, dy) { x, dy in
            expectWithinBound(
                planeSumOfSquares(x, count: count, shift: shift),
                planeSumOfSquaresNaive(x, count: count, shift: shift),
                magnitude: 2 * squaresMagnitude, count: count, "squares of \(count)")
            expectWithinBound(
                planeSumOfProducts(dy, x, count: count, shift: shift),
                planeSumOfProductsNaive(dy, x, count: count, shift: shift),
                magnitude: 2 * productsMagnitude, count: count, "products of \(count)")
        }
    }

    /// A dropped or doubled element moves the sum far outside the bound.
    @Test func aMissingTermIsNoticed() {
        let x = [Float](repeating: 1, count: 49)
        x.withUnsafeBufferPointer { x in
            #expect(planeSum(x.baseAddress!, count: 49) == 49)
            #expect(planeSum(x.baseAddress!, count: 48) == 48)
        }
    }
}

/// Pointers to two arrays' elements (a dummy address for empty ones, never read).
private func withBuffersForTest(
    _ a: [Float], _ b: [Float], _ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> Void
) {
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            let dummy = UnsafePointer<Float>(bitPattern: 64)!
            body(a.baseAddress ?? dummy, b.baseAddress ?? dummy)
        }
    }
}

@Suite("channelMoments: one channel's mean and squared deviations over images")
struct ChannelMomentsTests {
    @Test("two images, two channels of 2 pixels: the second channel's moments by hand")
    func byHand() {
        // Image 0: channel 0 = 9, 9; channel 1 = 1, 2. Image 1: channel 0 = 9, 9; channel 1 =
        // 3, 6. Channel 1 holds 1, 2, 3, 6: mean 3, squared deviations 4 + 1 + 0 + 9 = 14.
        let x: [Float] = [9, 9, 1, 2, 9, 9, 3, 6]
        x.withUnsafeBufferPointer { x in
            let one = channelMoments(x, channel: 1, channels: 2, count: 2, planeSize: 2)
            #expect(one.mean == 3 && one.squares == 14)
            let zero = channelMoments(x, channel: 0, channels: 2, count: 2, planeSize: 2)
            #expect(zero.mean == 9 && zero.squares == 0)
        }
    }
}
