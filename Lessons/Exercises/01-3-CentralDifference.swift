import ExerciseKit

/// Exercise 01.3 · The slope by central differences, and why its error is h².
///
/// Lesson 01, "The same slope by finite differences": the slope of f at x can be estimated
/// without any calculus from two evaluations, one step h on either side of x. The central
/// difference (f(x + h) − f(x − h)) / 2h is exact for every polynomial of degree 2, and for
/// f(x) = x³ it is off by exactly h²: its error shrinks 4 times when h is halved, where
/// the one-sided (f(x + h) − f(x)) / h only shrinks 2 times. That is why the course's
/// gradient checks use it.
///
/// Task: return the central-difference estimate of f′(x) with step h.
///
/// Shapes: scalars. Graded by: quadratics with random coefficients (exact up to rounding),
/// x³ (error h²) and sin (error ratio about 4 as h halves), at random points and steps.
public func centralDifference(_ f: (Double) -> Double, at x: Double, step h: Double) throws
    -> Double
{
    throw NotAttempted()  // delete this line and write the exercise
}
