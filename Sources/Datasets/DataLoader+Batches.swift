import Dispatch
import Randomness

extension DataLoader {
    /// A run of batches from a start position to an end (exclusive) or without end.
    /// Iterating makes them in order; with `prefetch`, each next batch is made on a
    /// background queue while the caller works on the current one.
    public struct Batches: Sequence, Sendable {
        /// The loader the batches come from.
        public let loader: DataLoader
        /// The first batch's position.
        public let start: Position
        /// The position where the run stops (not included); `nil`: never.
        public let end: Position?

        /// An iterator that makes the batches in order, from `start`, prefetching when the
        /// loader's `prefetch` is on.
        public func makeIterator() -> Iterator {
            Iterator(loader: loader, start: start, end: end)
        }

        /// The number of batches (nil when endless).
        public var count: Int? {
            guard let end else { return nil }
            let perEpoch = loader.batchesPerEpoch
            return Swift.max(
                0, (end.epoch - start.epoch) * perEpoch + end.batch - start.batch)
        }
    }

    /// Iterates batches in order, prefetching the next one when the loader says so.
    public final class Iterator: IteratorProtocol {
        private let loader: DataLoader
        private let end: Position?
        /// The position of the batch that `next()` returns next: after the batch you are
        /// working on, the position to save for resuming.
        public private(set) var position: Position
        /// The order of the last epoch asked for, kept to avoid reshuffling every batch.
        private var cachedOrder: (epoch: Int, order: [Int])?
        /// The batch being made in the background for `position`, if any.
        private var pending: PendingBatch?

        init(loader: DataLoader, start: Position, end: Position?) {
            self.loader = loader
            self.position = start
            self.end = end
            if loader.prefetch && hasBatch(at: start) { pending = startMaking(start) }
        }

        /// Returns the batch at `position` and moves `position` past it, or nil at the run's
        /// end. With `prefetch`, it also starts making the batch after it in the background.
        public func next() -> Batch? {
            guard hasBatch(at: position) else { return nil }
            let batch: Batch
            if let pending, pending.position == position {
                batch = pending.wait()
            } else {
                batch = loader.makeBatch(at: position, order: order(for: position.epoch))
            }
            pending = nil
            position = loader.position(after: position)
            if loader.prefetch && hasBatch(at: position) { pending = startMaking(position) }
            return batch
        }

        /// Whether the run has a batch at `position`.
        private func hasBatch(at position: Position) -> Bool {
            if let end, position >= end { return false }
            return position.batch < loader.batchesPerEpoch
        }

        private func order(for epoch: Int) -> [Int] {
            if let cachedOrder, cachedOrder.epoch == epoch { return cachedOrder.order }
            let order = loader.order(epoch: epoch)
            cachedOrder = (epoch, order)
            return order
        }

        /// Starts making the batch at `position` on a background queue.
        private func startMaking(_ position: Position) -> PendingBatch {
            let pending = PendingBatch(position: position)
            let loader = self.loader
            let order = order(for: position.epoch)
            DispatchQueue.global(qos: .userInitiated).async {
                pending.fulfil(loader.makeBatch(at: position, order: order))
            }
            return pending
        }
    }
}

/// A batch being made on another thread: `wait()` blocks until `fulfil` has run.
///
/// `@unchecked Sendable`: `batch` is written once, before the semaphore is signalled, and read
/// only after waiting on it, which orders the write before the read.
private final class PendingBatch: @unchecked Sendable {
    let position: DataLoader.Position
    private var batch: DataLoader.Batch?
    private let ready = DispatchSemaphore(value: 0)

    init(position: DataLoader.Position) { self.position = position }

    func fulfil(_ batch: DataLoader.Batch) {
        self.batch = batch
        ready.signal()
    }

    func wait() -> DataLoader.Batch {
        ready.wait()
        ready.signal()  // leave it signalled, so a second wait returns at once
        return batch!
    }
}
