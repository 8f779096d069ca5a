import Dispatch
import Kernels
import Testing

@Suite("Parallel")
struct ParallelTests {
    @Test("forEach visits each index exactly once", arguments: [1, 2, 3])
    func forEachVisitsAll(threads: Int) {
        var hits = [Int](repeating: 0, count: 37)
        hits.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.withThreadCount(threads) {
                Parallel.forEach(37) { i in base[i] += 1 }
            }
        }
        #expect(hits == [Int](repeating: 1, count: 37))
    }

    @Test("forChunks covers the range with contiguous, disjoint chunks", arguments: [1, 2, 3, 8])
    func forChunksCovers(threads: Int) {
        // Each element records the first index of the chunk that visited it.
        var owner = [Int](repeating: -1, count: 100)
        owner.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.withThreadCount(threads) {
                Parallel.forChunks(100, minimumChunk: 30) { range in
                    for i in range { base[i] = base[i] == -1 ? range.lowerBound : -2 }
                }
            }
        }
        #expect(!owner.contains(-1), "an element was not visited")
        #expect(!owner.contains(-2), "an element was visited twice")
        // At most threadCount chunks, and no more than count / minimumChunk (100 / 30 = 3).
        #expect(Set(owner).count == min(threads, 3))
        #expect(owner == owner.sorted(), "chunks are contiguous and in order")
    }

    @Test("threadCount is scoped, and is 1 inside parallel workers")
    func threadCountScoping() {
        let outside = Parallel.threadCount
        #expect(outside >= 1)
        var inner = [Int](repeating: 0, count: 2)
        inner.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.withThreadCount(2) {
                #expect(Parallel.threadCount == 2)
                Parallel.forEach(2) { i in base[i] = Parallel.threadCount }
            }
        }
        #expect(inner == [1, 1])
        #expect(Parallel.threadCount == outside)
    }

    /// Many loops back to back, as a training step runs them: every chunk of every loop runs
    /// exactly once, with that loop's own body and range, never a body or a chunk count left
    /// from the loop before. Each loop stamps its number on the elements it covers (a count
    /// that changes from loop to loop), after checking that the loop before left its own
    /// there; a chunk run twice, skipped, or run with an earlier loop's body breaks the chain.
    /// Some loops' chunks take longer than the helpers poll for, and some loops come after a
    /// pause that long, so the helpers also go to sleep and must be woken.
    @Test("back-to-back loops run every chunk of every loop exactly once")
    func backToBackLoops() {
        let threads = max(2, Parallel.processorCount)
        let loops = 3000
        let size = 97
        var stamps = [Int](repeating: -1, count: size)
        // The loop that last covered each element, kept by the test itself between loops.
        var expected = [Int](repeating: -1, count: size)
        var mismatches = [Int](repeating: 0, count: size)
        // The count of loop `loop`: from 40 to `size`, different from its neighbours'.
        func count(_ loop: Int) -> Int { 40 + (loop * 37) % (size - 40 + 1) }
        func spin(microseconds: Int) {
            let clock = ContinuousClock()
            let end = clock.now + .microseconds(microseconds)
            while clock.now < end {}
        }
        stamps.withUnsafeMutableBufferPointer { stamps in
            mismatches.withUnsafeMutableBufferPointer { mismatches in
                let stamps = stamps.baseAddress!
                let mismatches = mismatches.baseAddress!
                Parallel.withThreadCount(threads) {
                    for loop in 0..<loops {
                        if loop % 500 == 250 { spin(microseconds: 400) }  // the helpers sleep
                        let slow = loop % 250 == 0
                        expected.withUnsafeBufferPointer { expected in
                            Parallel.forChunks(count(loop)) { range in
                                if slow { spin(microseconds: 300) }
                                for i in range {
                                    if stamps[i] != expected[i] { mismatches[i] += 1 }
                                    stamps[i] = loop
                                }
                            }
                        }
                        for i in 0..<count(loop) { expected[i] = loop }
                    }
                }
            }
        }
        #expect(mismatches == [Int](repeating: 0, count: size))
        #expect(stamps == expected)
    }

    /// Several threads running loops at once (tests run side by side): one holds the helper
    /// threads, the others go through Dispatch; each loop must still cover its range once.
    @Test("loops from several threads at once each cover their range once")
    func concurrentCallers() {
        let callers = 4
        let loops = 400
        var visits = [Int](repeating: 0, count: callers * 48)
        visits.withUnsafeMutableBufferPointer { buffer in
            let base = SendablePointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: callers) { caller in
                Parallel.withThreadCount(2) {
                    for _ in 0..<loops {
                        Parallel.forChunks(48) { range in
                            for i in range { base[caller * 48 + i] += 1 }
                        }
                    }
                }
            }
        }
        #expect(visits == [Int](repeating: loops, count: callers * 48))
    }

    /// A chunk that asks for threads again (a kernel calling a kernel with its own thread
    /// count): the inner loop runs while the outer one holds the helpers, and must complete.
    @Test("a loop inside a chunk with its own thread count completes")
    func nestedLoopWithThreads() {
        var sums = [Int](repeating: 0, count: 2)
        sums.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.withThreadCount(2) {
                Parallel.forEach(2) { outer in
                    var inner = [Int](repeating: 0, count: 10)
                    inner.withUnsafeMutableBufferPointer { inner in
                        let slots = inner.baseAddress!
                        Parallel.withThreadCount(2) {
                            Parallel.forEach(10) { i in slots[i] = i + 1 }
                        }
                    }
                    base[outer] = inner.reduce(0, +)
                }
            }
        }
        #expect(sums == [55, 55])
    }

    @Test("SendablePointer reads and writes through to the memory it wraps")
    func sendablePointer() {
        var values: [Float] = [1, 2, 3]
        values.withUnsafeMutableBufferPointer { buffer in
            let pointer = SendablePointer(buffer.baseAddress!)
            pointer[1] = 20
            #expect(pointer[2] == 3)
            #expect(pointer.advanced(by: 2).pointee == 3)
        }
        #expect(values == [1, 20, 3])
    }
}
