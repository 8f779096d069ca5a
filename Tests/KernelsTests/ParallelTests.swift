import Kernels
import Synchronization
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

    @Test("forChunks covers the range with disjoint chunks", arguments: [1, 2, 3, 8])
    func forChunksCovers(threads: Int) {
        var hits = [Int](repeating: 0, count: 100)
        let chunks = Mutex(0)
        hits.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.withThreadCount(threads) {
                Parallel.forChunks(100, minimumChunk: 30) { range in
                    chunks.withLock { $0 += 1 }
                    for i in range { base[i] += 1 }
                }
            }
        }
        #expect(hits == [Int](repeating: 1, count: 100))
        // At most threadCount chunks, and none smaller than minimumChunk allows (100/30 = 3).
        #expect(chunks.withLock { $0 } == min(threads, 3))
    }

    @Test("threadCount is scoped and is 1 inside workers")
    func threadCountScoping() {
        let outside = Parallel.threadCount
        #expect(outside >= 1)
        let inner = Mutex<[Int]>([])
        Parallel.withThreadCount(2) {
            #expect(Parallel.threadCount == 2)
            Parallel.forEach(2) { _ in
                inner.withLock { $0.append(Parallel.threadCount) }
            }
        }
        #expect(inner.withLock { $0 } == [1, 1])
        #expect(Parallel.threadCount == outside)
    }
}
