/// A scalar that remembers how it was computed, so that it can compute its own derivatives.
///
/// Every arithmetic operation on `Value`s creates a new `Value` that stores
/// - `data`: the number computed by the forward pass,
/// - `inputs`: the values it was computed from, and `op`, the operation's symbol,
/// - `localGradients`: ∂(this)/∂(input) for each input, evaluated during the forward pass.
///
/// `backward()` then applies the chain rule over the whole expression graph:
/// `input.grad += localGradient × output.grad`, visiting each value only after every
/// value that used it. Because the local derivatives are plain numbers worked out next
/// to the forward result, each operation's forward and backward rule sit on two lines
/// of the same function (see `Value+Operations.swift`).
///
/// Lesson 01 introduces this type. Doubles are used throughout, so finite-difference
/// checks agree with autograd to about 1e-8.
public final class Value {
    /// The result of the forward computation.
    public var data: Double
    /// ∂L/∂(this value), filled in by `backward()` on some output L: added to on a leaf (an
    /// input or parameter), set afresh on an interior value.
    public var grad: Double = 0
    /// A name for pictures and printouts (`a`, `w1`, `loss`); empty when unnamed.
    public var label: String
    /// The operation that produced this value (`"+"`, `"*"`, `"tanh"`, ...); empty for leaves.
    public let op: String
    /// The values this one was computed from, in argument order.
    public let inputs: [Value]
    /// ∂(this value)/∂(inputs[i]), evaluated at the forward pass.
    public let localGradients: [Double]

    /// A leaf: an input or a parameter, with no history.
    public init(_ data: Double, label: String = "") {
        self.data = data
        self.label = label
        self.op = ""
        self.inputs = []
        self.localGradients = []
    }

    /// An interior node of the expression graph. `localGradients[i]` is the derivative of
    /// this value with respect to `inputs[i]`.
    public init(_ data: Double, op: String, inputs: [Value], localGradients: [Double]) {
        precondition(
            inputs.count == localGradients.count,
            "Value(op: \(op)): \(inputs.count) inputs but \(localGradients.count) local gradients")
        self.data = data
        self.label = ""
        self.op = op
        self.inputs = inputs
        self.localGradients = localGradients
    }

    /// True for values with no history (inputs and parameters).
    public var isLeaf: Bool { inputs.isEmpty }

    /// Every value this one depends on, itself included, ordered so that each value comes
    /// after all of its inputs. Iterative depth-first search: deep graphs do not overflow
    /// the stack, and a value reached along two paths appears once.
    public func topologicalOrder() -> [Value] {
        var order: [Value] = []
        var visited = Set<ObjectIdentifier>()
        // Each stack entry is a value and how many of its inputs have been pushed so far.
        var stack: [(value: Value, nextInput: Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let top = stack.last {
            if top.nextInput < top.value.inputs.count {
                stack[stack.count - 1].nextInput += 1
                let input = top.value.inputs[top.nextInput]
                if visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(top.value)
                stack.removeLast()
            }
        }
        return order
    }

    /// Reverse-mode differentiation of this value with respect to everything it depends on.
    ///
    /// Seeds ∂self/∂self = 1, then walks the graph from the output back to the leaves, so that
    /// a value's gradient is complete (every use has contributed) before it is passed on.
    ///
    /// The semantics are PyTorch's: each call adds exactly one copy of ∂self/∂leaf to every
    /// leaf's `grad` (so a second call without `zeroGrad()` doubles the leaves' gradients),
    /// while an interior value's `grad` is set to this pass's ∂self/∂value, fresh every time.
    /// Within one pass, contributions add up: a value used on two paths receives both.
    public func backward() {
        // listing: value-backward
        // This pass's gradients, apart from what earlier passes left in `grad`.
        var pass: [ObjectIdentifier: Double] = [ObjectIdentifier(self): 1]
        for value in topologicalOrder().reversed() {
            let upstream = pass[ObjectIdentifier(value), default: 0]
            for (input, local) in zip(value.inputs, value.localGradients) {
                pass[ObjectIdentifier(input), default: 0] += local * upstream
            }
            if value.isLeaf {
                value.grad += upstream  // parameters accumulate across passes
            } else {
                value.grad = upstream  // shown in pictures; never passed on again
            }
        }
        // listing-end: value-backward
    }

    /// Sets `grad` to zero on this value and everything it depends on.
    public func zeroGrad() {
        for value in topologicalOrder() { value.grad = 0 }
    }
}

extension Value: CustomStringConvertible {
    /// The label (if any), the number and its gradient: `Value(a=2.0, grad: -3.0)`.
    public var description: String {
        let name = label.isEmpty ? "" : "\(label)="
        return "Value(\(name)\(data), grad: \(grad))"
    }
}

extension Value: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// A leaf with the value of a float literal: `let a: Value = 2.5`.
    public convenience init(floatLiteral value: Double) { self.init(value) }
    /// A leaf with the value of an integer literal: `let b: Value = -3`.
    public convenience init(integerLiteral value: Int) { self.init(Double(value)) }
}
