import Foundation

/// Exercise 07.1's reference solution (see `Lessons/Exercises/07-1-WarmupCosine.swift`).
public func warmupCosineRate(step: Int, peak: Double, warmupSteps: Int, totalSteps: Int)
    throws -> Double
{
    if step < warmupSteps {
        return peak * (0.1 + 0.9 * Double(step) / Double(warmupSteps))
    }
    let span = Double(totalSteps - warmupSteps)
    return peak * (1 + Foundation.cos(Double.pi * Double(step - warmupSteps) / span)) / 2
}
