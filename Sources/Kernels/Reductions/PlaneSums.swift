// Sums over one contiguous plane of floats, for batch normalisation's statistics and its
// backward sums. A plain `for i { sum += x[i] }` is one long chain of dependent additions
// (one add every 3-4 cycles); these keep 32 partial sums in two vector registers, so the
// additions overlap, then add the lanes. The order of every addition is fixed by `count`
// alone, so results never depend on threads. Each has a loop-in-Double reference
// (`…Naive`) for the tests.

/// `Σ x[i]` for `i` in `0..<count`.
@inline(__always)
public func planeSum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    planeReduce(count: count) { i in
        x.loadVector(i)
    } scalar: { i in
        x[i]
    }
}

/// `Σ (x[i] − shift)²`: with `shift` the mean, the variance times `count`.
@inline(__always)
public func planeSumOfSquares(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> Float {
    let s = SIMD16<Float>(repeating: shift)
    return planeReduce(count: count) { i in
        let d = x.loadVector(i) - s
        return d * d
    } scalar: { i in
        (x[i] - shift) * (x[i] - shift)
    }
}

/// `Σ a[i]·(b[i] − shift)`: with b the input of a batch norm and `shift` its mean,
/// `Σ dy·(x − μ)`.
@inline(__always)
public func planeSumOfProducts(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, shift: Float
) -> Float {
    let s = SIMD16<Float>(repeating: shift)
    return planeReduce(count: count) { i in
        a.loadVector(i) * (b.loadVector(i) - s)
    } scalar: { i in
        a[i] * (b[i] - shift)
    }
}

/// Reference for `planeSum`: one running sum in Double.
public func planeSumNaive(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var sum: Double = 0
    for i in 0..<count { sum += Double(x[i]) }
    return sum
}

/// Reference for `planeSumOfSquares`, in Double.
public func planeSumOfSquaresNaive(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> Double {
    var sum: Double = 0
    for i in 0..<count { sum += (Double(x[i]) - Double(shift)) * (Double(x[i]) - Double(shift)) }
    return sum
}

/// Reference for `planeSumOfProducts`, in Double.
public func planeSumOfProductsNaive(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, shift: Float
) -> Double {
    var sum: Double = 0
    for i in 0..<count { sum += Double(a[i]) * (Double(b[i]) - Double(shift)) }
    return sum
}

/// Sums `term(i)` over 16-float blocks at `i = 0, 16, 32, …` into two alternating vector
/// accumulators, then `scalar(i)` over the last `count % 16` elements, in that order.
@inline(__always)
private func planeReduce(
    count: Int, _ term: (Int) -> SIMD16<Float>, scalar: (Int) -> Float
) -> Float {
    var even = SIMD16<Float>()
    var odd = SIMD16<Float>()
    let blocks = count / 16
    var block = 0
    while block + 1 < blocks {
        even += term(block * 16)
        odd += term(block * 16 + 16)
        block += 2
    }
    if block < blocks { even += term(block * 16) }
    var total = (even + odd).sum()
    for i in (blocks * 16)..<count { total += scalar(i) }
    return total
}

extension UnsafePointer where Pointee == Float {
    /// The 16 floats at `self + i`, any alignment.
    @inline(__always)
    fileprivate func loadVector(_ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(self + i).loadUnaligned(as: SIMD16<Float>.self)
    }
}
