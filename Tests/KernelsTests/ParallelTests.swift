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
