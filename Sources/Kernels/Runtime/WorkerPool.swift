import CSpinWait
import Foundation
import Synchronization

// Helper threads for `Parallel.forChunks` that wait for the next loop by spinning a short
// while before they sleep.
//
// A training step runs 119-470 parallel loops, most of them a few milliseconds long, with
// little serial work between them. Through `DispatchQueue.concurrentPerform`, each loop woke a
// sleeping Dispatch worker and then waited to be woken itself when the worker finished: on
// the 2-vCPU virtual machine where it was measured, two halves of 92 µs took 141-158 µs a
// loop, two of 923 µs 999-1024 µs (94-106 and 938-948 here), and two-thread training steps
// run 1.06-1.12× faster here (Docs/PERFORMANCE.md, "A training step's parallel loops"). A
// helper that has just finished a chunk polls for the next loop for `spinLimit` before it
// sleeps, and the caller polls for the helpers' last chunk, so a helper starts the next
// loop's chunk about a microsecond after the loop opens.
//
// The chunks are the ones `forChunks` defines (the same ranges whoever runs them), claimed
// one at a time from a shared counter by the caller and every helper awake, so a result never
// depends on which thread ran which chunk (the caller may run them all, when the helpers are
// slow to wake). One loop runs on the pool at a time; a caller that finds it busy (another
// thread's loop, tests running side by side, or a loop inside one of its chunks) or wants
// more threads than there are processors (polling there would take a core from a thread
// with work) goes through Dispatch as before, as does every loop on macOS 14, which lacks the
// `Synchronization` module's atomics. Every helper started so far polls after each loop, even
// when a loop had fewer chunks than helpers: on the 2-processor machines this is measured on
// there is one helper.

/// The shared helper threads and the loop they are running.
@available(macOS 15, *)
final class WorkerPool: Sendable {
    static let shared = WorkerPool()

    /// How long a helper polls for the next loop before it sleeps: longer than the serial
    /// gaps between a training step's loops (tens of microseconds), short enough that an
    /// idle process stops using the processors at once.
    static let spinLimit: Duration = .microseconds(200)

    /// Set while a caller owns the pool (one loop at a time).
    private let busy = Atomic<Bool>(false)

    /// The current loop's number in the high bits and the next unclaimed chunk in the low
    /// `chunkBits`; a finished loop's chunk field is `closed`, so no claim on it can succeed
    /// (loop 0, before the first, is closed too).
    private let ticket = Atomic<Int>(WorkerPool.closed)
    private static let chunkBits = 16
    private static let closed = (1 << chunkBits) - 1

    /// The current loop's chunk count and body (the address of the caller's closure, valid
    /// until the caller returns, which it does only after every chunk has finished).
    private let chunkCount = Atomic<Int>(0)
    private let body = Atomic<Int>(0)
    /// Chunks of the current loop not yet finished.
    private let unfinished = Atomic<Int>(0)

    /// Helpers asleep, or about to be, on `wakeUp`.
    private let sleepers = Atomic<Int>(0)
    private let wakeUp = NSCondition()
    /// Helper threads started (they never stop).
    private let helpers = Mutex<Int>(0)

    private init() {}

    /// Runs `chunk(i)` for every `i` in `0..<chunks` on the calling thread and the helpers
    /// (at least `chunks − 1` of them started), whichever claims each first, and returns true
    /// once all have finished; returns false at once, running nothing, when a loop holds the
    /// pool already (another thread's, or the one this call is nested in).
    func run(chunks: Int, _ chunk: (Int) -> Void) -> Bool {
        precondition(chunks > 1 && chunks < WorkerPool.closed)
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        startHelpers(chunks - 1)
        withoutActuallyEscaping(chunk) { chunk in
            var work = chunk
            withUnsafeMutablePointer(to: &work) { work in
                let loop =
                    (ticket.load(ordering: .sequentiallyConsistent) >> WorkerPool.chunkBits) + 1
                body.store(Int(bitPattern: work), ordering: .sequentiallyConsistent)
                chunkCount.store(chunks, ordering: .sequentiallyConsistent)
                unfinished.store(chunks, ordering: .sequentiallyConsistent)
                ticket.store(loop << WorkerPool.chunkBits, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    wakeUp.lock()
                    wakeUp.broadcast()
                    wakeUp.unlock()
                }
                while let i = claim(loop: loop, chunks: chunks) {
                    work.pointee(i)
                    unfinished.subtract(1, ordering: .sequentiallyConsistent)
                }
                waitForHelpers()
                ticket.store(
                    loop << WorkerPool.chunkBits | WorkerPool.closed,
                    ordering: .sequentiallyConsistent)
            }
        }
        return true
    }

