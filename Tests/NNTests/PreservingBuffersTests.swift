import NN
import Randomness
import TensorCore
import Testing

@Suite("preservingBuffers: training-mode passes that leave the running statistics alone")
struct PreservingBuffersTests {
    private struct Stop: Error {}

    private func model() -> (Sequential, BatchNorm2d, Tensor) {
        var generator = SeededGenerator(seed: 5)
        let bn = BatchNorm2d(3)
        let model = Sequential([
            Conv2d(
                inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1,
                generator: &generator), bn,
        ])
        return (model, bn, Tensor.randn([4, 2, 5, 5], generator: &generator))
    }

    @Test("a training-mode forward inside changes no buffer, the same forward outside does")
    func restoresBuffers() {
        let (model, bn, x) = model()
        model.train()
        let before = model.namedBuffers().map(\.tensor.data)
        let inside = model.preservingBuffers { Tensor.withoutGrad { model(x) } }
        #expect(model.namedBuffers().map(\.tensor.data) == before)
        // The pass did run in training mode: the same pass outside moves the statistics and
        // gives the same output.
        let outside = Tensor.withoutGrad { model(x) }
        #expect(outside.data == inside.data)
        #expect(bn.runningMean.data != before[0], "the forward outside did not move the mean")
        #expect(bn.numBatchesTracked.scalar == 1)
    }

    @Test("the buffers come back when the body throws, and the error passes through")
    func restoresOnThrow() {
        let (model, bn, x) = model()
        model.train()
        let before = model.namedBuffers().map(\.tensor.data)
        #expect(throws: Stop.self) {
            try model.preservingBuffers { () throws(Stop) -> Void in
                _ = Tensor.withoutGrad { model(x) }
                #expect(bn.numBatchesTracked.scalar == 1, "the pass inside did not count")
                throw Stop()
            }
        }
        #expect(model.namedBuffers().map(\.tensor.data) == before)
    }
}
