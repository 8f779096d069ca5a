import NN
import Randomness
import TensorCore
import TestSupport
import Testing

@Suite("Module tree: names, counts, modes, hooks, freezing")
struct ModuleTreeTests {
    @Test func stateDictHasPyTorchNamesInPyTorchOrder() {
        let model = smallSequential()
        #expect(
            model.stateDict().map(\.name) == [
                "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "4.weight", "4.bias",
            ])
        #expect(
            model.namedParameters().map(\.name) == [
                "0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias",
            ])
        #expect(
            model.namedBuffers().map(\.name) == [
                "1.running_mean", "1.running_var", "1.num_batches_tracked",
            ])
        #expect(model.namedModules().map(\.name) == ["", "0", "1", "2", "3", "4"])
    }

    @Test func shapesOfParametersAndBuffers() {
        let shapes = smallSequential().stateDict().map(\.tensor.shape)
        #expect(shapes == [[3, 2, 3, 3], [3], [3], [3], [3], [3], [], [5, 48], [5]])
    }

    @Test func parameterCounts() {
        // conv 3·2·3·3 + 3, batch norm 3 + 3, linear 5·48 + 5.
        #expect(smallSequential().parameterCount == 57 + 6 + 245)
        var generator = SeededGenerator(seed: 0)
        let noBias = Conv2d(
            inputChannels: 4, outputChannels: 8, kernelSize: 1, bias: false,
            generator: &generator)
        #expect(noBias.parameterCount == 32)
        #expect(noBias.namedParameters().map(\.name) == ["weight"])
        #expect(ReLU().parameterCount == 0)
        #expect(
            Linear(inputFeatures: 7, outputFeatures: 3, bias: false, generator: &generator)
                .parameterCount == 21)
    }

    @Test func parametersRequireGradientsAndBuffersDoNot() {
        let model = smallSequential()
        #expect(model.parameters.allSatisfy { $0.requiresGrad })
        #expect(model.namedBuffers().allSatisfy { !$0.tensor.requiresGrad })
    }

    @Test func trainAndEvalReachEveryModule() {
        let inner = Sequential([BatchNorm2d(2), ReLU()])
        let model = Sequential([inner, Identity()])
        #expect(model.namedModules().allSatisfy { $0.module.training })
        model.eval()
        #expect(model.namedModules().allSatisfy { !$0.module.training })
        inner.train()
        #expect(inner[0].training && !model.training)
        model.train()
        #expect(model.namedModules().allSatisfy { $0.module.training })
    }

    @Test func nestedSequentialNamesAreDotted() {
        var generator = SeededGenerator(seed: 0)
        let model = Sequential(
            Sequential(BatchNorm2d(2)),
            Linear(inputFeatures: 2, outputFeatures: 2, generator: &generator))
        #expect(
            model.stateDict().map(\.name) == [
                "0.0.weight", "0.0.bias", "0.0.running_mean", "0.0.running_var",
                "0.0.num_batches_tracked", "1.weight", "1.bias",
            ])
    }

    @Test func sequentialAppendSubscriptAndCount() {
        let model = Sequential([ReLU()])
        #expect(model.count == 1)
        model.append(Flatten())
        #expect(model.count == 2)
        #expect(model[1] is Flatten)
        model[0] = Identity()
        #expect(model[0] is Identity)
        #expect(model.children.map(\.name) == ["0", "1"])
        let x = Tensor(shape: [2, 1, 2, 2], data: [-1, 2, -3, 4, 5, -6, 7, -8])
        #expect(model(x).shape == [2, 4])
        #expect(model(x).data == x.data)
    }

    @Test func forwardHooksFireAndCanBeRemoved() {
        let model = smallSequential()
        var captured: [[Int]] = []
        let id = model[1].registerForwardHook { module, input, output in
            #expect(module is BatchNorm2d)
            #expect(input.shape == output.shape)
            captured.append(output.shape)
        }
        let outerID = model.registerForwardHook { _, _, output in captured.append(output.shape) }
        let x = randomTensor([2, 2, 4, 4], seed: 3)
        _ = model(x)
        #expect(captured == [[2, 3, 4, 4], [2, 5]])
        model[1].removeForwardHook(id)
        model.removeForwardHook(outerID)
        _ = model(x)
        #expect(captured.count == 2)
    }

    @Test func freezeAndUnfreeze() {
        let model = smallSequential()
        let backbone = model[0]
        backbone.freeze()
        #expect(!(backbone as! Conv2d).weight.requiresGrad)
        #expect(model.trainableParameters.count == 4)
        #expect(
            model.namedTrainableParameters().map(\.name) == [
                "1.weight", "1.bias", "4.weight", "4.bias",
            ])
        #expect(model.trainableParameterCount == 6 + 245)

        // A frozen layer gets no gradient; the rest still do.
        let loss = model(randomTensor([2, 2, 4, 4], seed: 4)).sum()
        loss.backward()
        #expect((backbone as! Conv2d).weight.grad == nil)
        #expect((model[4] as! Linear).weight.grad != nil)

        model.freeze()
        #expect(model.trainableParameters.isEmpty)
        model.unfreeze()
        #expect(model.trainableParameters.count == 6)
    }
}
