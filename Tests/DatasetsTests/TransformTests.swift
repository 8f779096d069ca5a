import Datasets
import Randomness
import TensorCore
import TestSupport
import Testing

@Suite("Image transforms")
struct TransformTests {
    let image = countingImage(channels: 2, height: 3, width: 4)

    @Test("horizontal flip mirrors each row; twice is the identity")
    func flip() {
        let flipped = image.horizontallyFlipped()
        #expect(Array(flipped.pixels[0..<4]) == [3, 2, 1, 0])
        #expect(Array(flipped.pixels[12..<16]) == [15, 14, 13, 12])
        #expect(flipped.horizontallyFlipped() == image)
        var always = SeededGenerator(seed: 1)
        #expect(image.randomlyFlipped(probability: 1, generator: &always) == flipped)
        #expect(image.randomlyFlipped(probability: 0, generator: &always) == image)
    }

    @Test("a random crop of the full size without padding is the identity")
    func cropIdentity() {
        var generator = SeededGenerator(seed: 5)
        #expect(image.randomlyCropped(height: 3, width: 4, generator: &generator) == image)
        let square = countingImage(channels: 1, height: 5, width: 5)
        #expect(square.randomlyCropped(size: 5, padding: 0, generator: &generator) == square)
    }

    @Test("crops outside the image read zeros: padding")
    func paddedCrop() {
        let one = countingImage(channels: 1, height: 2, width: 2, offset: 1)  // 1 2 / 3 4
        #expect(one.padded(1).pixels == [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0])
        #expect(one.cropped(top: -1, left: 1, height: 2, width: 2).pixels == [0, 0, 2, 0])
    }

