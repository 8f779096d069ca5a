import Checks
import Dispatch
import Foundation

/// Data-parallel loops on the calling thread and helper threads (`WorkerPool`, which poll
/// for the next loop between loops; `DispatchQueue.concurrentPerform` when the pool is taken,
/// when more threads than processors are asked for, and on macOS 14), with a thread count that
/// callers can scope (a task-local value, never a global that one test could change under
/// another).
///
/// Every kernel in this module splits its work by *what it writes*: each iteration owns a
/// disjoint range of the output, so no locks are needed and the numbers never depend on how
/// many threads ran (see the module README for the determinism rule).
public enum Parallel {
    /// Threads used by kernels.
    ///
    /// Defaults to the environment variable `RESIDUAL_THREADS` when it is set to a positive
    /// integer, else to the number of active processors. Scope another value with
    /// `Parallel.withThreadCount(_:_:)` (or `Parallel.$threadCount.withValue`).
    /// Inside a parallel loop the value is 1, so nested kernels run serially.
    @TaskLocal public static var threadCount: Int = defaultThreadCount()

    /// What is wrong with `RESIDUAL_THREADS`, when it is set to anything but a positive
    /// integer (`RESIDUAL_THREADS must be a positive integer (a thread count), got "abc"`);
    /// nil when it is unset or valid. Commands that take `--threads` report it as a usage
    /// error when no `--threads` is given.
    public static let environmentProblem: String? = {
        guard let text = ProcessInfo.processInfo.environment["RESIDUAL_THREADS"] else {
            return nil
        }
        return environmentCount(text) == nil
            ? "RESIDUAL_THREADS must be a positive integer (a thread count), got \"\(text)\""
            : nil
    }()

    /// `text` as a thread count: a positive integer, spaces around it allowed.
    static func environmentCount(_ text: String) -> Int? {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
            return nil
        }
        return value
    }

    /// The thread count from `RESIDUAL_THREADS`, or the active processor count. A value that
    /// is not a positive integer is ignored, with a warning on standard error (once).
    public static func defaultThreadCount() -> Int {
        if let text = ProcessInfo.processInfo.environment["RESIDUAL_THREADS"],
            let value = environmentCount(text)
        {
            return value
        }
        reportEnvironmentProblem()
        return processorCount
    }

    /// The active processor count (at least 1).
    public static var processorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `processorCount` read once, on the first parallel loop: asking the system takes about
    /// 10 µs on Linux, as long as a small loop.
    static let processorCountOnce = processorCount

    /// Prints `environmentProblem` as a warning on standard error, once per process; nothing
    /// when there is no problem.
    public static func reportEnvironmentProblem() {
        _ = warnedOnce
    }

    private static let warnedOnce: Void = {
        guard let problem = environmentProblem else { return }
        FileHandle.standardError.write(
            Data(
                "warning: \(problem); ignoring it (\(processorCount) threads unless --threads says otherwise)\n"
                    .utf8))
    }()

    /// Runs `body(i)` for every `i` in `0..<count`, spread over `threadCount` threads.
    ///
    /// Runs serially when `threadCount == 1` or `count <= 1`. Iterations are handed out in
    /// contiguous blocks, one per thread. `body` must write only what iteration `i` owns.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let threads = min(threadCount, count)
        if threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        forChunks(count) { range in
            for i in range { body(i) }
        }
    }

    /// Runs `body(range)` on contiguous chunks that together cover `0..<count`, one chunk per
    /// thread (fewer when `count / minimumChunk` is smaller than `threadCount`). The calling
    /// thread runs chunks too, and returns when all have finished.
    ///
    /// The chunk boundaries depend on the thread count, so `body` must give the same result
    /// for an element whatever chunk it lands in (true when each element is written by
    /// exactly one iteration and computed from inputs alone).
    public static func forChunks(
        _ count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let chunks = max(1, min(threadCount, count / max(1, minimumChunk)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        // Captures the non-escaping `body`, so it may only be handed to non-escaping
        // parameters (the pool's `run`, `withoutActuallyEscaping`), never called or stored.
        let run = { (chunk: Int) in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            Parallel.$threadCount.withValue(1) { body(start..<end) }
        }
        // The pool's helpers poll for the next loop, where Dispatch's workers sleep; with more
        // threads than processors, polling would take a core from a thread that has work.
        if chunks <= processorCountOnce, #available(macOS 15, *),
            WorkerPool.shared.run(chunks: chunks, run)
        {
            return
        }
        withoutActuallyEscaping(run) { escapable in
            let work = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in work.value(chunk) }
        }
    }

    /// Runs `body` with `threadCount` set to `n` for its duration.
    ///
    /// - Parameters:
    ///   - n: the thread count, at least 1 (anything less stops with a message).
    ///   - body: the work to run; kernels it calls use `n` threads.
    /// - Returns: what `body` returns.
    /// - Throws: `E`, whatever `body` throws, with its type.
    public static func withThreadCount<T, E: Error>(_ n: Int, _ body: () throws(E) -> T)
        throws(E) -> T
    {
        checkArgument(n > 0, "Parallel.withThreadCount: thread count must be positive, got \(n)")
        // The task-local's `withValue` only rethrows untyped errors: carry the typed one out.
        let result = $threadCount.withValue(n) { Result { () throws(E) -> T in try body() } }
        return try result.get()
    }
}

/// A pointer that may cross into a parallel loop.
///
/// `UnsafeMutablePointer` is not `Sendable`, and Swift 6 rejects capturing one in a closure
/// that runs on other threads. This wrapper is `@unchecked Sendable` and is safe only under
/// the rule every kernel here follows: each parallel iteration writes a disjoint range of the
/// memory, and nobody reads what another iteration writes until the loop has finished.
public struct SendablePointer<T>: @unchecked Sendable {
    /// The wrapped base address.
    public let pointer: UnsafeMutablePointer<T>

    /// Wraps a mutable pointer.
    public init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }

    /// Wraps a read-only pointer (it is only ever read through this wrapper).
    public init(_ pointer: UnsafePointer<T>) {
        self.pointer = UnsafeMutablePointer(mutating: pointer)
    }

    /// The element at `offset` from the base address.
    public subscript(offset: Int) -> T {
        get { pointer[offset] }
        nonmutating set { pointer[offset] = newValue }
    }

    /// The address `offset` elements past the base.
    public func advanced(by offset: Int) -> UnsafeMutablePointer<T> { pointer + offset }
}

/// Carries a non-`Sendable` value (here: the loop body) to the worker threads of one parallel
/// loop. Safe for the same reason as `SendablePointer`: the body writes disjoint ranges.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
