import ExerciseKit

/// Exercise 03.1 · The gradient through a residual block: dL/dx = dL/dy (I + ∂F/∂x).
///
/// Lesson 03, "The derivation": for y = x + F(x), the Jacobian is ∂y/∂x = I + ∂F/∂x, so
/// the gradient reaching x is the upstream gradient itself plus what flows through F.
///
/// Task: given g = dL/dy (n numbers) and F's Jacobian J (J[i][j] = ∂Fᵢ/∂xⱼ, n × n), return
/// dL/dx, n numbers: the row vector g times (I + J).
///
/// Shapes: upstream n, branchJacobian n × n; returns n. Graded by: the Jacobian of the whole
/// block x ↦ x + F(x), built column by column by finite differences, for random small
/// branches F, times g.
public func residualVectorJacobianProduct(upstream: [Double], branchJacobian: [[Double]])
    throws -> [Double]
{
    throw NotAttempted()  // delete this line and write the exercise
}