    @Test("random crop with padding is a window of the padded image, every offset reachable")
    func randomCrop() {
        let square = countingImage(channels: 2, height: 4, width: 4, offset: 1)
        let padded = square.padded(2)
        var generator = SeededGenerator(seed: 11)
        var offsets = Set<[Int]>()
        for _ in 0..<400 {
            let crop = square.randomlyCropped(size: 4, padding: 2, generator: &generator)
            let match = (0...4).flatMap { top in (0...4).map { [top, $0] } }.first {
                padded.cropped(top: $0[0], left: $0[1], height: 4, width: 4) == crop
            }
            #expect(match != nil)
            if let match { offsets.insert(match) }
        }
        #expect(offsets.count == 25)
        var a = SeededGenerator(seed: 3)
        var b = SeededGenerator(seed: 3)
        #expect(
            square.randomlyCropped(size: 4, padding: 2, generator: &a)
                == square.randomlyCropped(size: 4, padding: 2, generator: &b))
    }

    @Test("centre crop: torchvision's offsets (half to even), padding when larger")
    func centerCrop() {
        let five = countingImage(channels: 1, height: 5, width: 5)
        #expect(
            five.centerCropped(height: 3, width: 3).pixels == [6, 7, 8, 11, 12, 13, 16, 17, 18])
        // (4 - 3) / 2 = 0.5 rounds to 0; (6 - 3) / 2 = 1.5 rounds to 2.
        let four = countingImage(channels: 1, height: 4, width: 4)
        #expect(four.centerCropped(height: 3, width: 3).pixels == [0, 1, 2, 4, 5, 6, 8, 9, 10])
        let six = countingImage(channels: 1, height: 6, width: 6)
        #expect(six.centerCropped(height: 3, width: 3).pixels.first == 14)
        // 2×2 inside a 4×4 crop: one row/column of zeros above/left, one below/right.
        let two = countingImage(channels: 1, height: 2, width: 2, offset: 1)
        #expect(two.centerCropped(height: 4, width: 4) == two.padded(1))
    }

    @Test("bilinear resize, align_corners=False: hand-computed values")
    func resize() {
        // 2×2 → 4×4: source positions -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped index).
        let two = Image(channels: 1, height: 2, width: 2, pixels: [0, 1, 2, 3])
        expectClose(
            two.resized(height: 4, width: 4).pixels,
            [
                0, 0.25, 0.75, 1,
                0.5, 0.75, 1.25, 1.5,
                1.5, 1.75, 2.25, 2.5,
                2, 2.25, 2.75, 3,
            ], absolute: 1e-6)
        // 4×4 → 2×2: sources 0.5 and 2.5, the mean of each 2×2 block.
        let four = countingImage(channels: 1, height: 4, width: 4)
        expectClose(
            four.resized(height: 2, width: 2).pixels, [2.5, 4.5, 10.5, 12.5], absolute: 1e-6)
        // 1×3 → 1×2: sources 0.25 and 1.75; the single row stays.
        let row = Image(channels: 1, height: 1, width: 3, pixels: [0, 1, 2])
        expectClose(row.resized(height: 1, width: 2).pixels, [0.25, 1.75], absolute: 1e-6)
        #expect(image.resized(height: 3, width: 4) == image)
        // Channels are resized separately.
        let stacked = Image(channels: 2, height: 2, width: 2, pixels: [0, 1, 2, 3, 0, 0, 0, 0])
        #expect(stacked.resized(height: 4, width: 4).pixels.suffix(16).allSatisfy { $0 == 0 })
    }

    @Test("normalise per channel, or one value for all")
    func normalize() {
        let two = Image(channels: 2, height: 1, width: 2, pixels: [0.5, 1, 0.2, 0.4])
        expectClose(
            two.normalized(mean: [0.5, 0.2], std: [0.5, 0.1]).pixels, [0, 1, 0, 2], absolute: 1e-6)
        expectClose(
            two.normalized(mean: [0.5], std: [0.25]).pixels, [0, 2, -1.2, -0.4], absolute: 1e-6)
    }

    @Test("grayscale to RGB repeats the channel")
    func grayscaleToRGB() {
        let gray = countingImage(channels: 1, height: 2, width: 2)
        let rgb = gray.repeatingChannels(3)
        #expect(rgb.shape == [3, 2, 2])
        #expect(rgb.pixels == gray.pixels + gray.pixels + gray.pixels)
    }

    @Test("the Transform values do what the methods do")
    func transformValues() {
        var generator = SeededGenerator(seed: 0)
        let gray = countingImage(channels: 1, height: 4, width: 4)
        let steps: [Transform] = [
            .grayscaleToRGB, .resize(height: 6, width: 6), .centerCrop(height: 4, width: 4),
            .normalize(mean: [1], std: [2]),
        ]
        let expected = gray.repeatingChannels(3).resized(height: 6, width: 6)
            .centerCropped(height: 4, width: 4).normalized(mean: [1], std: [2])
        #expect(steps.apply(to: gray, generator: &generator) == expected)
        #expect(
            Transform.randomCrop(size: 28, padding: 2).description == "RandomCrop(28, padding: 2)")
        #expect(Transform.randomHorizontalFlip().isRandom && !Transform.grayscaleToRGB.isRandom)
    }

    @Test("batches: image n gets the n-th split generator, so results are reproducible")
    func batchTransforms() {
        let batch = Tensor(shape: [3, 1, 4, 4], data: (0..<48).map { Float($0) })
        let steps: [Transform] = [.randomCrop(size: 4, padding: 1), .randomHorizontalFlip()]
        var first = SeededGenerator(seed: 9)
        var second = SeededGenerator(seed: 9)
        let out = steps.apply(toBatch: batch, generator: &first)
        #expect(out.shape == [3, 1, 4, 4])
        #expect(out.data == steps.apply(toBatch: batch, generator: &second).data)
        var reference = SeededGenerator(seed: 9)
        let generators = (0..<3).map { _ in reference.split() }
        var third = generators[2]
        let image2 = Image(channels: 1, height: 4, width: 4, pixels: Array(batch.data[32..<48]))
        #expect(Array(out.data[32..<48]) == steps.apply(to: image2, generator: &third).pixels)
    }
}
