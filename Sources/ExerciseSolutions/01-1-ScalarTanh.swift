import Foundation
import ScalarAutograd

/// Exercise 01.1's reference solution (see `Lessons/Exercises/01-1-ScalarTanh.swift`).
public func scalarTanh(_ x: Value) throws -> Value {
    let t = Foundation.tanh(x.data)
    return Value(t, op: "tanh", inputs: [x], localGradients: [1 - t * t])
}
