import Checks
import Kernels

/// An n-dimensional array of `Float`s that remembers how it was computed, so that it can
/// compute gradients of a scalar result with respect to everything it depends on.
///
/// - Storage is contiguous and row-major (the last index varies fastest). Images are NCHW:
///   `[batch, channels, height, width]`, as in PyTorch, so numbers and weights compare
///   directly.
/// - `Tensor` is a class (reference semantics, like PyTorch): after `loss.backward()` the
///   very tensor `w` you created holds `w.grad`. Optimisers update `data` in place.
/// - Every operation on tensors that require gradients records a `BackwardNode` (the
///   operation's name, its inputs and a backward closure). `backward()` walks those records
///   from the output back to the leaves (see `Tensor+Autograd.swift`).
///
/// A rank-0 tensor (`shape == []`) holds one number, like `torch.tensor(3.0)`; reductions
/// such as `sum()` return one. Lesson 02 introduces this type.
///
/// `Tensor` is `@unchecked Sendable` so that a data loader can hand a finished batch to
/// another task. It is not safe to mutate one tensor from two threads at once, nor to run
/// `backward()` on two graphs that share tensors concurrently, nor to read a batch norm's
/// result, or a ReLU's of one, from two threads at once before it has been read once (its
/// first read computes and stores its elements: `data`).
public final class Tensor: @unchecked Sendable {
    /// The size of each dimension, outermost first. `[]` for a scalar.
    public let shape: [Int]

    /// The elements in row-major order; `data.count == shape.reduce(1, *)`.
    ///
    /// Writable so that optimisers and initialisers can update parameters in place (outside
    /// any recorded computation). Assigning an array of a different length stops the program.
    ///
    /// A batch norm's result holds no elements until something reads them, nor does the sum of
    /// one and another tensor: the ReLU that takes it computes the values as it goes, in its
    /// own pass (`relu`; `+` defers its sum in turn), and any other read computes and keeps
    /// them first. The values are the same either way. As with writes, do not read a tensor
    /// from two threads at once before its first read.
    public var data: [Float] {
        get {
            materializeIfDeferred()
            return storage
        }
        set {
            deferredNormalization = nil
            storage = newValue
            checkWrittenCount()
        }
        _modify {
            materializeIfDeferred()
            defer { checkWrittenCount() }
            yield &storage
        }
    }

    /// The elements, once computed (empty while `deferredNormalization` is set).
    private var storage: [Float]

    /// How to compute the elements, for a batch norm's result not read yet
    /// (`DeferredNormalization`); nil otherwise.
    private(set) var deferredNormalization: DeferredNormalization?

    /// Computes the elements of a deferred result and keeps them.
    @inline(__always)
    private func materializeIfDeferred() {
        guard let deferred = deferredNormalization else { return }
        storage = deferred.values(.store)
        deferredNormalization = nil
    }

    /// After a write: stops the program if it changed the element count; counts the write.
    private func checkWrittenCount() {
        checkArgument(
            storage.count == count,
            "Tensor.data: assigned \(storage.count) elements to a tensor of shape \(shape), "
                + "which holds \(count)")
        dataWrites &+= 1
    }

    /// How many times `data` has been written since the tensor was made: 0 while it still
    /// holds what its operation computed (a ReLU hands its mask to batch norm only then).
    private(set) var dataWrites = 0

    /// ∂L/∂(this tensor) for the last `backward()` on some output L, shaped like `self`.
    ///
    /// Filled for leaves that require gradients (parameters, inputs you marked), and for
    /// intermediate tensors with `retainsGrad == true`. Gradients *accumulate* over
    /// `backward()` calls, as in PyTorch; set `grad = nil` (or call `zeroGrad()`) to clear.
    public var grad: Tensor?

    /// Whether gradients flow to this tensor. Set it on leaves (parameters, inputs). Results
    /// of operations require gradients when any input does and gradient recording is on.
    public var requiresGrad: Bool

