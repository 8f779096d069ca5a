import Dispatch
import Foundation

// A small parallel loop for the data pipeline. Every iteration writes only its own examples
// and draws from its own generator, so results are the same for any thread count.

/// Threads for data work: `RESIDUAL_THREADS` when it is a positive integer (the variable the
/// kernels read), else the number of active processors.
let defaultThreads: Int = {
    if let text = ProcessInfo.processInfo.environment["RESIDUAL_THREADS"],
        let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0
    {
        return value
    }
    return max(1, ProcessInfo.processInfo.activeProcessorCount)
}()

/// Runs `body(range)` on contiguous chunks covering `0..<count`, at most `threads` at once.
func forEachChunk(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = max(1, min(threads, count))
    if chunks == 1 {
        body(0..<count)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let work = UncheckedBox(escapable)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            work.value((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
        }
    }
}

/// A buffer base address handed to the iterations of `forEachChunk`, each writing its own
/// disjoint range (which is why the `@unchecked Sendable` is safe).
struct SendableBuffer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// Carries the loop body to the worker threads; safe for the same reason.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
