// What Winograd's kernels share (`Conv2d+Winograd.swift`, F(4×4, 3×3) for the forward pass
// and the data gradient; `Conv2d+WinogradWeight4x4.swift`, F(4×4, 3×3) for the weight
// gradient, and `Conv2d+WinogradWeight.swift`, F(2×2, 3×3) for it, measured beside it):
// how a map is cut into blocks, the padded channel-last copy of an image their inputs are
// read from, and the outputs' return from pixel-major staging to channel planes.

/// The m×m blocks of outputs a map of `height × width` is cut into (m = 2 for F(2×2, 3×3),
/// 4 for F(4×4, 3×3); the last row and column of blocks cut off where the map ends), and the
/// padded channel-last plane their (m + 2)×(m + 2) inputs are read from: one row and column
/// of zeros before the map, enough after it for the last block.
struct WinogradGrid {
    /// Outputs per block side, m.
    let block: Int
    let blocksH: Int
    let blocksW: Int
    let paddedW: Int
    /// Pixels of the padded plane.
    let plane: Int
    /// What the padded copy makes of each input value (`winogradPadImage`): nil, the value
    /// itself.
    let inputNormalization: Conv2dInputNormalization?

    init(_ s: Conv2dShape, block: Int, inputNormalization: Conv2dInputNormalization? = nil) {
        self.block = block
        self.inputNormalization = inputNormalization
        (blocksH, blocksW) = ((s.height + block - 1) / block, (s.width + block - 1) / block)
        paddedW = block * blocksW + 2
        plane = (block * blocksH + 2) * paddedW
    }

    var blocksPerImage: Int { blocksH * blocksW }

    /// Blocks transformed and multiplied together: enough rows for the register tile (32 of
    /// AVX-512's 8-row tiles, 64 of the portable 4-row ones) to amortise each packed weight
    /// panel over many blocks, few enough that a bundle's transformed inputs and products
    /// stay small. Set when F(2×2, 3×3) was first written and not tuned since.
    static let blocksPerBundle = 256
    /// At most this many images per bundle, as the direct tile bundles small images: small
    /// maps (7×7: 4 or 16 blocks) still leave several bundles to split between threads.
    static let maximumImagesPerBundle = 8

    /// Images transformed and multiplied together: about `blocksPerBundle` blocks, at most
    /// `maximumImagesPerBundle` images (a function of the map size alone, so the weight
    /// gradient's order of summation does not depend on the machine).
    var bundle: Int {
        max(1, min(Self.maximumImagesPerBundle, Self.blocksPerBundle / blocksPerImage))
    }

    /// Floats of the padded channel-last image of `channels` channels.
    func paddedCount(_ channels: Int) -> Int { channels * plane }

    /// The blocks of `images` consecutive images in the order the kernels number them (image,
    /// then block row, then block column): the offset of each block's top-left output pixel
    /// in the images' pixel-major outputs (`image · H·W + m·ty·W + m·tx`), and how many of
    /// its rows and columns lie inside the map. A table, so that the loops over the blocks
    /// need no division.
    func blocks(_ s: Conv2dShape, images: Int) -> [WinogradBlock] {
        var blocks: [WinogradBlock] = []
        blocks.reserveCapacity(images * blocksPerImage)
        for slot in 0..<images {
            for ty in 0..<blocksH {
                for tx in 0..<blocksW {
                    blocks.append(
                        WinogradBlock(
                            origin: slot * s.outHeight * s.outWidth + block * ty * s.outWidth
                                + block * tx,
                            rows: min(block, s.outHeight - block * ty),
                            columns: min(block, s.outWidth - block * tx)))
                }
            }
        }
        return blocks
    }
}

/// The distance between two of Winograd's per-ξ streams (transformed inputs V, products M)
/// that each fill `floats`: one vector more. At strides of a power of two (128 blocks × 32
/// channels × 4 bytes = 16 KB) all 16 or 36 streams fall into the same cache sets, which cost
/// F(4×4, 3×3) a third of its speed on 14×14 maps.
func winogradStreamStride(_ floats: Int) -> Int { floats + directNR }