    /// An optional label (`"conv1.weight"`, `"x"`), shown by `description` and graph pictures.
    public var name: String?

    /// Keep `grad` on this intermediate (non-leaf) tensor after `backward()`, like PyTorch's
    /// `retain_grad()`. Leaves always keep theirs. Used to measure gradients inside a network.
    public var retainsGrad = false

    /// How this tensor was computed; `nil` for leaves and for results computed without
    /// gradient recording.
    public internal(set) var backwardNode: BackwardNode?

    /// The gradient arriving at this tensor during one `backward()` pass (internal scratch:
    /// moved into `grad` or handed to `backwardNode`, then cleared).
    var pendingGrad: [Float]?

    /// The output of the ReLU whose gradient `pendingGrad` holds unmasked (still to be
    /// zeroed where that output is not positive), because this tensor's node does the
    /// masking in its own pass (`BackwardNode.takesReLUMask`: batch norm's); nil otherwise.
    /// Whatever else reads or adds to the gradient masks it first, by this output (computed
    /// then: the ReLU's output may not have been stored).
    var pendingReLUOutput: (() -> [Float])?

    /// True while `pendingGrad` awaits a ReLU's mask (`pendingReLUOutput`).
    var pendingGradAwaitsReLUMask: Bool { pendingReLUOutput != nil }

    /// The number of elements, `shape.reduce(1, *)` (1 for a scalar).
    public let count: Int

    /// The number of dimensions (`shape.count`).
    public var rank: Int { shape.count }

    /// Creates a leaf tensor from its shape and row-major elements.
    ///
    /// Stops with a message when `data.count` is not the product of `shape`, or a dimension
    /// is negative.
    public init(shape: [Int], data: [Float], requiresGrad: Bool = false, name: String? = nil) {
        _ = AllocatorTuning.applied
        let count = Tensor.elementCount(of: shape, op: "Tensor(shape:data:)")
        checkArgument(
            data.count == count,
            "Tensor(shape:data:): shape \(shape) holds \(count) elements but data has "
                + "\(data.count)")
        self.shape = shape
        self.count = count
        self.storage = data
        self.requiresGrad = requiresGrad
        self.name = name
    }

    /// Creates the result of an operation and, when gradients are being recorded and some
    /// input requires them, the `BackwardNode` that remembers how to differentiate it.
    ///
    /// This is how every differentiable operation is built: compute `data` (forward), then
    /// describe the backward rule in `backward`, which receives ∂L/∂(result) (shaped like
    /// the result, row-major) and adds ∂L/∂(input) into each input with
    /// `input.accumulateGradient(_:)`. The closure must not capture the result itself.
    ///
    /// - Parameters:
    ///   - shape: the result's shape.
    ///   - data: the result's elements, row-major (`shape.reduce(1, *)` of them).
    ///   - op: the operation's name for graphs and printouts (`"relu"`, `"matmul"`).
    ///   - inputs: the tensors the result was computed from, in argument order.
    ///   - backward: the backward rule; dropped unless a node is recorded.
    ///   - backwardThroughReLU: optionally, the same rule for the gradient of `relu(result)`
    ///     instead of the result's own: it must give the same numbers as `backward` given
    ///     that gradient zeroed where the result is not positive (`x > 0 ? 0 + g : 0`, as
    ///     `relu`'s backward computes it), and saves the ReLU's own pass (batch norm's).
    public convenience init(
        shape: [Int], data: [Float], op: String, inputs: [Tensor],
        backward: @escaping (_ gradOutput: [Float]) -> Void,
        backwardThroughReLU: ((_ gradOfReLU: [Float]) -> Void)? = nil
    ) {
        let count = Tensor.elementCount(of: shape, op: op)
        checkArgument(
            data.count == count,
            "\(op): result shape \(shape) holds \(count) elements but \(data.count) were computed")
        self.init(
            shape: shape, storage: data, deferred: nil, op: op, inputs: inputs,
            backward: backward, backwardThroughReLU: backwardThroughReLU)
    }

