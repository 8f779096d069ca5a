import Plots
import Testing

@Suite("Nice ticks")
struct NiceTicksTests {
    @Test(
        "linear ticks are exact multiples of a 1-2-5 step",
        arguments: [
            (0.0...1.0, 6, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
            (-0.05...1.05, 6, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
            (0.0...1000.0, 6, [0, 200, 400, 600, 800, 1000]),
            (-3.0...7.0, 6, [-2, 0, 2, 4, 6]),
            (0.1...0.35, 6, [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]),
            (0.0...7.3, 6, [0, 1, 2, 3, 4, 5, 6, 7]),
            (2.0...3.0, 4, [2, 2.2, 2.4, 2.6, 2.8, 3]),
        ])
    func linear(range: ClosedRange<Double>, count: Int, expected: [Double]) {
        #expect(NiceTicks.linear(in: range, count: count).map(\.value) == expected)
    }

    @Test(
        "log ticks: decades, thinned when many, 1-2-5 when few",
        arguments: [
            (1e-3...1.0, [1e-3, 1e-2, 0.1, 1]),
            (0.5...2000.0, [1, 10, 100, 1000]),
            (1.0...1e12, [1, 1e3, 1e6, 1e9, 1e12]),
            (0.03...0.8, [0.05, 0.1, 0.2, 0.5]),
            (0.01...0.99, [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]),
        ])
    func logarithmic(range: ClosedRange<Double>, expected: [Double]) {
        #expect(NiceTicks.logarithmic(in: range, count: 6).map(\.value) == expected)
    }

    @Test("a log range narrower than 1-2-5 falls back to linear ticks")
    func narrowLogarithmic() {
        #expect(
            NiceTicks.logarithmic(in: 2.5...4.5, count: 6).map(\.value) == [2.5, 3, 3.5, 4, 4.5])
    }

    @Test("labels share decimals, use suffixes for large values and a real minus sign")
    func labels() {
        #expect(
            NiceTicks.linear(in: 0...1, count: 6).map(\.label) == [
                "0.0", "0.2", "0.4", "0.6", "0.8", "1.0",
            ])
        #expect(NiceTicks.linear(in: -3...7, count: 6).map(\.label) == ["−2", "0", "2", "4", "6"])
        #expect(
            NiceTicks.linear(in: 0...30_000, count: 6).map(\.label) == [
                "0", "5k", "10k", "15k", "20k", "25k", "30k",
            ])
        #expect(
            NiceTicks.linear(in: 0...4e-5, count: 4).map(\.label) == [
                "0", "1e−5", "2e−5", "3e−5", "4e−5",
            ])
    }

    @Test("log labels are plain digits or powers of ten, never both on one axis")
    func logarithmicLabels() {
        #expect(
            NiceTicks.logarithmic(in: 1e-3...1, count: 6).map(\.label) == [
                "0.001", "0.01", "0.1", "1",
            ])
        #expect(
            NiceTicks.logarithmic(in: 1e-6...1e-1, count: 6).map(\.label) == [
                "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹",
            ])
        #expect(
            NiceTicks.logarithmic(in: 0.03...0.8, count: 6).map(\.label) == [
                "0.05", "0.1", "0.2", "0.5",
            ])
    }

    @Test("the step is 1, 2 or 5 times a power of ten")
    func step() {
        #expect(NiceTicks.step(span: 1, count: 6) == (2, -1))
        #expect(NiceTicks.step(span: 1000, count: 6) == (2, 2))
        #expect(NiceTicks.step(span: 0.25, count: 6) == (5, -2))
        #expect(NiceTicks.step(span: 9, count: 1) == (1, 1))
    }
}
