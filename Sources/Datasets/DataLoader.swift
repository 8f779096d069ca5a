import Checks
import Kernels
import Randomness
import TensorCore

/// Batches of a data set for training: shuffled by a seed, transformed, prefetched.
///
/// Everything a batch holds is a pure function of the loader's settings and the batch's
/// `Position` (epoch, batch index):
/// - the order of an epoch is a permutation drawn from a generator derived from
///   `(seed, epoch)`, so every example appears once per epoch, epochs differ, and the same
///   seed gives the same order on any machine;
/// - the random transforms of a batch draw from a generator derived from
///   `(seed, epoch, batch)`, split once per example in batch order, so an example's crop
///   does not depend on which thread ran it or when.
///
/// So prefetching (computing the next batch on a background queue while you train on this
/// one) and the thread count change only *when* a batch is made, never what it holds, and
/// training interrupted after any batch resumes exactly with `epoch(_:startingAt:)` or
/// `batches(from:)` at the saved position.
///
/// ```swift
/// let loader = DataLoader(train, batchSize: 128, seed: 42, transforms: [
///     .randomCrop(size: 28, padding: 2), .randomHorizontalFlip(),
///     .normalize(mean: mean, std: std)])
/// for epoch in 0..<10 {
///     for batch in loader.epoch(epoch) {     // batch.images [128, 1, 28, 28], batch.labels
///         ...                                 // save loader.position(after: batch.position)
///     }
/// }
/// ```
public struct DataLoader: Sendable {
    /// The examples.
    public let dataset: Dataset
    /// Examples per batch (the last batch of an epoch may be smaller unless `dropLast`).
    public let batchSize: Int
    /// Whether each epoch visits the examples in a new random order (else in index order).
    public let shuffle: Bool
    /// Whether to leave out the last batch of an epoch when it is smaller than `batchSize`.
    public let dropLast: Bool
    /// Decides the orders and the random transforms.
    public let seed: UInt64
    /// Applied to each example, in order, when a batch is made.
    public let transforms: [Transform]
    /// Whether to make the next batch on a background queue while the current one is used.
    public let prefetch: Bool
    /// Threads that transform the examples of one batch (results do not depend on it).
    public let threads: Int

