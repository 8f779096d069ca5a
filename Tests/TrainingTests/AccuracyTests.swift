import Datasets
import TensorCore
import Testing
import Training

@Suite("classificationAccuracy")
struct AccuracyTests {
    /// Five 1×1×2 images whose class is the brighter pixel; image 3 is labelled wrongly.
    let data = try! Dataset(
        name: "pairs", images: [1, 0, 0, 1, 0, 1, 1, 0, 1, 0], labels: [0, 1, 1, 1, 0],
        channels: 1, height: 1, width: 2, classNames: ["left", "right"])

    @Test("counts the images whose largest logit is the label, across uneven batches")
    func countsCorrectPredictions() {
        for batchSize in [1, 2, 3, 5, 8] {
            let accuracy = classificationAccuracy(
                of: { $0.reshaped([$0.shape[0], 2]) }, on: data, batchSize: batchSize)
            #expect(accuracy == 0.8, "batch size \(batchSize)")
        }
    }

    @Test("applies the transforms and records no gradients")
    func transformsAndNoGrad() {
        var sawGradients = false
        let accuracy = classificationAccuracy(
            of: { x in
                sawGradients = sawGradients || Tensor.isGradEnabled
                return x.reshaped([x.shape[0], 2])
            }, on: data,
            transforms: [
                .custom(name: "mirror") { image, _ in
                    Image(channels: 1, height: 1, width: 2, pixels: image.pixels.reversed())
                }
            ])
        #expect(accuracy == 0.2)
        #expect(!sawGradients)
    }

    @Test("a label the logits have no class for is a mistake, not a stop")
    func labelBeyondTheLogits() {
        // One logit per image: everything is predicted class 0, so the three images labelled
        // 1 are wrong.
        let accuracy = classificationAccuracy(
            of: { $0.reshaped([$0.shape[0], 2]).sum(axes: [1], keepDims: true) }, on: data)
        #expect(accuracy == 0.4)
    }
}
