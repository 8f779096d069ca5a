#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The C library's functions under names that the methods below do not shadow.
private func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
private func libmExp(_ x: Double) -> Double { exp(x) }
private func libmLog(_ x: Double) -> Double { log(x) }
private func libmTanh(_ x: Double) -> Double { tanh(x) }

// Each operation: the forward result, then the local derivative of the result with
// respect to each input, evaluated at this point. `backward()` does the rest.

extension Value {
    /// a + b. ∂/∂a = 1, ∂/∂b = 1.
    public static func + (a: Value, b: Value) -> Value {
        Value(a.data + b.data, op: "+", inputs: [a, b], localGradients: [1, 1])
    }

    /// a − b. ∂/∂a = 1, ∂/∂b = −1.
    public static func - (a: Value, b: Value) -> Value {
        Value(a.data - b.data, op: "-", inputs: [a, b], localGradients: [1, -1])
    }

    /// a · b. ∂/∂a = b, ∂/∂b = a.
    // listing: value-multiply
    public static func * (a: Value, b: Value) -> Value {
        Value(a.data * b.data, op: "*", inputs: [a, b], localGradients: [b.data, a.data])
    }
    // listing-end: value-multiply

    /// a / b. ∂/∂a = 1/b, ∂/∂b = −a/b².
    public static func / (a: Value, b: Value) -> Value {
        Value(
            a.data / b.data, op: "/", inputs: [a, b],
            localGradients: [1 / b.data, -a.data / (b.data * b.data)])
    }

    /// −a. ∂/∂a = −1.
    public static prefix func - (a: Value) -> Value {
        Value(-a.data, op: "neg", inputs: [a], localGradients: [-1])
    }

    /// aⁿ for a constant exponent n. ∂/∂a = n·aⁿ⁻¹.
    public func pow(_ n: Double) -> Value {
        Value(
            libmPow(data, n), op: "^\(Value.format(n))", inputs: [self],
            localGradients: [n * libmPow(data, n - 1)])
    }

    /// eᵃ. ∂/∂a = eᵃ (the result itself).
    public func exp() -> Value {
        let e = libmExp(data)
        return Value(e, op: "exp", inputs: [self], localGradients: [e])
    }

    /// ln a, for a > 0. ∂/∂a = 1/a.
    public func log() -> Value {
        Value(libmLog(data), op: "log", inputs: [self], localGradients: [1 / data])
    }

    /// tanh a. ∂/∂a = 1 − tanh²a.
    public func tanh() -> Value {
        let t = libmTanh(data)
        return Value(t, op: "tanh", inputs: [self], localGradients: [1 - t * t])
    }

    /// max(0, a). ∂/∂a = 1 where a > 0, else 0 (the usual choice at a = 0).
    public func relu() -> Value {
        Value(
            Swift.max(0, data), op: "ReLU", inputs: [self],
            localGradients: [data > 0 ? 1 : 0])
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(x)
    }
}

// Mixed arithmetic with plain numbers: the number becomes a leaf constant.
extension Value {
    /// a + b for a plain number b. ∂/∂a = 1.
    public static func + (a: Value, b: Double) -> Value { a + Value(b) }
    /// a + b for a plain number a. ∂/∂b = 1.
    public static func + (a: Double, b: Value) -> Value { Value(a) + b }
    /// a − b for a plain number b. ∂/∂a = 1.
    public static func - (a: Value, b: Double) -> Value { a - Value(b) }
    /// a − b for a plain number a. ∂/∂b = −1.
    public static func - (a: Double, b: Value) -> Value { Value(a) - b }
    /// a · b for a plain number b. ∂/∂a = b.
    public static func * (a: Value, b: Double) -> Value { a * Value(b) }
    /// a · b for a plain number a. ∂/∂b = a.
    public static func * (a: Double, b: Value) -> Value { Value(a) * b }
    /// a / b for a plain number b. ∂/∂a = 1/b.
    public static func / (a: Value, b: Double) -> Value { a / Value(b) }
    /// a / b for a plain number a. ∂/∂b = −a/b².
    public static func / (a: Double, b: Value) -> Value { Value(a) / b }
}
