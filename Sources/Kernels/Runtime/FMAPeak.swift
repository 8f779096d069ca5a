/// The FP32 arithmetic peak of this machine, measured rather than computed from a clock:
/// each thread runs independent chains of vector fused multiply-adds, enough of them that
/// the FMA units never wait for a result (latency 4-5 cycles × 2 units), with nothing to
/// load or store. What it reaches is what the cores deliver at the clock they run at now,
/// boost included, which `/proc/cpuinfo`'s "cpu MHz" (often the base clock, or a virtual
/// machine's nominal one) does not tell. `resnet-lab bench gemm` reports GEMM speed as a
/// share of it, so that share cannot pass 100% the way a share of a too-low computed peak
/// can.
public enum FMAPeak {
    /// GFLOP/s (2 flops per lane per FMA) of `threads` threads, each running `iterations`
    /// rounds of its chains, the best of `repeats` timings.
    public static func measure(threads: Int, iterations: Int = 2_000_000, repeats: Int = 3)
        -> Double
    {
        let threads = max(1, threads)
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            Parallel.withThreadCount(threads) {
                Parallel.forEach(threads) { _ in
                    switch InstructionSet.compiled {
                    case .avx512: sink(chains(SIMD16<Float>.self, iterations))
                    case .avx2, .portable: sink(chains(SIMD8<Float>.self, iterations))
                    }
                }
            }
            let elapsed = start.duration(to: .now)
            let seconds =
                Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = min(best, seconds)
        }
        let lanes = InstructionSet.compiled == .avx512 ? 16 : 8
        let flops = Double(threads) * Double(iterations) * Double(chainCount * lanes * 2)
        return flops / best / 1e9
    }

    /// Independent accumulators per thread: 10 × 2 FMA units' worth of work in flight
    /// covers a 5-cycle latency, and 10 vectors plus two operands fit in 16 registers.
    static let chainCount = 10

    /// `iterations` rounds of `chainCount` FMAs `a = a · m + c`, whose values stay bounded
    /// (m < 1), summed at the end so that none is optimised away.
    @inline(never)
    static func chains<V: SIMD>(_: V.Type, _ iterations: Int) -> Float
    where V.Scalar == Float {
        let m = V(repeating: 0.999_999)
        let c = V(repeating: 1e-7)
        var a0 = V(repeating: 0.10)
        var a1 = V(repeating: 0.11)
        var a2 = V(repeating: 0.12)
        var a3 = V(repeating: 0.13)
        var a4 = V(repeating: 0.14)
        var a5 = V(repeating: 0.15)
        var a6 = V(repeating: 0.16)
        var a7 = V(repeating: 0.17)
        var a8 = V(repeating: 0.18)
        var a9 = V(repeating: 0.19)
        for _ in 0..<iterations {
            a0 = c.addingProduct(a0, m)
            a1 = c.addingProduct(a1, m)
            a2 = c.addingProduct(a2, m)
            a3 = c.addingProduct(a3, m)
            a4 = c.addingProduct(a4, m)
            a5 = c.addingProduct(a5, m)
            a6 = c.addingProduct(a6, m)
            a7 = c.addingProduct(a7, m)
            a8 = c.addingProduct(a8, m)
            a9 = c.addingProduct(a9, m)
        }
        let sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + (a8 + a9)
        return sum.sum()
    }

    /// Keeps `value` alive.
    @inline(never)
    static func sink(_ value: Float) {
        if value.isNaN { print("") }
    }
}
