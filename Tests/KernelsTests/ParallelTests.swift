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

    /// Many short loops back to back, as a training step runs them: the helpers that poll
    /// between loops must run each chunk of each loop exactly once, never a chunk of a loop
    /// that has finished, and never miss one (the caller would wait for ever).
    @Test("back-to-back loops run every chunk exactly once")
    func backToBackLoops() {
        let threads = max(2, Parallel.processorCount)
        let loops = 3000
        var visits = [Int](repeating: 0, count: 64)
        visits.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.withThreadCount(threads) {
                for loop in 0..<loops {
                    // A loop of tiny chunks, then one whose chunks take a while: both the
                    // hand-over and a caller that waits for its helpers are exercised.
                    let spin = loop % 10 == 0 ? 2000 : 0
                    Parallel.forChunks(64) { range in
                        var x = 0
                        for i in 0..<spin { x &+= i }
                        for i in range { base[i] += x == -1 ? 2 : 1 }
                    }
                }
            }
        }
        #expect(visits == [Int](repeating: loops, count: 64))
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
