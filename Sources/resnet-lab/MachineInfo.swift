import Foundation
import Kernels

/// What this machine is, read from /proc/cpuinfo, and its theoretical FP32 peak.
struct MachineInfo: Codable {
    var cpuModel: String
    var vendor: String
    var logicalCores: Int
    var megahertz: Double
    /// FP32 fused multiply-adds one core can start per cycle, summed over its FMA units
    /// (lanes × units): see `init`.
    var fmaLanesPerCycle: Int
    /// The vector extensions the CPU reports: "AVX-512, AVX2, FMA", "AVX2, FMA", "NEON", ...
    var instructionSets: String

    static func current() -> MachineInfo {
        let field = CPUInfo.current.field
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let vendor = field("vendor_id") ?? "unknown"
        // AMD Zen 1 and Zen+ (family 23, models below 0x30) have two 128-bit FMA pipes and
        // split each 256-bit FMA in two: 2 × 4 lanes. Zen 2-4 have two 256-bit FMA pipes;
        // Zen 4 runs AVX-512 through them in two halves, so AVX-512 does not raise its peak:
        // 2 × 8 lanes. Zen 5 (family 26) and Intel server cores with AVX-512 have two 512-bit
        // FMA units: 2 × 16, for code compiled for AVX-512. AVX2 + FMA elsewhere: 2 × 8.
        let family = Int(field("cpu family") ?? "") ?? 0
        let model = Int(field("model") ?? "") ?? 0
        let amd = vendor == "AuthenticAMD"
        let wideFMA = !amd || family >= 26
        let lanes: Int
        if flags.contains("avx512f") && wideFMA && InstructionSet.compiled == .avx512 {
            lanes = 32
        } else if flags.contains("fma") && amd && family == 23 && model < 0x30 {
            lanes = 8
        } else if flags.contains("fma") {
            lanes = 16
        } else {
            lanes = 8
        }
        let named = [("avx512f", "AVX-512"), ("avx2", "AVX2"), ("fma", "FMA"), ("asimd", "NEON")]
        let sets = named.filter { flags.contains($0.0) }.map(\.1)
        return MachineInfo(
            cpuModel: field("model name") ?? "unknown CPU", vendor: vendor,
            logicalCores: ProcessInfo.processInfo.activeProcessorCount,
            megahertz: Double(field("cpu MHz") ?? "") ?? 0, fmaLanesPerCycle: lanes,
            instructionSets: sets.isEmpty
                ? "no vector extensions listed" : sets.joined(separator: ", "))
    }

    /// Peak GFLOP/s for `threads` cores: GHz × FMA lanes per cycle × 2 flops per FMA, at the
    /// clock /proc/cpuinfo reports (a boost clock above it lets measured figures exceed this).
    /// The FP32 peak of `threads` threads, counting only cores that exist: more threads
    /// than cores add no arithmetic units.
    func peakGflops(threads: Int) -> Double {
        Double(min(threads, logicalCores)) * megahertz / 1000 * Double(fmaLanesPerCycle) * 2
    }

    var peakFormula: String {
        "cores × \(Int(megahertz)) MHz × \(fmaLanesPerCycle) FMA lanes/cycle × 2 flops"
    }

    var summary: String {
        "\(cpuModel) (\(vendor)), \(logicalCores) logical cores at \(Int(megahertz)) MHz"
    }
}
