import Datasets
import Randomness
import Testing

/// The content of a run of batches, comparable with `==`.
func contents(_ batches: some Sequence<DataLoader.Batch>) -> [[Float]] {
    batches.map { $0.images.data + $0.labels.map(Float.init) + $0.indices.map(Float.init) }
}

@Suite("DataLoader")
struct DataLoaderTests {
    let set: Dataset

    init() throws { set = try syntheticDataset(count: 10, side: 4) }

    let augment: [Transform] = [
        .randomCrop(size: 4, padding: 1), .randomHorizontalFlip(), .normalize(mean: [0.1], std: [0.5]),
    ]

    @Test("every example appears once per epoch; the last batch is kept or dropped")
    func coverage() {
        let loader = DataLoader(set, batchSize: 4, seed: 1)
        let batches = Array(loader.epoch(0))
        #expect(loader.batchesPerEpoch == 3)
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(batches.flatMap(\.indices).sorted() == Array(0..<10))
        #expect(batches.map(\.position.batch) == [0, 1, 2])
        for batch in batches {
            #expect(batch.images.shape == [batch.count, 1, 4, 4])
            #expect(batch.images.data == set.images(at: batch.indices).data)
            #expect(batch.labels == batch.indices.map { set.labels[$0] })
        }
        let dropping = DataLoader(set, batchSize: 4, dropLast: true, seed: 1)
        let kept = Array(dropping.epoch(0))
        #expect(kept.map(\.count) == [4, 4])
        #expect(Set(kept.flatMap(\.indices)).count == 8)
        #expect(loader.epoch(0).count == 3 && dropping.epoch(0).count == 2)
    }

    @Test("same seed, same order; other epochs and seeds differ; no shuffle is index order")
    func orders() {
        let loader = DataLoader(set, batchSize: 3, seed: 42)
        #expect(loader.order(epoch: 0) == DataLoader(set, batchSize: 5, seed: 42).order(epoch: 0))
        #expect(loader.order(epoch: 0) != loader.order(epoch: 1))
        #expect(loader.order(epoch: 0) != DataLoader(set, batchSize: 3, seed: 43).order(epoch: 0))
        #expect(contents(loader.epoch(2)) == contents(DataLoader(set, batchSize: 3, seed: 42).epoch(2)))
        let plain = DataLoader(set, batchSize: 3, shuffle: false)
        #expect(Array(plain.epoch(5)).flatMap(\.indices) == Array(0..<10))
    }

    @Test("transforms vary by epoch but are fixed by the seed")
    func transformsSeeded() {
        let loader = DataLoader(set, batchSize: 4, shuffle: false, seed: 7, transforms: augment)
        let epoch0 = contents(loader.epoch(0))
        #expect(epoch0 == contents(loader.epoch(0)))
        #expect(epoch0 != contents(loader.epoch(1)))
    }

    @Test("prefetch on or off and any thread count give identical batches", arguments: [1, 3, 8])
    func prefetchAndThreads(threads: Int) {
        let reference = DataLoader(
            set, batchSize: 4, seed: 5, transforms: augment, prefetch: false, threads: 1)
        let other = DataLoader(
            set, batchSize: 4, seed: 5, transforms: augment, prefetch: true, threads: threads)
        #expect(contents(reference.batches().prefix(7)) == contents(other.batches().prefix(7)))
        #expect(contents([reference.batch(at: .init(epoch: 1, batch: 2))]) == contents([other.batch(at: .init(epoch: 1, batch: 2))]))
    }

    @Test("resuming from a position gives the same remaining batches")
    func resume() {
        let loader = DataLoader(set, batchSize: 4, seed: 9, transforms: augment)
        let full = contents(loader.epoch(3))
        #expect(contents(loader.epoch(3, startingAt: 1)) == Array(full.dropFirst()))
        #expect(contents(loader.epoch(3, startingAt: 3)).isEmpty)
        // Across epochs: batches(from:) continues into the next epoch.
        let run = Array(loader.batches(from: .init(epoch: 2, batch: 2)).prefix(4))
        #expect(run.map(\.position) == [
            .init(epoch: 2, batch: 2), .init(epoch: 3, batch: 0), .init(epoch: 3, batch: 1),
            .init(epoch: 3, batch: 2),
        ])
        #expect(contents(run.dropFirst()) == full)
        #expect(loader.position(after: .init(epoch: 2, batch: 2)) == .init(epoch: 3, batch: 0))
        #expect(loader.position(after: .init(epoch: 2, batch: 0)) == .init(epoch: 2, batch: 1))
    }

    @Test("the iterator's position is where to resume")
    func iteratorPosition() {
        let loader = DataLoader(set, batchSize: 4, seed: 2)
        let iterator = loader.batches().makeIterator()
        _ = iterator.next()
        _ = iterator.next()
        #expect(iterator.position == .init(epoch: 0, batch: 2))
        let next = iterator.next()
        #expect(next?.position == .init(epoch: 0, batch: 2))
        #expect(iterator.position == .init(epoch: 1, batch: 0))
    }
}
