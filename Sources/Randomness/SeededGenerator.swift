#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small, fast, seeded random number generator (SplitMix64).
///
/// Every random draw in Residual comes from a generator that the caller owns and
/// passes in explicitly: there is no hidden global state, so a seed fully decides
/// a run. SplitMix64 passes BigCrush, needs 8 bytes of state, and can be copied
/// to fork a stream (the copy continues the same sequence).
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The whole state: the generator is a counter run through a mixing function.
    public private(set) var state: UInt64

    /// Creates a generator whose sequence is fully decided by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits: adds SplitMix64's constant increment to ``state`` and mixes
    /// the result. Every other draw of this type is built from it.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A standard normal sample (mean 0, standard deviation 1) by the Box-Muller
    /// transform. One pair of uniforms gives one sample; the second is dropped so
    /// that the stream position depends only on how many samples were drawn.
    public mutating func nextNormal() -> Double {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - nextUnitDouble()
        let u2 = nextUnitDouble()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// This generator as it will be after `count` more draws of `next()`, without drawing
    /// them: SplitMix64's state is a counter, so jumping ahead is one multiplication. Lets
    /// several threads fill parts of one long stream and get the very numbers one thread
    /// would (`Init.normal` does).
    public func advanced(by count: Int) -> SeededGenerator {
        var copy = self
        copy.state &+= 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: count)
        return copy
    }

    /// A generator for a sub-task, derived from this one's stream, so that
    /// independent parts of a program can draw without sharing one sequence.
    public mutating func split() -> SeededGenerator {
        SeededGenerator(seed: next())
    }
}
