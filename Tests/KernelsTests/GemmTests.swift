import Kernels
import Testing

/// One GEMM problem: sizes, transposes, scalars and extra stride padding.
struct GemmCase: Sendable, CustomTestStringConvertible {
    var m: Int
    var n: Int
    var k: Int
    var transposeA = false
    var transposeB = false
    var alpha: Float = 1
    var beta: Float = 0
    /// Extra elements at the end of every stored row (so `ld > columns`).
    var padding = 0

    var testDescription: String {
        "\(m)×\(n)×\(k) \(transposeA ? "Aᵀ" : "A")\(transposeB ? "Bᵀ" : "B") "
            + "α=\(alpha) β=\(beta) pad=\(padding)"
    }

    var lda: Int { (transposeA ? m : k) + padding }
    var ldb: Int { (transposeB ? k : n) + padding }
    var ldc: Int { n + padding }
    var aCount: Int { (transposeA ? k : m) * lda }
    var bCount: Int { (transposeB ? n : k) * ldb }
    var cCount: Int { m * ldc }

    /// Runs `kernel` on seeded inputs and returns C.
    func run(
        _ kernel: GemmKernel, seed: UInt64 = 1, absolute: Bool = false
    ) -> [Float] {
        var a = randomArray(aCount, seed: seed)
        var b = randomArray(bCount, seed: seed + 1)
        var c = randomArray(cCount, seed: seed + 2)
        var (alpha, beta) = (self.alpha, self.beta)
        if absolute {
            a = a.map(abs)
            b = b.map(abs)
            c = c.map(abs)
            (alpha, beta) = (abs(alpha), abs(beta))
        }
        kernel(
            transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, &c, ldc)
        return c
    }
}

/// Which GEMM a test runs.
enum GemmKernel {
    case fast
    case naive

    func callAsFunction(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        switch self {
        case .fast:
            gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .naive:
            gemmNaive(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }
}

/// Odd shapes crossed with the four transpose combinations, then scalars and strides.
let gemmCases: [GemmCase] = {
    var cases: [GemmCase] = []
    let shapes = [
        (1, 1, 1), (7, 13, 5), (33, 65, 17), (128, 3, 70), (3, 128, 70), (17, 33, 300),
        (130, 90, 600),
    ]
    for (m, n, k) in shapes {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            cases.append(GemmCase(m: m, n: n, k: k, transposeA: ta, transposeB: tb))
            cases.append(
                GemmCase(
                    m: m, n: n, k: k, transposeA: ta, transposeB: tb, alpha: -0.75, beta: 1.5,
                    padding: 3))
        }
    }
    cases.append(GemmCase(m: 5, n: 6, k: 0, alpha: 2, beta: 0.5))
    cases.append(GemmCase(m: 0, n: 6, k: 4, beta: 1))
    cases.append(GemmCase(m: 40, n: 50, k: 30, alpha: 0, beta: -2, padding: 1))
    return cases
}()

@Suite("GEMM")
struct GemmTests {
    @Test("gemm matches gemmNaive", arguments: gemmCases)
    func matchesNaive(c: GemmCase) {
        let fast = c.run(.fast)
        let naive = c.run(.naive)
        let magnitude = c.run(.naive, absolute: true)
        // k products, plus the roundings of alpha·sum, beta·C and their sum.
        expectWithinRoundoff(
            fast, naive, magnitude: magnitude, length: c.k + 3, "\(c.testDescription)")
    }

    @Test("beta = 0 overwrites C without reading it (NaN does not leak)")
    func betaZeroIgnoresC() {
        let a: [Float] = [1, 2, 3, 4]
        let b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: .nan, count: 4)
        gemm(
            transposeA: false, transposeB: false, m: 2, n: 2, k: 2, alpha: 1, a: a, lda: 2,
            b: b, ldb: 2, beta: 0, c: &c, ldc: 2)
        #expect(c == [19, 22, 43, 50])
    }

    @Test("padding columns of C (beyond n) are left untouched")
    func leavesStridePadding() {
        let c = GemmCase(m: 9, n: 5, k: 4, beta: 1, padding: 2)
        let sentinel: Float = 12345
        var out = [Float](repeating: sentinel, count: c.cCount)
        let a = randomArray(c.aCount, seed: 7)
        let b = randomArray(c.bCount, seed: 8)
        gemm(
            transposeA: false, transposeB: false, m: c.m, n: c.n, k: c.k, alpha: 1, a: a,
            lda: c.lda, b: b, ldb: c.ldb, beta: 0, c: &out, ldc: c.ldc)
        for row in 0..<c.m {
            #expect(out[row * c.ldc + 5] == sentinel)
            #expect(out[row * c.ldc + 6] == sentinel)
        }
    }

    @Test(
        "results are bit-identical for 1, 2 and 3 threads",
        // Above the parallel threshold; split by columns, by rows, and over two depth slices.
        arguments: [
            GemmCase(m: 300, n: 700, k: 600, alpha: 0.5, beta: 1),
            GemmCase(m: 16, n: 6000, k: 150, transposeA: true),
            GemmCase(m: 1300, n: 40, k: 170, transposeB: true),
        ])
    func threadIndependence(c: GemmCase) {
        let one = Parallel.withThreadCount(1) { c.run(.fast) }
        for threads in [2, 3] {
            let many = Parallel.withThreadCount(threads) { c.run(.fast) }
            expectBitIdentical(many, one, "\(threads) threads vs 1")
        }
    }

    @Test("a row stride smaller than the stored row stops the program (even with -Ounchecked)")
    func badStrideStops() async {
        await #expect(processExitsWith: .failure) {
            let a = [Float](repeating: 1, count: 12)
            var c = [Float](repeating: 0, count: 12)
            // A is 3×4, so lda must be ≥ 4.
            gemm(
                transposeA: false, transposeB: false, m: 3, n: 3, k: 4, alpha: 1, a: a, lda: 3,
                b: a, ldb: 3, beta: 0, c: &c, ldc: 3)
        }
    }
}