/// Where one block of outputs lies (`WinogradGrid.blocks`).
struct WinogradBlock {
    /// Offset of its top-left output pixel in the pixel-major outputs of a bundle of images.
    let origin: Int
    /// Its rows and columns inside the map (fewer than m for the last block of a row or
    /// column where m does not divide the map's side).
    let rows: Int
    let columns: Int
    /// Whether a 2×2 block's right column lies inside the map.
    var right: Bool { columns > 1 }
    /// Whether a 2×2 block's bottom row lies inside the map.
    var below: Bool { rows > 1 }
}

/// Copies one image channel-last into the padded plane of `grid`:
/// `padded[((h + 1) · paddedW + w + 1) · channels + c] = image[c][h][w]`, sixteen channels ×
/// sixteen pixels at a time through the register transpose (`transpose16`); with
/// `zeroBorder`, writes the border of zeros around it too. The copy never touches the border,
/// so the later images a scratch buffer holds in one call find it still zero (written for
/// every image, two small `memset`s a row, `memset` was 1.1% of a two-thread res-18
/// evaluation's samples; 0.4% after).
///
/// With `grid.inputNormalization`, the copied values are then normalised and rectified in
/// place (`normalizeInterior`), while the copy is in cache.
///
/// - image: `[inChannels, height, width]`
@inline(__always)
func winogradPadImage(
    _ s: Conv2dShape, _ grid: WinogradGrid, image: UnsafePointer<Float>,
    padded: UnsafeMutablePointer<Float>, zeroBorder: Bool
) {
    let channels = s.inChannels
    let pixels = s.height * s.width
    // The border: the first row, the rows below the map, and each row's first column and
    // the columns right of the map.
    @inline(__always) func zero(row: Int, columns: Range<Int>) {
        (padded + (row * grid.paddedW + columns.lowerBound) * channels).update(
            repeating: 0, count: columns.count * channels)
    }
    if zeroBorder {
        zero(row: 0, columns: 0..<grid.paddedW)
        for h in 1...s.height {
            zero(row: h, columns: 0..<1)
            zero(row: h, columns: (s.width + 1)..<grid.paddedW)
        }
        for h in (s.height + 1)..<(grid.plane / grid.paddedW) {
            zero(row: h, columns: 0..<grid.paddedW)
        }
    }
    // The map: sixteen channels × sixteen pixels (in reading order, across rows) at a time,
    // transposed in registers, each pixel's sixteen channels stored where it belongs.
    withUnsafeTemporaryAllocation(of: DirectVector.self, capacity: directNR) { block in
        let block = UnsafeMutableRawPointer(block.baseAddress!).assumingMemoryBound(
            to: Float.self)
        for c in Swift.stride(from: 0, to: channels, by: directNR) {
            let planes = image + c * pixels
            for q in Swift.stride(from: 0, to: pixels, by: directNR) {
                let count = min(directNR, pixels - q)
                if count == directNR {
                    prefetchPlanes(
                        planes + q, stride: pixels, remaining: pixels - q, forWriting: false)
                    transpose16(
                        planes + q, sourceStride: pixels, into: block, targetStride: directNR)
                } else {
                    for i in 0..<count {
                        for j in 0..<directNR {
                            block[i * directNR + j] = planes[j * pixels + q + i]
                        }
                    }
                }
                // Row and column stepped along (a division per pixel cost a tenth of the
                // whole transform).
                var (h, w) = q.quotientAndRemainder(dividingBy: s.width)
                for i in 0..<count {
                    UnsafeMutableRawPointer(
                        padded + ((h + 1) * grid.paddedW + w + 1) * channels + c
                    ).storeBytes(
                        of: UnsafeRawPointer(block + i * directNR).load(as: DirectVector.self),
                        as: DirectVector.self)
                    w += 1
                    if w == s.width { (h, w) = (h + 1, 0) }
                }
            }
        }
    }
    if let normalization = grid.inputNormalization {
        normalizeInterior(s, grid, padded: padded, normalization)
    }
}

