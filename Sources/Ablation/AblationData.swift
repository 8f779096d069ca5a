import Datasets
import TensorCore
import Training

/// The data every net of a run shares: the training images (normalised by their own mean and
/// standard deviation, as the recipe says) and the test images, normalised the same way, cut
/// into fixed batches once so that the many evaluations of a run (test error along the way,
/// lesions, loss landscapes) never rebuild them.
public struct AblationData: Sendable {
    /// The training images, normalised.
    public let train: Dataset
    /// The test images, normalised.
    public let test: Dataset
    /// The training images' per-channel mean (before normalising): one value per channel.
    public let mean: [Float]
    /// The training images' per-channel standard deviation (before normalising): one value
    /// per channel, each above 0.
    public let std: [Float]

    /// Loads the data set `config` names and applies its limits.
    /// - Parameter config: names the data set and its directory (`dataset`, `dataDirectory`)
    ///   and sets the limits (`trainLimit`, `batchSize`).
    /// - Throws: `AblationError.badData` with the loader's message (which names the file and,
    ///   for a missing Fashion-MNIST, the package that installs it), or for any of the
    ///   reasons of ``init(train:test:config:)``.
    public init(config: AblationConfig) throws(AblationError) {
        let train: Dataset
        let test: Dataset
        do {
            train = try config.dataset.load(split: .train, directory: config.dataDirectory)
            test = try config.dataset.load(split: .test, directory: config.dataDirectory)
        } catch {
            throw .badData("\(error)")
        }
        try self.init(train: train, test: test, config: config)
    }

    /// The run's data from splits already loaded (images in [0, 1]).
    ///
    /// Keeps the first `config.trainLimit` training images (all when nil), measures their
    /// per-channel mean and standard deviation, and normalises both splits with them.
    ///
    /// - Parameters:
    ///   - train: the training split.
    ///   - test: the test split; all of it is kept (`testLimit` applies when scoring).
    ///   - config: supplies `trainLimit` and `batchSize`.
    /// - Throws: `AblationError.badData` when the kept training images are fewer than one
    ///   batch, the test split is empty, or a channel of the training images is constant.
    public init(train: Dataset, test: Dataset, config: AblationConfig) throws(AblationError) {
        let trainSet = config.trainLimit.map { train.prefix(min($0, train.count)) } ?? train
        guard trainSet.count >= config.batchSize else {
            throw .badData(
                "the training set (\(train.name)) has \(trainSet.count) images, fewer than one "
                    + "batch (--batch-size \(config.batchSize))")
        }
        guard test.count > 0 else { throw .badData("the test set (\(test.name)) is empty") }
        let (mean, std) = trainSet.channelStatistics()
        guard std.allSatisfy({ $0 > 0 }) else {
            throw .badData("the training images have a constant channel (std \(std))")
        }
        self.mean = mean
        self.std = std
        self.train = trainSet.normalized(mean: mean, std: std)
        self.test = test.normalized(mean: mean, std: std)
    }

    /// The training batches of a seed: shuffled by `seed` (a new order every epoch), full
    /// batches only, each `[batchSize, C, H, W]`.
    /// - Parameters:
    ///   - batchSize: images per batch.
    ///   - seed: the data seed (`AblationSeeds.data`), which decides every epoch's order.
    public func trainLoader(batchSize: Int, seed: UInt64) -> DataLoader {
        DataLoader(train, batchSize: batchSize, shuffle: true, dropLast: true, seed: seed)
    }

    /// The first `count` test images (all when nil or larger), in fixed batches of
    /// `batchSize` (the last may be smaller).
    public func testBatches(_ count: Int?, batchSize: Int = 500) -> EvaluationSet {
        EvaluationSet(test.prefix(min(count ?? test.count, test.count)), batchSize: batchSize)
    }

    /// The first `count` training images (all when larger), in fixed batches of `batchSize`
    /// (the last may be smaller).
    public func trainBatches(_ count: Int, batchSize: Int = 500) -> EvaluationSet {
        EvaluationSet(train.prefix(min(count, train.count)), batchSize: batchSize)
    }
}

/// A fixed set of images cut into batches once, for repeated forward-only evaluation.
public struct EvaluationSet: Sendable {
    /// `[B, C, H, W]` images and their labels, batch by batch.
    public let batches: [(images: Tensor, labels: [Int])]
    /// Images in all.
    public let count: Int

    /// Cuts `dataset` into batches of `batchSize` images, in order (the last may be
    /// smaller), all made here, once.
    public init(_ dataset: Dataset, batchSize: Int) {
        let loader = DataLoader(dataset, batchSize: batchSize, shuffle: false, prefetch: false)
        batches = loader.epoch(0).map { ($0.images, $0.labels) }
        count = dataset.count
    }

    /// `other.batches.count` when this set starts with `other`'s batches (the same images and
    /// labels, cut at the same places), else nil: then scoring this set scores `other` on
    /// the way (``scores(on:firstBatches:_:)``).
    func batchCount(startingWith other: EvaluationSet) -> Int? {
        let same = zip(batches, other.batches).allSatisfy { mine, theirs in
            mine.labels == theirs.labels && mine.images.shape == theirs.images.shape
                && mine.images.data == theirs.images.data
        }
        return other.batches.count <= batches.count && same ? other.batches.count : nil
    }
}
