import Kernels

extension Tensor {
    /// The threads the operations' kernels use now: `RESIDUAL_THREADS`, or the core count,
    /// unless `withThreadCount` says otherwise for a stretch of code (a task-local value).
    /// Results never depend on it; only speed does.
    public static var threadCount: Int { Parallel.threadCount }

    /// Runs `body` with the kernels on `n` threads (at least 1). The entry point for code
    /// above TensorCore (the trainer), which need not know the kernels' module.
    public static func withThreadCount<T, E: Error>(_ n: Int, _ body: () throws(E) -> T)
        throws(E) -> T
    {
        try Parallel.withThreadCount(n, body)
    }
}