    /// The result of an operation whose elements are computed when first read
    /// (`deferred`: a batch norm's), with its `BackwardNode` as in
    /// ``init(shape:data:op:inputs:backward:backwardThroughReLU:)``.
    convenience init(
        shape: [Int], deferred: DeferredNormalization, op: String, inputs: [Tensor],
        backward: @escaping (_ gradOutput: [Float]) -> Void,
        backwardThroughReLU: ((_ gradOfReLU: [Float]) -> Void)? = nil
    ) {
        checkArgument(
            deferred.count == Tensor.elementCount(of: shape, op: op),
            "\(op): result shape \(shape) does not hold the \(deferred.count) deferred elements")
        self.init(
            shape: shape, storage: [], deferred: deferred, op: op, inputs: inputs,
            backward: backward, backwardThroughReLU: backwardThroughReLU)
    }

    private init(
        shape: [Int], storage: [Float], deferred: DeferredNormalization?, op: String,
        inputs: [Tensor], backward: @escaping (_ gradOutput: [Float]) -> Void,
        backwardThroughReLU: ((_ gradOfReLU: [Float]) -> Void)?
    ) {
        _ = AllocatorTuning.applied
        self.shape = shape
        self.count = Tensor.elementCount(of: shape, op: op)
        self.storage = storage
        self.deferredNormalization = deferred
        self.name = nil
        let records = Tensor.isGradEnabled && inputs.contains { $0.requiresGrad }
        self.requiresGrad = records
        if records {
            self.backwardNode = BackwardNode(
                op: op, inputs: inputs, backward: backward, backwardThroughReLU: backwardThroughReLU
            )
        }
    }

    deinit {
        if backwardNode != nil { BackwardNode.releaseIteratively(from: self) }
    }

    /// The number of elements for `shape`, stopping with a message naming `op` when a
    /// dimension is negative.
    static func elementCount(of shape: [Int], op: String) -> Int {
        var count = 1
        for size in shape {
            checkArgument(size >= 0, "\(op): dimensions must be ≥ 0, got shape \(shape)")
            count *= size
        }
        return count
    }

    /// True for tensors that were not computed by a recorded operation (inputs, parameters).
    public var isLeaf: Bool { backwardNode == nil }

    /// The single element of a one-element tensor (any shape with `count == 1`), like
    /// PyTorch's `item()`.
    public var scalar: Float {
        checkArgument(
            count == 1, "Tensor.scalar: needs exactly one element, but shape \(shape) has \(count)")
        return data[0]
    }

    /// Row-major strides: how far apart consecutive indices of each dimension lie in `data`.
    public var strides: [Int] { Tensor.contiguousStrides(for: shape) }

    /// Row-major strides of a contiguous tensor of shape `shape`.
    public static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() {
            strides[axis] = stride
            stride *= shape[axis]
        }
        return strides
    }

    /// The element at a full index (`x[n, c, h, w]`). Negative indices are not accepted.
    /// Writing changes `data` in place and is not recorded for autograd.
    public subscript(indices: Int...) -> Float {
        get { data[offset(of: indices)] }
        set { data[offset(of: indices)] = newValue }
    }

    /// The position of a full index in `data`, with a clear message for a wrong index.
    public func offset(of indices: [Int]) -> Int {
        checkArgument(
            indices.count == rank,
            "Tensor subscript: \(indices.count) indices \(indices) for a tensor of rank \(rank) "
                + "(shape \(shape))")
        var offset = 0
        for axis in 0..<rank {
            let index = indices[axis]
            checkArgument(
                index >= 0 && index < shape[axis],
                "Tensor subscript: index \(index) out of range 0..<\(shape[axis]) in dimension "
                    + "\(axis) of shape \(shape)")
            offset = offset * shape[axis] + index
        }
        return offset
    }
}
