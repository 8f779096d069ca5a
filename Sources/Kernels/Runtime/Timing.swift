import Dispatch

/// Wall-clock timing for benchmarks and lessons.
public enum Timing {
    /// Runs `body` once to warm up, then `repeats` times, and returns the median wall time in
    /// seconds. The median, not the mean: on a shared machine a few runs are slowed by other
    /// work, and the median ignores them.
    public static func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
        withoutActuallyEscaping(body) { body in alternatingMedians(rounds: repeats, [body])[0] }
    }

    /// The median seconds of each of `bodies`, timed in alternating rounds: one untimed run
    /// of each, then `rounds` rounds that run each once in turn. A machine that speeds up or
    /// slows down while they run (a shared virtual machine, a boosting clock) then moves all
    /// of them alike, and the comparison between them stays fair.
    public static func alternatingMedians(rounds: Int, _ bodies: [() -> Void]) -> [Double] {
        for body in bodies { body() }
        var times = [[Double]](repeating: [], count: bodies.count)
        for _ in 0..<max(1, rounds) {
            for (index, body) in bodies.enumerated() { times[index].append(seconds(body)) }
        }
        return times.map(median)
    }

    /// The median of `times` (of an even count, the upper of the middle two); `times` must not
    /// be empty.
    public static func median(_ times: [Double]) -> Double { times.sorted()[times.count / 2] }

    /// The wall time of one run of `body`, in seconds.
    public static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }
}
