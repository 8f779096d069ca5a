import Datasets
import Randomness
import Testing

@Suite("Dataset")
struct DatasetTests {
    @Test("initialisers check the pixel count and the labels")
    func validation() {
        expectDatasetError(.badShape, naming: nil, containing: ["need 8 pixels, got 7"]) {
            _ = try Dataset(
                name: "tiny", pixels: countingBytes(7), labels: [0, 1], channels: 1, height: 2,
                width: 2, classNames: ["a", "b"])
        }
        expectDatasetError(.labelOutOfRange, naming: nil, containing: ["label 2 of example 1"]) {
            _ = try Dataset(
                name: "tiny", images: [Float](repeating: 0, count: 8), labels: [0, 2],
                channels: 1, height: 2, width: 2, classNames: ["a", "b"])
        }
    }

    @Test("images come out as Float [C, H, W] and [B, C, H, W] in the order asked")
    func images() throws {
        let set = try syntheticDataset(count: 5, side: 2)
        let batch = set.images(at: [3, 0, 3])
        #expect(batch.shape == [3, 1, 2, 2])
        #expect(Array(batch.data[0..<4]) == set.image(at: 3).pixels)
        #expect(Array(batch.data[4..<8]) == set.image(at: 0).pixels)
        #expect(set.image(at: 3).pixels == [21, 22, 23, 24].map { Float($0) / 255 })
        #expect(set.allImages().shape == [5, 1, 2, 2])
    }

    @Test("subset and prefix keep the chosen examples in order")
    func subsets() throws {
        let set = try syntheticDataset(count: 6)
        let picked = set.subset([4, 1])
        #expect(picked.labels == [set.labels[4], set.labels[1]])
        #expect(picked.image(at: 0) == set.image(at: 4))
        #expect(set.prefix(2).labels == Array(set.labels.prefix(2)))
        #expect(set.prefix(100).count == 6)
        #expect(set.classCounts() == [2, 2, 2])
    }

    @Test("selecting classes keeps their examples in order, relabelled, at most perClass of each")
    func selectingClasses() throws {
        let set = try syntheticDataset(count: 6)  // labels 0, 1, 2, 0, 1, 2
        let picked = set.selecting(classes: [2, 0], perClass: 1)
        #expect(picked.labels == [1, 0])  // example 0 (class 0 → 1), example 2 (class 2 → 0)
        #expect(picked.classNames == [set.classNames[2], set.classNames[0]])
        #expect(picked.image(at: 0) == set.image(at: 0))
        #expect(picked.image(at: 1) == set.image(at: 2))
        #expect(set.selecting(classes: [1]).count == 2)
    }

    @Test("channel statistics: hand-computed values, bytes and Floats agree")
    func statistics() throws {
        // Two 2-channel 1×2 images: channel 0 holds 0, 51, 102, 153 (/255 = 0, .2, .4, .6),
        // channel 1 holds 255 everywhere.
        let pixels: [UInt8] = [0, 51, 255, 255, 102, 153, 255, 255]
        let bytes = try Dataset(
            name: "b", pixels: pixels, labels: [0, 0], channels: 2, height: 1, width: 2,
            classNames: ["a"])
        let (mean, std) = bytes.channelStatistics()
        #expect(abs(mean[0] - 0.3) < 1e-6 && abs(mean[1] - 1) < 1e-6)
        #expect(abs(std[0] - Float(0.05).squareRoot()) < 1e-6 && std[1] == 0)
        let floats = try Dataset(
            name: "f", images: pixels.map { Float($0) / 255 }, labels: [0, 0], channels: 2,
            height: 1, width: 2, classNames: ["a"])
        let floatStatistics = floats.channelStatistics()
        #expect(zip(floatStatistics.mean, mean).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(zip(floatStatistics.std, std).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test("normalized uses the statistics to give mean 0 and std 1")
    func normalized() throws {
        let set = try syntheticDataset(count: 9, side: 3)
        let (mean, std) = set.channelStatistics()
        let (newMean, newStd) = set.normalized(mean: mean, std: std).channelStatistics()
        #expect(abs(newMean[0]) < 1e-5 && abs(newStd[0] - 1) < 1e-5)
    }

    @Test("applying transforms to a whole set is seeded and reshapes")
    func applying() throws {
        let set = try syntheticDataset(count: 5, side: 4)
        let rgb = set.applying([.grayscaleToRGB, .resize(height: 8, width: 8)])
        #expect(rgb.imageShape == [3, 8, 8] && rgb.labels == set.labels)
        let random: [Transform] = [.randomCrop(size: 4, padding: 2), .randomHorizontalFlip()]
        let a = set.applying(random, seed: 7)
        #expect(a.allImages().data == set.applying(random, seed: 7).allImages().data)
        #expect(a.allImages().data != set.applying(random, seed: 8).allImages().data)
    }

    @Test("split: seeded, disjoint, covering, by count or fraction")
    func split() throws {
        let set = try syntheticDataset(count: 50, side: 2, classes: 50)  // label = index
        let (train, validation) = try set.split(validationCount: 12, seed: 3)
        #expect(train.count == 38 && validation.count == 12)
        #expect(Set(train.labels + validation.labels) == Set(0..<50))
        #expect(train.labels == train.labels.sorted())  // original order kept
        let again = try set.split(validationCount: 12, seed: 3)
        #expect(again.validation.labels == validation.labels)
        let other = try set.split(validationCount: 12, seed: 4)
        #expect(other.validation.labels != validation.labels)
        let byFraction = try set.split(validationFraction: 0.24, seed: 3)
        #expect(byFraction.validation.labels == validation.labels)
        expectDatasetError(.invalidArgument, naming: nil, containing: ["51"]) {
            _ = try set.split(validationCount: 51, seed: 0)
        }
        expectDatasetError(.invalidArgument, naming: nil, containing: ["1.5"]) {
            _ = try set.split(validationFraction: 1.5, seed: 0)
        }
    }
}
