import Ablation
import NN
import ResNetModels
import TensorCore
import Testing

@Suite("Scoring in slices")
struct ScoringTests {
    /// A residual net whose running statistics are its own: two training-mode passes over
    /// the images move them off their starting values before it is put in eval mode.
    private func trainedStatistics(_ images: Tensor) -> ResNet {
        let model = AblationNet(depth: 8, residual: true).build(seed: 4)
        Tensor.withoutGrad {
            _ = model(images)
            _ = model(images)
        }
        model.eval()
        return model
    }

    @Test(
        "on one thread a batch is scored in slices of 64 images, with the same logits and score as the whole batch in one pass"
    )
    func slicesGiveTheSameBits() throws {
        let data = try tinyData()
        // 96 images in one batch: a full slice of 64 and a short one of 32.
        let set = data.trainBatches(96, batchSize: 96)
        let images = try #require(set.batches.first).images
        #expect(images.shape[0] > scoringSlice && images.shape[0] % scoringSlice != 0)
        let model = trainedStatistics(images)
        var passes: [Int] = []
        func logits(threads: Int) -> Tensor {
            Tensor.withThreadCount(threads) {
                Tensor.withoutGrad {
                    forwardInSlices(images) { slice in
                        passes.append(slice.shape[0])
                        return model(slice)
                    }
                }
            }
        }
        let whole = logits(threads: 2)
        #expect(passes == [96])
        let sliced = logits(threads: 1)
        #expect(passes == [96, 64, 32])
        // One thread, one pass: the slicing alone, apart from the thread count.
        let wholeOnOne = Tensor.withThreadCount(1) { Tensor.withoutGrad { model(images) } }
        for reference in [whole, wholeOnOne] {
            #expect(sliced.shape == reference.shape)
            let firstDifference = sliced.data.indices.first {
                sliced.data[$0] != reference.data[$0]
            }
            #expect(firstDifference == nil, "logits differ from element \(firstDifference ?? -1)")
        }
        // With gradients recorded there is no slicing: the graph stays whole.
        passes = []
        _ = Tensor.withThreadCount(1) {
            forwardInSlices(images) {
                passes.append($0.shape[0])
                return model($0)
            }
        }
        #expect(passes == [96])
        // The folded net through `score`, as the ablation scores its test images.
        let one = Tensor.withThreadCount(1) { score(model, on: set) }
        let two = Tensor.withThreadCount(2) { score(model, on: set) }
        #expect(one == two)
        #expect(one.loss > 0)
    }
}
