import Datasets
import Randomness
import Testing

/// The content of a run of batches, comparable with `==`.
func contents(_ batches: some Sequence<DataLoader.Batch>) -> [[Float]] {
    batches.map { $0.images.data + $0.labels.map(Float.init) + $0.indices.map(Float.init) }
}

/// Expects two runs of batches to hold the same positions, examples, labels and pixels,
/// reporting the first batch that differs (not the whole runs).
func expectSameBatches(
    _ actual: some Sequence<DataLoader.Batch>, _ expected: some Sequence<DataLoader.Batch>,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let actual = Array(actual)
    let expected = Array(expected)
    #expect(actual.count == expected.count, "batch counts", sourceLocation: sourceLocation)
    for (a, b) in zip(actual, expected) {
        let same =
            a.position == b.position && a.indices == b.indices && a.labels == b.labels
            && a.images.shape == b.images.shape && a.images.data == b.images.data
        #expect(same, "batch at \(b.position) differs", sourceLocation: sourceLocation)
        if !same { return }
    }
}

@Suite("DataLoader")
struct DataLoaderTests {
    let set: Dataset

    init() throws { set = try syntheticDataset(count: 10, side: 4) }

    let augment: [Transform] = [
        .randomCrop(size: 4, padding: 1), .randomHorizontalFlip(),
        .normalize(mean: [0.1], std: [0.5]),
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
        expectSameBatches(loader.epoch(2), DataLoader(set, batchSize: 3, seed: 42).epoch(2))
        let plain = DataLoader(set, batchSize: 3, shuffle: false)
        #expect(Array(plain.epoch(5)).flatMap(\.indices) == Array(0..<10))
    }

    @Test("transforms vary by epoch but are fixed by the seed")
    func transformsSeeded() {
        let loader = DataLoader(set, batchSize: 4, shuffle: false, seed: 7, transforms: augment)
        expectSameBatches(loader.epoch(0), loader.epoch(0))
        // Same examples in the same batches (no shuffle), but other crops and flips.
        #expect(contents(loader.epoch(0)) != contents(loader.epoch(1)))
    }

    @Test("prefetch on or off and any thread count give identical batches", arguments: [1, 3, 8])
    func prefetchAndThreads(threads: Int) {
        let reference = DataLoader(
            set, batchSize: 4, seed: 5, transforms: augment, prefetch: false, threads: 1)
        let other = DataLoader(
            set, batchSize: 4, seed: 5, transforms: augment, prefetch: true, threads: threads)
        expectSameBatches(other.batches().prefix(7), reference.batches().prefix(7))
        let position = DataLoader.Position(epoch: 1, batch: 2)
        expectSameBatches([other.batch(at: position)], [reference.batch(at: position)])
    }

    @Test("resuming from a position gives the same remaining batches")
    func resume() {
        let loader = DataLoader(set, batchSize: 4, seed: 9, transforms: augment)
        let full = Array(loader.epoch(3))
        expectSameBatches(loader.epoch(3, startingAt: 1), full.dropFirst())
        #expect(Array(loader.epoch(3, startingAt: 3)).isEmpty)
        // Across epochs: batches(from:) continues into the next epoch.
        let run = Array(loader.batches(from: .init(epoch: 2, batch: 2)).prefix(4))
        #expect(
            run.map(\.position) == [
                .init(epoch: 2, batch: 2), .init(epoch: 3, batch: 0), .init(epoch: 3, batch: 1),
                .init(epoch: 3, batch: 2),
            ])
        expectSameBatches(run.dropFirst(), full)
        #expect(loader.position(after: .init(epoch: 2, batch: 2)) == .init(epoch: 3, batch: 0))
        #expect(loader.position(after: .init(epoch: 2, batch: 0)) == .init(epoch: 2, batch: 1))
        // After n steps from the start: the (n + 1)-th batch of the endless run.
        let endless = Array(loader.batches().prefix(8))
        for steps in [0, 2, 3, 7] {
            #expect(loader.position(afterSteps: steps) == endless[steps].position)
        }
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
