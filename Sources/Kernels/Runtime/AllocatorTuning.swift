#if canImport(Glibc)
    import CMalloc
    import Glibc
#endif

/// Keeps glibc's allocator from handing every large tensor fresh pages from the kernel.
///
/// By default glibc serves allocations above its mmap threshold (128 KiB at first) with a
/// new `mmap` and returns them with `munmap` when freed. A training step allocates and
/// frees dozens of activation and gradient arrays of 1-7 MB, so each step then faults in
/// and zeroes every one of their pages in the kernel: on 2 cores that was about a tenth of
/// a step (`clear_page_erms` in `perf`). Raising the threshold to glibc's largest (32 MiB)
/// keeps those blocks in the heap, where a freed block is reused by the next step's
/// allocation of the same size; and trimming is turned off, so that the heap's free top is
/// never handed back to the kernel either. (A trim threshold of 1 GiB was not enough: a
/// depth-56 net's forward at batch 256 that records its graph keeps about a gigabyte of
/// activations alive, and when the graph was dropped glibc gave that gigabyte back with `brk`,
/// to fault it in again on the next pass: about 930 page faults per image. Docs/PERFORMANCE.md,
/// "The cliff's cause found and removed".) The price is that the process keeps its peak heap
/// until it exits.
///
/// Applied once, on first use of `applied`; `Tensor` touches it when it is created.
/// A no-op where the C library is not glibc, or when the environment variable
/// `RESIDUAL_DEFAULT_MALLOC` is set (to measure the difference).
public enum AllocatorTuning {
    /// True once the settings are in place (false where they do not apply).
    public static let applied: Bool = {
        #if canImport(Glibc)
            if getenv("RESIDUAL_DEFAULT_MALLOC") != nil { return false }
            let largest: Int32 = 32 << 20
            let mmapSet = mallopt(M_MMAP_THRESHOLD, largest) == 1
            let trimSet = mallopt(M_TRIM_THRESHOLD, -1) == 1  // -1: never trim
            _ = mallopt(M_TOP_PAD, 64 << 20)
            return mmapSet && trimSet
        #else
            return false
        #endif
    }()
}