    /// The next unclaimed chunk of loop `loop`, nil when none is left or the loop is over.
    private func claim(loop: Int, chunks: Int) -> Int? {
        var current = ticket.load(ordering: .sequentiallyConsistent)
        while current >> WorkerPool.chunkBits == loop {
            let next = current & WorkerPool.closed
            guard next < chunks else { return nil }
            let (exchanged, original) = ticket.compareExchange(
                expected: current, desired: current + 1, ordering: .sequentiallyConsistent)
            if exchanged { return next }
            current = original
        }
        return nil
    }

    /// Polls until the helpers' chunks have finished; after `spinLimit`, gives the processor
    /// up between polls (a helper that was descheduled needs it back).
    private func waitForHelpers() {
        let clock = ContinuousClock()
        let start = clock.now
        var polls = 0
        while unfinished.load(ordering: .sequentiallyConsistent) > 0 {
            polls += 1
            if polls & 255 == 0 && clock.now - start > WorkerPool.spinLimit {
                sched_yield()
            } else {
                residual_spin_pause()
            }
        }
    }

    /// Starts helpers until there are at least `count`.
    private func startHelpers(_ count: Int) {
        let missing = helpers.withLock { started in
            defer { started = max(started, count) }
            return max(0, count - started)
        }
        for _ in 0..<missing {
            let thread = Thread { [self] in helperLoop() }
            thread.name = "residual.worker"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// A helper's life: wait for a loop it has not seen, claim and run its chunks until none
    /// is left, and wait again.
    private func helperLoop() {
        var seen = -1
        while true {
            let loop = nextLoop(after: seen)
            seen = loop
            // Read after the ticket that opened the loop; if the loop has already finished
            // and another opened since, these may be the newer loop's, but then every claim
            // on `loop` fails and nothing runs: a caller closes its loop's ticket before it
            // gives up `busy`, and only the next owner of `busy` writes these.
            let chunks = chunkCount.load(ordering: .sequentiallyConsistent)
            let address = body.load(ordering: .sequentiallyConsistent)
            while let i = claim(loop: loop, chunks: chunks) {
                let work = UnsafeMutablePointer<(Int) -> Void>(bitPattern: address)!
                work.pointee(i)
                unfinished.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// The number of the first loop after `seen`: polled for `spinLimit`, then slept for.
    private func nextLoop(after seen: Int) -> Int {
        let clock = ContinuousClock()
        var start = clock.now
        var polls = 0
        while true {
            let loop = ticket.load(ordering: .sequentiallyConsistent) >> WorkerPool.chunkBits
            if loop != seen { return loop }
            polls += 1
            if polls & 255 != 0 || clock.now - start < WorkerPool.spinLimit {
                residual_spin_pause()
                continue
            }
            // Counted as a sleeper before the last look at the ticket: a caller that opens a
            // loop after that look sees the count and wakes it.
            wakeUp.lock()
            sleepers.add(1, ordering: .sequentiallyConsistent)
            while ticket.load(ordering: .sequentiallyConsistent) >> WorkerPool.chunkBits == seen {
                wakeUp.wait()
            }
            sleepers.subtract(1, ordering: .sequentiallyConsistent)
            wakeUp.unlock()
            start = clock.now
        }
    }
}
