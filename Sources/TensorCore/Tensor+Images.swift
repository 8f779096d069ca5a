import Kernels

// Pieces shared by the image operations (conv2d, pooling, batch norm, shortcut ops), which all
// read NCHW tensors as `N·C` planes of `H·W` pixels, row-major.

/// Checks that `shape` is an NCHW image batch for `op`.
/// - Throws: `ShapeError` naming `op` unless `shape` has rank 4.
func checkImageBatch(_ shape: [Int], op: String) throws(ShapeError) {
    guard shape.count == 4 else {
        throw ShapeError("\(op): input must be [N, C, H, W], got shape \(shape)")
    }
}

/// Runs `body(plane)` for every plane in `0..<planes`, spread over `Parallel` threads in
/// contiguous chunks of at least `parallelGrain / workPerPlane` planes (small tensors stay on
/// one thread). `body` must write only what belongs to its plane; then the result does not
/// depend on the thread count.
@inline(__always)
func forEachPlane(_ planes: Int, workPerPlane: Int, _ body: (Int) -> Void) {
    let minimumChunk = Swift.max(1, parallelGrain / Swift.max(1, workPerPlane))
    Parallel.forChunks(planes, minimumChunk: minimumChunk) { range in
        for plane in range { body(plane) }
    }
}

/// A new array of `count` elements, every one written by `fill`: for kernels that overwrite
/// their output, so the array need not be zeroed first.
@inline(__always)
func kernelResult(count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let base = buffer.baseAddress { fill(base) }
        initialized = count
    }
}
