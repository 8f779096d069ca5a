import ArgumentParser
import Kernels
import Training

/// Checks `RESIDUAL_MEMORY_LIMIT` and `RESIDUAL_KERNELS` (a bad value is a usage error) and
/// `RESIDUAL_THREADS`
/// for a command. A value that is not a positive integer is a usage
/// error (exit 64, naming the variable) for a command that runs kernels on threads and was
/// given no `--threads`; otherwise it is ignored with a warning.
///
/// - Parameters:
///   - threads: the command's `--threads`, if it has the option and it was given.
///   - usesThreads: whether the command runs the kernels on threads (bench, train, ablate).
func checkThreadsEnvironment(threads: Int?, usesThreads: Bool) throws {
    // A bad memory limit is always a usage error: ignoring it would give no protection.
    if let problem = MachineMemory.environmentProblem { throw ValidationError(problem) }
    if let problem = InstructionSet.environmentProblem { throw ValidationError(problem) }
    guard let problem = Parallel.environmentProblem else { return }
    if usesThreads && threads == nil {
        throw ValidationError("\(problem): unset it, or give the thread count with --threads N")
    }
    Parallel.reportEnvironmentProblem()
}

/// `--threads N`, shared by the commands that run the kernels on threads (bench, train,
/// ablate, predict) and validated once: at least 1, and the environment checked with it.
struct ThreadsOption: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help:
            "Threads for the kernels; results do not depend on it (default: RESIDUAL_THREADS or all cores)."
    )
    var threads: Int?

    func validate() throws {
        try checkThreadsEnvironment(threads: threads, usesThreads: true)
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1, got \(threads)")
        }
    }
}
