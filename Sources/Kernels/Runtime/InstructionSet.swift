import CInstructionSet
import Foundation

/// The vector instruction sets the kernels have register tiles for.
///
/// A register tile keeps a block of outputs in vector registers while it sums over the
/// shared index; its best shape depends on how many registers there are and how wide they
/// are. An AVX-512 core has 32 registers of 16 floats, an AVX2 core 16 of 8: a tile that
/// fits the first spills on the second. Which one the code is compiled for is known at
/// compile time (`CInstructionSet`, from `-target-cpu`), and that picks the tiles.
///
/// Every tile computes each output as the same sum in the same order, one fused
/// multiply-add per term: the tiles differ in how many outputs they hold at once, never in
/// the arithmetic, so results are bit-identical whichever tiles ran (tests compare them).
public enum InstructionSet: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Anything else: arm64 NEON (32 registers of 4 floats), x86-64 without a target CPU.
    case portable
    /// x86-64 with AVX2 and FMA: 16 registers of 8 floats (Haswell, Zen 1-3, Intel client
    /// chips since Alder Lake).
    case avx2
    /// x86-64 with AVX-512: 32 registers of 16 floats (Zen 4 and 5, Intel server chips).
    case avx512

    /// What the numeric targets were compiled for: the header's number (0, 1, 2) is the case's
    /// index in `allCases`.
    public static let compiled = allCases[Int(RESIDUAL_COMPILED_INSTRUCTION_SET)]

    /// The tiles the kernels use: `compiled`, unless `RESIDUAL_KERNELS` names another set, or
    /// a caller scopes one with `InstructionSet.$tiles.withValue(.portable) { ... }` (tests
    /// run every set's tiles on any machine this way: tiles for another set are correct
    /// there, only slower). Kernels read it once per call, on the calling thread.
    @TaskLocal public static var tiles: InstructionSet = defaultTiles()

    /// What is wrong with `RESIDUAL_KERNELS`, when it is set to anything but a set's name;
    /// nil when it is unset or valid.
    public static let environmentProblem: String? = {
        guard let text = ProcessInfo.processInfo.environment["RESIDUAL_KERNELS"] else {
            return nil
        }
        return InstructionSet(rawValue: text) == nil
            ? "RESIDUAL_KERNELS must be one of "
                + allCases.map(\.rawValue).joined(separator: ", ") + ", got \"\(text)\""
            : nil
    }()

    /// `RESIDUAL_KERNELS` when it names a set, else `compiled` (with a warning on standard
    /// error, once, when it is set to something else).
    public static func defaultTiles() -> InstructionSet {
        if let text = ProcessInfo.processInfo.environment["RESIDUAL_KERNELS"],
            let set = InstructionSet(rawValue: text)
        {
            return set
        }
        _ = warnedOnce
        return compiled
    }

    private static let warnedOnce: Void = {
        guard let problem = environmentProblem else { return }
        FileHandle.standardError.write(
            Data("warning: \(problem); using the compiled \(compiled)\n".utf8))
    }()

    /// The set's usual name: `portable`, `AVX2` or `AVX-512` (the raw value is lower case).
    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "AVX2"
        case .avx512: "AVX-512"
        }
    }

    /// Output pixels per direct-convolution tile (its rows), each a 16-float vector of output
    /// channels: 8 × 16 floats is 8 AVX-512 registers of accumulators, 6 × 16 is 12 AVX2
    /// registers (with the two of the weight vector and one broadcast, 15 of 16), 4 × 16 is 16
    /// NEON registers (of 32) or 16 SSE registers (a few spill: portable, not tuned).
    public var directRows: Int {
        switch self {
        case .avx512: 8
        case .avx2: 6
        case .portable: 4
        }
    }

    /// Panels of sixteen output channels one tile holds at once (`directTilePanels`): two
    /// with AVX-512 (8 rows × 32 channels, 16 accumulators of its 32 registers), one elsewhere.
    public var tilePanels: Int { self == .avx512 ? 2 : 1 }
}
