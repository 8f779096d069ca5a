// Reverse-mode automatic differentiation over the graph that operations record.
//
// Forward: every operation computes its result and, when some input requires gradients,
// leaves a `BackwardNode` on it (see
// `Tensor.init(shape:data:op:inputs:backward:backwardThroughReLU:)`).
// Backward: `loss.backward()` orders the recorded tensors so that each comes after all its
// inputs, then visits them from the loss back to the leaves. When a tensor is visited, every
// operation that used it has already added its share of ∂L/∂(tensor), so the tensor's node can
// pass the complete gradient on to its own inputs. Leaves keep what arrives in `grad`.

import Checks
import Kernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Tensor {
    /// Whether operations record backward nodes, for the current task. `true` unless inside
    /// `Tensor.withoutGrad { ... }`. A task-local value, never a global: one test or one
    /// evaluation loop turning recording off does not affect another running alongside.
    @TaskLocal public static var isGradEnabled = true

    /// False to make every ReLU mask its gradient itself, as before batch norm could do it
    /// (tests compare the two).
    @TaskLocal static var defersReLUMasks = true

    /// False to make the ReLU of a batch norm's output store its values, as before a
    /// convolution could compute them from the batch norm's input (tests compare the two);
    /// the environment variable `RESIDUAL_STORE_RELU` sets it false, to measure the
    /// difference.
    @TaskLocal static var defersReLUOutputs = getenv("RESIDUAL_STORE_RELU") == nil

    /// Runs `body` with gradient recording off (PyTorch's `torch.no_grad()`): operations inside
    /// compute their results but record nothing, so results do not require gradients and no
    /// graph is kept alive. Use it for evaluation and for updating parameters.
    ///
    /// - Returns: what `body` returns.
    /// - Throws: whatever `body` throws (the function rethrows).
    public static func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
        try $isGradEnabled.withValue(false) { try body() }
    }

    /// Backpropagates from a one-element tensor (usually the loss L): seeds ∂L/∂L = 1 and adds
    /// ∂L/∂leaf into the `grad` of every leaf that requires gradients.
    ///
    /// Gradients accumulate, as in PyTorch: a second `backward()` adds to `grad` again; clear
    /// with `zeroGrad()` or `grad = nil` between steps. Intermediate tensors keep no `grad`
    /// unless `retainsGrad` is set. The graph stays usable: `backward()` may run again.
    public func backward() {
        checkArgument(
            count == 1,
            "backward(): the tensor has shape \(shape) (\(count) elements); backward() needs a "
                + "single element, so pass backward(gradient:) for other outputs")
        runBackward(seed: [1])
    }

    /// Backpropagates ∂L/∂(self) = `gradient` (shaped like `self`), for non-scalar outputs
    /// (PyTorch's `y.backward(gradient)`). Equivalent to `(self * gradient).sum().backward()`.
    public func backward(gradient: Tensor) {
        checkArgument(
            gradient.shape == shape,
            "backward(gradient:): gradient has shape \(gradient.shape) but the tensor has shape "
                + "\(shape)")
        runBackward(seed: gradient.data)
    }

    private func runBackward(seed: [Float]) {
        checkArgument(
            requiresGrad,
            "backward(): the tensor does not require gradients (no input had requiresGrad == true, "
                + "or it was computed inside Tensor.withoutGrad or from detach())")
        let order = topologicalOrder(includingConstants: false)
        Tensor.withoutGrad {
            accumulateGradient(seed)
            for tensor in order.reversed() {
                let fusesMask = tensor.backwardNode?.takesReLUMask == true && !tensor.retainsGrad
                if tensor.pendingGradAwaitsReLUMask && !fusesMask {
                    tensor.applyPendingReLUMask()
                }
                guard let gradient = tensor.pendingGrad else { continue }
                tensor.pendingGrad = nil
                let throughReLU = tensor.pendingGradAwaitsReLUMask
                tensor.pendingReLUOutput = nil
                if tensor.isLeaf || tensor.retainsGrad {
                    tensor.addToGrad(gradient)
                }
                if throughReLU {
                    tensor.backwardNode?.runBackward(throughReLU: gradient)
                } else {
                    tensor.backwardNode?.runBackward(gradient)
                }
            }
        }
    }

    /// Adds a finished gradient into `grad`, creating it on first use.
    private func addToGrad(_ gradient: [Float]) {
        guard let existing = grad else {
            grad = Tensor(shape: shape, data: gradient)
            return
        }
        checkArgument(
            existing.shape == shape,
            "backward(): grad has shape \(existing.shape) but the tensor has shape \(shape)")
        addInPlace(&existing.data, gradient)
    }

    /// Adds `gradient` (shaped like this tensor, row-major) to the gradient flowing into this
    /// tensor during the current backward pass. Does nothing when `requiresGrad` is false.
    ///
    /// For backward closures only. The first contribution is kept as it is (no copy), so an
    /// operation whose input gradient equals its output gradient (`reshape`, same-shape
    /// `add`) passes it on for free.
    public func accumulateGradient(_ gradient: [Float]) {
        guard requiresGrad else { return }
        checkArgument(
            gradient.count == count,
            "accumulateGradient: got \(gradient.count) values for a tensor of shape \(shape) "
                + "(\(count) elements)")
        applyPendingReLUMask()
        if pendingGrad == nil {
            pendingGrad = gradient
        } else {
            addInPlace(&pendingGrad!, gradient)
        }
    }

    /// Adds the gradient `compute` returns, which it computes with the running sum so far
    /// already added in (`running[i] + new`, the one addition `accumulateGradient(_:)` would
    /// make, in the same pass that writes it: a convolution's data gradient takes it as its
    /// epilogue's residual); `running` is nil for the first contribution. The result becomes
    /// the running sum. Does nothing when `requiresGrad` is false.
    ///
    /// For backward closures only. `compute` must return `count` values.
    public func accumulateComputedGradient(_ compute: (_ running: UnsafePointer<Float>?) -> [Float])
    {
        guard requiresGrad else { return }
        applyPendingReLUMask()
        let sum: [Float]
        if let running = pendingGrad {
            sum = running.withUnsafeBufferPointer { compute($0.baseAddress!) }
        } else {
            sum = compute(nil)
        }
        checkArgument(
            sum.count == count,
            "accumulateComputedGradient: got \(sum.count) values for a tensor of shape \(shape) "
                + "(\(count) elements)")
        pendingGrad = sum
    }

    /// Lets `body` add into this tensor's gradient buffer in place (`dx[i] += ...`): zeros on
    /// the first contribution, the running sum after. `body` is not called when
    /// `requiresGrad` is false, so expensive input gradients are skipped for free.
    ///
    /// For backward closures only. `body` must *add* (`+=`, or `beta = 1` in a GEMM), never
    /// overwrite: the tensor may have been used by several operations.
    public func accumulateGradient(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        guard requiresGrad else { return }
        applyPendingReLUMask()
        if pendingGrad == nil {
            pendingGrad = [Float](repeating: 0, count: count)
        }
        pendingGrad!.withUnsafeMutableBufferPointer { body($0) }
    }

    /// For `relu`'s backward: hands `gradOfReLU`, the gradient of `relu(self)` whose output
    /// `reluOutput` gives (computed only if needed), to this tensor unmasked when its node applies the mask in its own
    /// pass (batch norm's `backwardThroughReLU`), and returns true. Returns false, doing
    /// nothing, when the ReLU must mask it itself: deferring is off (`defersReLUMasks`), this
    /// tensor does not require gradients, another gradient has already arrived, or the node
    /// has no such rule. The ReLU calls it only if this tensor's `data` had not been written
    /// when the ReLU ran, so that batch norm's recomputed output is the ReLU's input.
    func deferReLUMask(_ gradOfReLU: [Float], reluOutput: @escaping () -> [Float]) -> Bool {
        guard Tensor.defersReLUMasks, requiresGrad, pendingGrad == nil,
            backwardNode?.takesReLUMask == true
        else {
            return false
        }
        pendingGrad = gradOfReLU
        pendingReLUOutput = reluOutput
        return true
    }

    /// Zeroes the pending gradient where the ReLU's output is not positive, as `relu`'s
    /// backward would have (`0 + g` where it passes, so −0 becomes +0 as there), when a ReLU
    /// left that to this tensor's node and something else needs the gradient first.
    func applyPendingReLUMask() {
        guard let output = pendingReLUOutput else { return }
        pendingReLUOutput = nil
        output().withUnsafeBufferPointer { y in
            pendingGrad!.withUnsafeMutableBufferPointer { g in
                guard let (y, g) = y.baseAddress.flatMap({ y in g.baseAddress.map { (y, $0) } })
                else { return }
                Parallel.forChunks(count, minimumChunk: parallelGrain) { range in
                    for i in range {
                        let incoming = g[i]
                        g[i] = y[i] > 0 ? 0 + incoming : 0
                    }
                }
            }
        }
    }

    /// A new leaf sharing this tensor's values (copied only if either is later written) but
    /// not its history: gradients do not flow through it. `requiresGrad` is false.
    public func detach() -> Tensor {
        Tensor(shape: shape, data: data, name: name)
    }

    /// Clears `grad` (sets it to `nil`, as PyTorch's `zero_grad()` does by default).
    public func zeroGrad() {
        grad = nil
    }
}

/// `target[i] += source[i]` for every element (equal counts), in parallel when large: a
/// residual block's input gets its two gradients summed here on every training step, and
/// on one thread that sum kept the other core idle (Docs/PERFORMANCE.md, "A training step's
/// parallel loops"). Each element is one addition, so the bits do not depend on the chunks.
func addInPlace(_ target: inout [Float], _ source: [Float]) {
    target.withUnsafeMutableBufferPointer { t in
        source.withUnsafeBufferPointer { s in
            guard let t = t.baseAddress, let s = s.baseAddress else { return }
            Parallel.forChunks(source.count, minimumChunk: parallelGrain) { range in
                for i in range { t[i] += s[i] }
            }
        }
    }
}
