import ResNetModels
import Testing
import Training

@Suite("The memory check before training")
struct MemoryCheckTests {
    let size = ResNet.Configuration.resnet(depth: 50, classes: 10, inputChannels: 1)
        .size(height: 28, width: 28)

    func refusal(batch: Int, available: Double) -> String? {
        do {
            try size.checkTraining(
                batch: batch, optimizerBuffers: 1, what: "resnet50 here", available: available)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("a batch that fits passes; one that does not names what it needs and what fits")
    func advice() throws {
        let model = size.modelBytes(optimizerBuffers: 1)
        let perImage = size.activationBytes(batch: 1)
        let available = model + 100.5 * perImage
        #expect(refusal(batch: 100, available: available) == nil)
        let message = try #require(refusal(batch: 101, available: available))
        #expect(message.contains("resnet50 here in batches of 101 needs about"), "\(message)")
        #expect(message.contains("lower --batch-size to 100 or less"), "\(message)")
        #expect(message.contains(describeBytes(available)), "\(message)")
    }

    @Test("a model that does not fit on its own says so")
    func modelAlone() throws {
        let available = size.modelBytes(optimizerBuffers: 1) / 2
        let message = try #require(refusal(batch: 1, available: available))
        #expect(message.contains("the model alone does not fit"), "\(message)")
    }

    @Test("the optimizer's buffers count: Adam needs more than SGD")
    func optimizerBuffers() {
        #expect(size.modelBytes(optimizerBuffers: 2) > size.modelBytes(optimizerBuffers: 1))
        #expect(size.modelBytes(optimizerBuffers: 1) > size.modelBytes(optimizerBuffers: 0))
    }

    @Test("sizes read as people write them")
    func bytesInWords() {
        #expect(describeBytes(6.6e12) == "6.6 TB")
        #expect(describeBytes(812e6) == "812 MB")
        #expect(describeBytes(999) == "999 bytes")
    }
}
