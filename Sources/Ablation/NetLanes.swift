import Dispatch
import Foundation
import Kernels
import TensorCore

/// Nets trained side by side: `count` lanes, each training one net at a time with
/// `threadsEach` threads for its kernels.
///
/// A training step's parallel loops split every kernel between the threads and wait for the
/// slowest part before the next kernel starts, and both threads stream memory in the same
/// phases. Two nets side by side, one thread each, never wait for each other: on the 2-vCPU
/// Intel Xeon of Docs/PERFORMANCE.md, four depth-34 nets trained 1.12-1.19× sooner two at a
/// time on one thread each than one after another on two threads (1.22× counting their
/// training alone), and the default ablation's training 1.19×. The numbers are the same
/// either way: every kernel gives the same bits on any thread count, and each net has its own
/// weights, batches and optimizer.
public struct NetLanes: Sendable, Equatable, CustomStringConvertible {
    /// Nets trained at once.
    public let count: Int
    /// Threads for each net's kernels.
    public let threadsEach: Int

    /// `count` lanes of `threadsEach` threads (both at least 1).
    public init(count: Int, threadsEach: Int) {
        self.count = max(1, count)
        self.threadsEach = max(1, threadsEach)
    }

    /// `2 nets at a time, 1 thread each`, or `one net at a time, 2 threads`.
    public var description: String {
        let threads = "\(threadsEach) thread\(threadsEach == 1 ? "" : "s")"
        return count == 1
            ? "one net at a time, \(threads)" : "\(count) nets at a time, \(threads) each"
    }

    /// Runs `body(lane)` for every lane in `0..<count`, each on its own thread (the caller's
    /// for lane 0) with `threadsEach` threads for the kernels it calls, and returns when all
    /// have returned. `body` must guard whatever the lanes share.
    func run(_ body: (Int) -> Void) {
        // Task-local values do not follow a new thread: each lane sets the caller's again
        // (the kernels' tiles, the tensor core's settings), and its own thread count.
        let tiles = InstructionSet.tiles
        let settings = Tensor.TaskSettings.current
        let threads = threadsEach
        withoutActuallyEscaping(body) { body in
            var lane = { (index: Int) in
                InstructionSet.$tiles.withValue(tiles) {
                    settings.applied {
                        Parallel.withThreadCount(threads) { body(index) }
                    }
                }
            }
            // The threads reach the lane's closure through its address, never holding a
            // reference: a thread may outlive its last call by a moment, and `body` must
            // not be held by anyone once this returns.
            withUnsafeMutablePointer(to: &lane) { lane in
                let address = LaneAddress(lane)
                let finished = DispatchGroup()
                for index in 1..<max(1, count) {
                    finished.enter()
                    // A training step's backward recurses through the graph: the main
                    // thread's stack size, not Dispatch's 512 KB.
                    let thread = Thread {
                        address.pointer.pointee(index)
                        finished.leave()
                    }
                    thread.name = "residual.lane\(index)"
                    thread.stackSize = 8 << 20
                    thread.start()
                }
                lane.pointee(0)
                finished.wait()
            }
        }
    }
}

/// The address of a lane's closure, carried to its thread. Safe because `NetLanes.run`
/// returns only after every lane has finished with it, and the lanes guard what they share.
private struct LaneAddress: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<(Int) -> Void>
    init(_ pointer: UnsafeMutablePointer<(Int) -> Void>) { self.pointer = pointer }
}

/// How lanes that take the next net as they come free share out a list of nets: the order
/// they take them in, and when the last finishes.
enum LaneSchedule {
    /// The nets' indices longest first (ties in their given order): a lane that frees up late
    /// then gets a short net, so the lanes finish close together.
    static func longestFirst(_ seconds: [Double]) -> [Int] {
        seconds.indices.sorted {
            seconds[$0] > seconds[$1] || (seconds[$0] == seconds[$1] && $0 < $1)
        }
    }

    /// Seconds until the last of `seconds` (in the order given) is done, when `lanes` lanes
    /// take them one at a time, each job going to the lane free first; lane `i` is busy for
    /// `busy[i]` seconds first (the nets in progress; missing entries are free lanes).
    static func finish(_ seconds: [Double], lanes: Int, busy: [Double] = []) -> Double {
        var free = (0..<max(1, lanes)).map { $0 < busy.count ? busy[$0] : 0 }
        for job in seconds {
            let first = free.indices.min { free[$0] < free[$1] }!
            free[first] += job
        }
        return free.max() ?? 0
    }
}

/// A value the lanes share, behind a lock.
final class LaneBoard<State>: @unchecked Sendable {
    // Safe to share: `state` is only reached through `locked`.
    private let lock = NSLock()
    private var state: State

    init(_ state: State) { self.state = state }

    /// Runs `body` on the state with the lock held.
    func locked<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }
}

/// The state lanes working through a queue share: the first error a lane met, and whether the
/// run was asked to stop. Once either is set, no lane takes more work (the boards' `take`).
protocol LaneStopping {
    /// The first error a lane met.
    var failure: AblationError? { get set }
    /// Set when the run's `shouldStop` said so.
    var stopped: Bool { get set }
}

extension LaneStopping {
    /// Whether a lane should give up: after a failure or a stop, without asking again;
    /// otherwise as `shouldStop` says (asked one lane at a time, under the board's lock).
    mutating func shouldStop(asking shouldStop: () -> Bool) -> Bool {
        if failure == nil && !stopped && shouldStop() { stopped = true }
        return failure != nil || stopped
    }

    /// A lane's error; the first one is kept.
    mutating func fail(_ error: AblationError) {
        if failure == nil { failure = error }
    }
}

/// What lanes working through a list of jobs share (under `LaneBoard`'s lock): the next job
/// to take, in `order`; the results by job; what each lane is doing, for the status line; and
/// whether to stop.
struct LaneQueue<Value>: LaneStopping {
    /// The jobs' indices in the order the lanes take them.
    let order: [Int]
    /// How many of `order` are taken.
    var taken = 0
    /// The results, by job index.
    var done: [Value?]
    /// Each lane's progress, once it has one: `res-56 40/131 points`.
    var lines: [String?]
    /// The first lane's error.
    var failure: AblationError?
    /// Whether the run was asked to stop.
    var stopped = false

    /// A queue of the jobs `order` lists (each index once, from 0), for `lanes` lanes.
    init(order: [Int], lanes: Int) {
        self.order = order
        done = Array(repeating: nil, count: order.count)
        lines = Array(repeating: nil, count: max(1, lanes))
    }

    /// The next job's index, or nil when every job is taken or the lanes are to end; asks
    /// `shouldStop` only when a job is left (a stop after the last job keeps the results).
    mutating func take(asking shouldStop: () -> Bool) -> Int? {
        guard taken < order.count, !self.shouldStop(asking: shouldStop) else { return nil }
        taken += 1
        return order[taken - 1]
    }

    /// Job `index`'s result, or its stop (nil).
    mutating func finish(_ index: Int, with value: Value?) {
        if let value { done[index] = value } else { stopped = true }
    }

    /// The lanes' progress, `res-56 40/131 points | plain-56 38/131 points`.
    var statusLine: String { lines.compactMap { $0 }.joined(separator: " | ") }

    /// Every result in job order, nil when stopped, or the failure.
    func result() throws(AblationError) -> [Value]? {
        if let failure { throw failure }
        guard !stopped else { return nil }
        return done.map { $0! }
    }
}