/// relu(((x − μ)·(1/σ̂))·γ + β) of every copied value of a padded channel-last image, sixteen
/// channels at a time; the border's zeros are left as they are. Kept out of line, so the copy
/// it follows compiles as it did without it.
@inline(never)
func normalizeInterior(
    _ s: Conv2dShape, _ grid: WinogradGrid, padded: UnsafeMutablePointer<Float>,
    _ normalization: Conv2dInputNormalization
) {
    let channels = s.inChannels
    @inline(__always) func vector(_ p: UnsafePointer<Float>, _ c: Int) -> DirectVector {
        UnsafeRawPointer(p + c).loadUnaligned(as: DirectVector.self)
    }
    for c in Swift.stride(from: 0, to: channels, by: directNR) {
        let mean = vector(normalization.mean, c)
        let invStd = vector(normalization.invStd, c)
        let gamma = vector(normalization.gamma, c)
        let beta = vector(normalization.beta, c)
        for h in 0..<s.height {
            let row = UnsafeMutableRawPointer(
                padded + ((h + 1) * grid.paddedW + 1) * channels + c)
            for w in 0..<s.width {
                let at = w * channels * MemoryLayout<Float>.stride
                let x = row.loadUnaligned(fromByteOffset: at, as: DirectVector.self)
                let y = (x - mean) * invStd * gamma + beta
                row.storeBytes(
                    of: y.replacing(with: 0, where: y .< 0), toByteOffset: at,
                    as: DirectVector.self)
            }
        }
    }
}

/// Moves one panel's outputs of a bundle of images from their pixel-major staging
/// (`staged[image][pixel][16]`) to the channel planes of `output` (sixteen pixels at a time
/// through the register transpose where the panel is full), then applies `epilogue` to
/// them.
@inline(__always)
func winogradReturnOutputs(
    _ s: Conv2dShape, staged: UnsafeMutablePointer<Float>, images: Int, first: Int, panel: Int,
    output: UnsafeMutablePointer<Float>, epilogue: Conv2dEpilogue
) {
    let outputPlane = s.outHeight * s.outWidth
    let k0 = panel * directNR
    let lanes = min(directNR, s.outChannels - k0)
    for slot in 0..<images {
        let rows = staged + slot * outputPlane * directNR
        let planes = output + (first + slot) * s.outputImageSize + k0 * outputPlane
        var q = 0
        if lanes == directNR {
            while q + directNR <= outputPlane {
                prefetchPlanes(
                    planes + q, stride: outputPlane, remaining: outputPlane - q,
                    forWriting: true)
                transpose16(
                    rows + q * directNR, sourceStride: directNR, into: planes + q,
                    targetStride: outputPlane)
                q += directNR
            }
        }
        for j in 0..<lanes {
            for p in q..<outputPlane {
                planes[j * outputPlane + p] = rows[p * directNR + j]
            }
        }
    }
    if !epilogue.isNone {
        for slot in 0..<images {
            for j in 0..<lanes {
                epilogue.apply(
                    to: output, offset: (first + slot) * s.outputImageSize + (k0 + j) * outputPlane,
                    count: outputPlane)
            }
        }
    }
}

/// Winograd's F(2×2, 3×3) as the weight gradient beside F(4×4, 3×3) runs it
/// (`Conv2d+WinogradWeight.swift`; training ran it until 2026-12-07): its transforms, sixteen
/// channels at a time. (The matrices as the paper writes them:
/// `WinogradTransform.f2x2`.)
enum F2x2 {
    /// Elements of a transformed block (4 × 4): the products per block and channel pair.
    static let elements = 16
}

/// Winograd's F(4×4, 3×3) as the forward pass, the data gradient
/// (`Conv2d+Winograd.swift`) and the weight gradient (`Conv2d+WinogradWeight4x4.swift`) run
/// it: its transforms, sixteen channels at a time. (The matrices as the paper writes them:
/// `WinogradTransform.f4x4`.)
enum F4x4 {
    /// Elements of a transformed block (6 × 6): the products per block and channel pair.
    static let elements = 36
}
