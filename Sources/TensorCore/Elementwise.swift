import Kernels

// Helpers for elementwise loops, shared by the operation files.
//
// The loops take a closure per *chunk* of elements, not per element: debug builds optimise
// each file on its own, and a closure called once per element from another file is not
// inlined (an indirect call each time, several times slower). With one call per chunk, the
// loop itself sits in the caller's closure, where the compiler sees it whole and vectorises it.

/// Elements below which an elementwise loop stays on one thread (thread start-up costs more).
let parallelGrain = 1 << 15

/// A new array of `count` elements, written by `fill(range, output)` on contiguous chunks
/// that together cover `0..<count` (in parallel when large). `fill` must write
/// `output[i]` for every `i` in `range` and nothing else, so the result does not depend on
/// the number of threads.
func parallelFill(
    count: Int, _ fill: (_ range: Range<Int>, _ output: UnsafeMutablePointer<Float>) -> Void
) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let base = buffer.baseAddress {
            Parallel.forChunks(count, minimumChunk: parallelGrain) { range in fill(range, base) }
        }
        initialized = count
    }
}

/// Lets `add(range, gradient)` add into chunks of `input`'s gradient buffer
/// (`gradient[i] += dy[i] * f'(x[i])` for `i` in `range`), in parallel when large. For the
/// backward rules of elementwise operations. Skipped when `input` does not require gradients.
///
/// The first contribution starts from zeros, as `accumulateGradient` does, but each chunk
/// is zeroed by the thread that then adds into it, right before it does: one pass over
/// memory that is about to be written anyway, in parallel, instead of a separate
/// single-threaded fill of the whole buffer. The sums, and their bits, are the same.
func accumulateElementwise(
    into input: Tensor,
    _ add: (_ range: Range<Int>, _ gradient: UnsafeMutablePointer<Float>) -> Void
) {
    guard input.requiresGrad else { return }
    if input.pendingGrad == nil {
        input.pendingGrad = parallelFill(count: input.count) { range, gradient in
            (gradient + range.lowerBound).initialize(repeating: 0, count: range.count)
            add(range, gradient)
        }
        return
    }
    input.accumulateGradient { gradient in
        guard let base = gradient.baseAddress else { return }
        Parallel.forChunks(gradient.count, minimumChunk: parallelGrain) { range in
            add(range, base)
        }
    }
}

/// Runs `body` with read-only pointers to the elements of two arrays.
@inline(__always)
func withBuffers<R>(
    _ x: [Float], _ y: [Float],
    _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> R
) -> R {
    x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in body(x, y) } }
}

/// Runs `body` with writable pointers to the elements of two arrays (of any element types):
/// one call instead of two nested `withUnsafeMutableBufferPointer`s.
@inline(__always)
func withMutableBuffers<A, B, R>(
    _ a: inout [A], _ b: inout [B],
    _ body: (UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>) -> R
) -> R {
    a.withUnsafeMutableBufferPointer { a in b.withUnsafeMutableBufferPointer { b in body(a, b) } }
}

/// Runs `body` with writable pointers to the elements of three arrays.
@inline(__always)
func withMutableBuffers<A, B, C, R>(
    _ a: inout [A], _ b: inout [B], _ c: inout [C],
    _ body: (
        UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>, UnsafeMutableBufferPointer<C>
    ) -> R
) -> R {
    a.withUnsafeMutableBufferPointer { a in
        withMutableBuffers(&b, &c) { b, c in body(a, b, c) }
    }
}

/// Runs `body` with read-only pointers to the elements of three arrays.
@inline(__always)
func withBuffers<R>(
    _ x: [Float], _ y: [Float], _ z: [Float],
    _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>)
        -> R
) -> R {
    x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in z.withUnsafeBufferPointer { z in body(x, y, z) } }
    }
}

/// Runs `body` with read-only pointers to the elements of four arrays.
@inline(__always)
func withBuffers<R>(
    _ w: [Float], _ x: [Float], _ y: [Float], _ z: [Float],
    _ body: (
        UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>,
        UnsafeBufferPointer<Float>
    ) -> R
) -> R {
    w.withUnsafeBufferPointer { w in withBuffers(x, y, z) { x, y, z in body(w, x, y, z) } }
}
