import Foundation

/// A small pool of 64-byte-aligned Float buffers for packed GEMM panels and im2col columns.
///
/// Kernels run thousands of times per epoch with the same sizes; taking a buffer from the pool
/// instead of `allocate`/`deallocate` each time avoids fresh pages (page faults, zeroing by the
/// kernel) on every call. The pool holds at most `maximumPooled` buffers; a buffer's contents
/// are garbage when handed out.
enum ScratchBuffers {
    private struct Buffer: @unchecked Sendable {
        // Safe to send: a buffer is owned by exactly one caller between take and give back.
        let base: UnsafeMutablePointer<Float>
        let capacity: Int
    }

    private static let maximumPooled = 16
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pooled: [Buffer] = []  // guarded by `lock`

    /// Runs `body` with a buffer of at least `count` floats, returned to the pool afterwards.
    static func with<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows
        -> R
    {
        let buffer = take(count: max(count, 1))
        defer { giveBack(buffer) }
        return try body(buffer.base)
    }

    private static func take(count: Int) -> Buffer {
        lock.lock()
        // The smallest pooled buffer that is large enough.
        var best: Int? = nil
        for (index, buffer) in pooled.enumerated() where buffer.capacity >= count {
            if best == nil || buffer.capacity < pooled[best!].capacity { best = index }
        }
        let found = best.map { pooled.remove(at: $0) }
        lock.unlock()
        if let found { return found }
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        return Buffer(base: raw.bindMemory(to: Float.self, capacity: count), capacity: count)
    }

    private static func giveBack(_ buffer: Buffer) {
        lock.lock()
        pooled.append(buffer)
        var evicted: Buffer? = nil
        if pooled.count > maximumPooled {
            // Drop the smallest: large buffers are the expensive ones to recreate.
            let smallest = pooled.indices.min { pooled[$0].capacity < pooled[$1].capacity }!
            evicted = pooled.remove(at: smallest)
        }
        lock.unlock()
        evicted?.base.deallocate()
    }
}

/// Where each of a kernel's scratch arrays lies in one scratch buffer: reserved by name, in
/// order, so that no offset is computed inline.
struct ScratchLayout {
    /// Floats reserved so far: the buffer's size once every array is reserved.
    private(set) var count = 0

    /// Reserves `floats` floats and returns their offset.
    mutating func reserve(_ floats: Int) -> Int {
        defer { count += floats }
        return count
    }
}

/// Floats in a 64-byte cache line (the alignment of every scratch buffer).
let cacheLineFloats = 64 / MemoryLayout<Float>.stride

/// `floats` rounded up to whole cache lines: reserved before another array, it keeps that
/// array as aligned as the buffer.
func roundedUpToCacheLine(_ floats: Int) -> Int {
    (floats + cacheLineFloats - 1) / cacheLineFloats * cacheLineFloats
}
