import Dispatch

/// Wall-clock timing for benchmarks and lessons.
public enum Timing {
    /// Runs `body` once to warm up, then `repeats` times, and returns the median wall time in
    /// seconds. The median, not the mean: on a shared machine a few runs are slowed by other
    /// work, and the median ignores them.
    public static func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        times.sort()
        return times[times.count / 2]
    }
}
