import Testing

// Comparing computed numbers with expected ones. Three named measures, so that a reader sees
// which one a test uses:
//
//   absolute:            |actual − expected| ≤ tolerance
//   relative:            |actual − expected| ≤ tolerance · max(1, |expected|)
//                        (relative to the expected value, never finer than `tolerance`
//                        itself near zero)
//   absolute + relative: |actual − expected| ≤ absolute + relative · |expected|
//                        (NumPy's and PyTorch's `allclose`)
//
// Each reports the count of mismatches and the worst element, not one failure per element.

/// Expects equal lengths and every element within `bound(expected)` of its expected value.
private func expectWithin<T: BinaryFloatingPoint>(
    _ actual: [T], _ expected: [T], _ what: String, _ measure: String,
    sourceLocation: SourceLocation, bound: (T) -> T
) {
    #expect(
        actual.count == expected.count,
        "\(what): \(actual.count) values, expected \(expected.count)",
        sourceLocation: sourceLocation)
    var mismatches = 0
    var worst: (index: Int, actual: T, expected: T, excess: T)?
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        let allowed = bound(e)
        let error = abs(a - e)
        guard !(error <= allowed) else { continue }  // NaN counts as a mismatch
        mismatches += 1
        let excess = error.isNaN ? T.infinity : error / max(allowed, T.leastNonzeroMagnitude)
        if worst == nil || excess > worst!.excess { worst = (index, a, e, excess) }
    }
    let actualText = worst.map { "\($0.actual)" } ?? "-"
    let expectedText = worst.map { "\($0.expected)" } ?? "-"
    #expect(
        mismatches == 0,
        """
        \(what): \(mismatches) of \(expected.count) values differ by more than \(measure); \
        worst at \(worst?.index ?? -1): \(actualText) vs expected \(expectedText)
        """,
        sourceLocation: sourceLocation)
}

/// |actual − expected| ≤ `absolute` for every element.
public func expectClose<T: BinaryFloatingPoint>(
    _ actual: [T], _ expected: [T], absolute: T, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectWithin(
        actual, expected, what, "\(absolute)", sourceLocation: sourceLocation
    ) { _ in absolute }
}

/// |actual − expected| ≤ `relative` · max(1, |expected|) for every element.
public func expectClose<T: BinaryFloatingPoint>(
    _ actual: [T], _ expected: [T], relative: T, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectWithin(
        actual, expected, what, "\(relative)·max(1, |expected|)", sourceLocation: sourceLocation
    ) { relative * max(1, abs($0)) }
}

/// |actual − expected| ≤ `absolute` + `relative` · |expected| for every element (`allclose`).
public func expectClose<T: BinaryFloatingPoint>(
    _ actual: [T], _ expected: [T], absolute: T, relative: T, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectWithin(
        actual, expected, what, "\(absolute) + \(relative)·|expected|",
        sourceLocation: sourceLocation
    ) { absolute + relative * abs($0) }
}