    /// Creates a loader.
    /// - Parameters:
    ///   - dataset: the examples.
    ///   - batchSize: examples per batch, > 0.
    ///   - shuffle: a new random order every epoch (default), or index order.
    ///   - dropLast: skip a smaller last batch (default false: keep it).
    ///   - seed: decides the orders and the transforms' random choices.
    ///   - transforms: the per-example pipeline, applied in order.
    ///   - prefetch: make the next batch in the background (default true).
    ///   - threads: threads per batch for the transforms (default 1: prefetching already
    ///     overlaps the work with training, whose kernels use the cores).
    public init(
        _ dataset: Dataset, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
        seed: UInt64 = 0, transforms: [Transform] = [], prefetch: Bool = true, threads: Int = 1
    ) {
        checkArgument(batchSize > 0, "DataLoader: batchSize must be positive, got \(batchSize)")
        checkArgument(threads > 0, "DataLoader: threads must be positive, got \(threads)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
        self.transforms = transforms
        self.prefetch = prefetch
        self.threads = threads
    }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The order in which epoch `epoch` visits the examples (indices into `dataset`).
    public func order(epoch: Int) -> [Int] {
        checkArgument(epoch >= 0, "DataLoader.order: epoch must be ≥ 0, got \(epoch)")
        guard shuffle else { return Array(0..<dataset.count) }
        var generator = SeededGenerator(seed: derivedSeed(seed, .shuffle, epoch))
        return permutation(dataset.count, using: &generator)
    }

    /// The position just after `position`: the next batch of the epoch, or batch 0 of the
    /// next epoch. Save this after training on a batch to resume after it.
    public func position(after position: Position) -> Position {
        position.batch + 1 >= batchesPerEpoch
            ? Position(epoch: position.epoch + 1, batch: 0)
            : Position(epoch: position.epoch, batch: position.batch + 1)
    }

    /// The position of the batch that comes after `steps` batches from the start of epoch 0:
    /// where a run counted in steps carries on (epoch `steps / batchesPerEpoch`, batch
    /// `steps % batchesPerEpoch`).
    /// - Parameter steps: batches already taken, ≥ 0.
    public func position(afterSteps steps: Int) -> Position {
        checkArgument(
            steps >= 0 && batchesPerEpoch > 0,
            "DataLoader.position(afterSteps:): expected steps ≥ 0 and batches in an epoch, got "
                + "steps \(steps), \(batchesPerEpoch) batches per epoch")
        return Position(epoch: steps / batchesPerEpoch, batch: steps % batchesPerEpoch)
    }

    /// The batch at `position`, made now (what iteration would give there).
    public func batch(at position: Position) -> Batch {
        checkPosition(position, op: "DataLoader.batch(at:)", allowEnd: false)
        return makeBatch(at: position, order: order(epoch: position.epoch))
    }

    /// The batches of epoch `epoch`, from batch `start` (0 for the whole epoch) to its end.
    public func epoch(_ epoch: Int, startingAt start: Int = 0) -> Batches {
        let first = Position(epoch: epoch, batch: start)
        checkPosition(first, op: "DataLoader.epoch(_:startingAt:)", allowEnd: true)
        return Batches(loader: self, start: first, end: Position(epoch: epoch + 1, batch: 0))
    }

    /// Every batch from `position` on, across epochs, without end (take what you need with
    /// `prefix(_:)` or `break`): for training counted in steps rather than epochs.
    public func batches(from position: Position = Position(epoch: 0, batch: 0)) -> Batches {
        checkArgument(
            batchesPerEpoch > 0,
            "DataLoader.batches(from:): an epoch has no batches (\(dataset.count) examples, "
                + "batch size \(batchSize), dropLast \(dropLast))")
        checkPosition(position, op: "DataLoader.batches(from:)", allowEnd: true)
        return Batches(loader: self, start: position, end: nil)
    }

    /// Stops with a message unless `position` is a batch of this loader (or, with
    /// `allowEnd`, the end of an epoch).
    func checkPosition(_ position: Position, op: String, allowEnd: Bool) {
        let last = allowEnd ? batchesPerEpoch : batchesPerEpoch - 1
        checkArgument(
            position.epoch >= 0 && position.batch >= 0 && position.batch <= last,
            "\(op): position \(position) is outside the loader: epochs start at 0 and an epoch "
                + "has \(batchesPerEpoch) batches")
    }

    /// Makes the batch at `position` of an epoch visiting the examples in `order`.
    func makeBatch(at position: Position, order: [Int]) -> Batch {
        let start = position.batch * batchSize
        let indices = Array(order[start..<Swift.min(start + batchSize, order.count)])
        let labels = indices.map { dataset.labels[$0] }
        guard !transforms.isEmpty else {
            return Batch(
                images: dataset.images(at: indices), labels: labels, indices: indices,
                position: position)
        }
        var batchGenerator = SeededGenerator(
            seed: derivedSeed(seed, .transform, position.epoch, position.batch))
        let generators = indices.map { _ in batchGenerator.split() }
        // The first example fixes the output shape; the rest are written in parallel.
        var firstGenerator = generators[0]
        let first = transforms.apply(to: dataset.image(at: indices[0]), generator: &firstGenerator)
        let size = first.pixels.count
        var data = [Float](repeating: 0, count: indices.count * size)
        data.withUnsafeMutableBufferPointer { buffer in
            let target = SendablePointer(buffer.baseAddress!)
            first.pixels.withUnsafeBufferPointer {
                target.pointer.update(from: $0.baseAddress!, count: size)
            }
            Parallel.withThreadCount(threads) {
                Parallel.forChunks(indices.count - 1) { range in
                    for slot in range.lowerBound + 1..<range.upperBound + 1 {
                        var generator = generators[slot]
                        let image = transforms.apply(
                            to: dataset.image(at: indices[slot]), generator: &generator)
                        checkArgument(
                            image.shape == first.shape,
                            "DataLoader: transforms made example \(indices[slot]) \(image.shape) but "
                                + "example \(indices[0]) \(first.shape); every example must come "
                                + "out one shape")
                        image.pixels.withUnsafeBufferPointer {
                            (target.pointer + slot * size).update(
                                from: $0.baseAddress!, count: size)
                        }
                    }
                }
            }
        }
        return Batch(
            images: Tensor(shape: [indices.count] + first.shape, data: data), labels: labels,
            indices: indices, position: position)
    }
}

extension DataLoader {
    /// Where a batch lies in training: its epoch (from 0) and its index in the epoch (from 0).
    /// Ordered by epoch, then batch. `Codable`, to store in a checkpoint.
    public struct Position: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
        /// The epoch, from 0.
        public var epoch: Int
        /// The batch's index in its epoch, from 0.
        public var batch: Int

        /// The position of batch `batch` of epoch `epoch`.
        public init(epoch: Int, batch: Int) {
            self.epoch = epoch
            self.batch = batch
        }

        /// Whether `a` comes before `b`: an earlier epoch, or the same epoch and an earlier
        /// batch.
        public static func < (a: Position, b: Position) -> Bool {
            (a.epoch, a.batch) < (b.epoch, b.batch)
        }

        /// `(epoch 2, batch 17)`.
        public var description: String { "(epoch \(epoch), batch \(batch))" }
    }

    /// One batch: images `[B, C, H, W]`, their labels, which examples they are, and where the
    /// batch lies.
    public struct Batch: Sendable {
        /// `[B, C, H, W]`, transformed.
        public let images: Tensor
        /// The class of each image, length `B`.
        public let labels: [Int]
        /// The examples' indices in the loader's data set, length `B`.
        public let indices: [Int]
        /// This batch's epoch and index.
        public let position: Position

        /// The number of examples, `B`.
        public var count: Int { labels.count }
    }
}
