import Kernels

extension Tensor {
    /// The threads the operations' kernels use now: `RESIDUAL_THREADS`, or the core count,
    /// unless `withThreadCount` says otherwise for a stretch of code (a task-local value).
    /// Results never depend on it; only speed does.
    public static var threadCount: Int { Parallel.threadCount }

    /// Runs `body` with the kernels on `n` threads (at least 1). The entry point for code
    /// above TensorCore (the trainer), which need not know the kernels' module.
    ///
    /// - Parameters:
    ///   - n: the thread count, at least 1 (anything less stops with a message).
    ///   - body: the work to run.
    /// - Returns: what `body` returns.
    /// - Throws: `E`, whatever `body` throws, with its type.
    public static func withThreadCount<T, E: Error>(_ n: Int, _ body: () throws(E) -> T)
        throws(E) -> T
    {
        try Parallel.withThreadCount(n, body)
    }
}
