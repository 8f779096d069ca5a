/// Exercise 01.3's reference solution (see `Lessons/Exercises/01-3-CentralDifference.swift`).
public func centralDifference(_ f: (Double) -> Double, at x: Double, step h: Double) throws
    -> Double
{
    // The two points are 2h apart; the x² error terms of the two Taylor series cancel.
    (f(x + h) - f(x - h)) / (2 * h)
}
