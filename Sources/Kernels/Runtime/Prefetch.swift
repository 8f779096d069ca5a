// Cache-line prefetch hints for the passes that walk many channel planes at once. A hint
// changes no value: the same bits with or without it. The lines asked for all lie inside the
// arrays being walked.
//
// Why: the copies between channel planes and channel-last rows (Winograd's padded image and
// the return of its outputs, the direct tile's outputs, the output gradients laid out for the
// weight gradient) move along sixteen planes at once, and batch norm walks one channel's
// plane in each of the batch's images, a short run every few tens of kilobytes. On the Intel
// Xeon these were measured on (Docs/PERFORMANCE.md, "Prefetching the channel planes"), the
// cache's own prefetchers followed them poorly: Winograd's padded copy and its outputs' return
// for 16 → 16 channels on 28 × 28 maps took about twice as long with their data out of L2 as
// in cache. On a Zen 4 they help too: one-thread training steps without them were 0.94-0.99×
// as fast (Docs/PERFORMANCE.md, "Two threads on one net"). No arm64 machine has measured
// them.

import CPrefetch

/// How far ahead, in floats, `prefetchPlanes` asks for each plane's line: two 16 × 16
/// transposes (two cache lines). Chosen on the Intel Xeon from 16, 32 and 64 by whole training
/// steps on one thread: 32 was the best of the three on four of the six ablation nets and
/// within 1% of the best on the other two.
let planeLookahead = 32

/// Asks for the cache line `planeLookahead` floats past `planes + j · stride` for j in 0..<16,
/// to be read, or written (`forWriting`), by a later `transpose16` along the same sixteen
/// planes; nothing where that lies past the planes' ends (`remaining` floats of each from
/// `planes` on).
@inline(__always)
func prefetchPlanes(
    _ planes: UnsafePointer<Float>, stride: Int, remaining: Int, forWriting: Bool
) {
    guard planeLookahead < remaining else { return }
    for j in 0..<directNR {
        prefetchLine(planes + j * stride + planeLookahead, forWriting: forWriting)
    }
}

/// Asks for every cache line of the `count` floats from `start`, to be read, or written
/// (`forWriting`): the next plane of a pass over one channel's planes, while this one is
/// worked on. (Called from the tensor core, it is a call: not inlined across modules.)
public func prefetchPlane(_ start: UnsafePointer<Float>, count: Int, forWriting: Bool) {
    for i in Swift.stride(from: 0, to: count, by: cacheLineFloats) {
        prefetchLine(start + i, forWriting: forWriting)
    }
}

@inline(__always)
private func prefetchLine(_ address: UnsafePointer<Float>, forWriting: Bool) {
    if forWriting {
        residual_prefetch_write(UnsafeMutableRawPointer(mutating: address))
    } else {
        residual_prefetch_read(address)
    }
}
