/// The record an operation leaves on its result: what was computed (`op`), from what
/// (`inputs`), and how to send a gradient back (the backward closure).
///
/// The closure receives ∂L/∂(result) as a row-major `[Float]` shaped like the result and adds
/// ∂L/∂(input) into each input that requires gradients (`input.accumulateGradient(_:)`). It
/// captures the inputs and whatever the forward pass saved for it (the input arrays, a mask),
/// never the result, so a graph holds no reference cycle and is freed with its output.
public final class BackwardNode: @unchecked Sendable {
    /// The operation's name (`"add"`, `"relu"`, `"conv2d"`), for graphs and printouts.
    public let op: String

    /// The tensors the result was computed from, in argument order. Some may not require
    /// gradients (constants, data); they appear here so that graph pictures show them.
    public private(set) var inputs: [Tensor]

    /// The backward rule (`nil` once the node has been torn down).
    private var backwardRule: ((_ gradOutput: [Float]) -> Void)?

    /// The rule for ∂L/∂relu(result) instead of ∂L/∂(result), masking in its own pass; nil
    /// for operations without one (all but batch norm).
    private var throughReLURule: ((_ gradOfReLU: [Float]) -> Void)?

    init(
        op: String, inputs: [Tensor], backward: @escaping (_ gradOutput: [Float]) -> Void,
        backwardThroughReLU: ((_ gradOfReLU: [Float]) -> Void)? = nil
    ) {
        self.op = op
        self.inputs = inputs
        self.backwardRule = backward
        self.throughReLURule = backwardThroughReLU
    }

    /// Whether the node can take the gradient of a ReLU of its result and apply the ReLU's
    /// mask itself (`runBackward(throughReLU:)`).
    var takesReLUMask: Bool { throughReLURule != nil }

    /// Runs the backward rule with ∂L/∂(result).
    func runBackward(_ gradOutput: [Float]) {
        guard let rule = backwardRule else {
            fatalError("backward(): the graph through '\(op)' has already been released")
        }
        rule(gradOutput)
    }

    /// Runs the backward rule with ∂L/∂relu(result), the ReLU's mask not yet applied. Needs
    /// `takesReLUMask`.
    func runBackward(throughReLU gradOfReLU: [Float]) {
        guard let rule = throughReLURule else {
            fatalError("backward(): '\(op)' cannot apply a ReLU's mask, or has been released")
        }
        rule(gradOfReLU)
    }

    /// Frees the graph behind a dying tensor without recursion.
    ///
    /// Releasing a tensor releases its node, whose inputs release their nodes, and so on: a
    /// chain of thousands of operations would recurse thousands of levels deep in `deinit`
    /// and can overflow a thread's stack. Instead, each node that nobody else holds is
    /// emptied here, and an input that only this graph holds gives up its node to the work
    /// list before it is released, so every `deinit` along the way has nothing left to do.
    static func releaseIteratively(from tensor: Tensor) {
        guard var first = tensor.backwardNode else { return }
        tensor.backwardNode = nil
        guard isKnownUniquelyReferenced(&first) else { return }
        var work = [first]
        while let node = work.popLast() {
            var inputs = node.inputs
            node.inputs = []
            node.backwardRule = nil  // drops the closures' references to the inputs
            node.throughReLURule = nil
            for index in inputs.indices where isKnownUniquelyReferenced(&inputs[index]) {
                if var child = inputs[index].backwardNode {
                    inputs[index].backwardNode = nil
                    if isKnownUniquelyReferenced(&child) { work.append(child) }
                }
            }
            // `node` and the uniquely held inputs die here, each with nothing left to free.
        }
    }
}

extension Tensor {
    /// Every tensor this one was computed from, itself included, ordered so that each tensor
    /// comes after all of its inputs (inputs first, this tensor last). Includes inputs that
    /// do not require gradients. For drawing the autograd graph.
    ///
    /// Iterative depth-first search: deep networks do not overflow the stack, and a tensor
    /// reached along two paths (a residual connection) appears once.
    public func graphNodes() -> [Tensor] {
        topologicalOrder(includingConstants: true)
    }

    /// Tensors reachable from this one through recorded operations, inputs before outputs.
    /// With `includingConstants == false`, only tensors that require gradients (the ones a
    /// backward pass visits).
    func topologicalOrder(includingConstants: Bool) -> [Tensor] {
        var order: [Tensor] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        // Each entry: a tensor and how many of its inputs have been looked at so far.
        var stack: [(tensor: Tensor, nextInput: Int)] = [(self, 0)]
        while let top = stack.last {
            let inputs = top.tensor.backwardNode?.inputs ?? []
            if top.nextInput < inputs.count {
                stack[stack.count - 1].nextInput += 1
                let input = inputs[top.nextInput]
                guard includingConstants || input.requiresGrad else { continue }
                if visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(top.tensor)
                stack.removeLast()
            }
        }
        return order
    }
}
