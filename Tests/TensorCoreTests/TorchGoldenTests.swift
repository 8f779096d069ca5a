import TensorCore
import Testing

/// The image operations against PyTorch 2.x: forward values and every input gradient for a
/// random upstream gradient `g` (`Fixtures/make_goldens.py` made them; tolerance explained at
/// `expectMatchesTorch`). Cross-entropy and log-softmax goldens are in `PyTorchGoldenTests`.
@Suite("Image operations agree with PyTorch")
struct TorchGoldenTests {
    @Test(arguments: ["conv3x3_s2_p1_bias", "conv1x1_s1_p0", "conv7x7_s2_p3"])
    func convolution(_ name: String) throws {
        let golden = try TorchFixtures.case(name)
        let x = try golden.tensor("x", requiresGrad: true)
        let weight = try golden.tensor("weight", requiresGrad: true)
        let bias =
            golden.fields["bias"] == nil ? nil : try golden.tensor("bias", requiresGrad: true)
        let y = conv2d(
            x, weight: weight, bias: bias, stride: try golden.int("stride"),
            padding: try golden.int("padding"))
        expectMatchesTorch(y, try golden.array("y"), "\(name) y")
        y.backward(gradient: try golden.tensor("g"))
        expectMatchesTorch(x.grad, try golden.array("dx"), "\(name) dx")
        expectMatchesTorch(weight.grad, try golden.array("dweight"), "\(name) dweight")
        if let bias {
            expectMatchesTorch(bias.grad, try golden.array("dbias"), "\(name) dbias")
        }
    }

    @Test func batchNormTraining() throws {
        let golden = try TorchFixtures.case("batchnorm_train")
        let x = try golden.tensor("x", requiresGrad: true)
        let weight = try golden.tensor("weight", requiresGrad: true)
        let bias = try golden.tensor("bias", requiresGrad: true)
        let runningMean = try golden.tensor("running_mean_before")
        let runningVar = try golden.tensor("running_var_before")
        let y = batchNorm2d(
            x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
            training: true, momentum: try golden.float("momentum"), eps: try golden.float("eps"))
        expectMatchesTorch(y, try golden.array("y"), "batch norm (training) y")
        expectMatchesTorch(
            runningMean, try golden.array("running_mean_after"), "running mean after")
        expectMatchesTorch(runningVar, try golden.array("running_var_after"), "running var after")
        y.backward(gradient: try golden.tensor("g"))
        expectMatchesTorch(x.grad, try golden.array("dx"), "batch norm (training) dx")
        expectMatchesTorch(
            weight.grad, try golden.array("dweight"), "batch norm (training) dweight")
        expectMatchesTorch(bias.grad, try golden.array("dbias"), "batch norm (training) dbias")
    }

    @Test func batchNormEval() throws {
        let golden = try TorchFixtures.case("batchnorm_eval")
        let x = try golden.tensor("x", requiresGrad: true)
        let runningMean = try golden.tensor("running_mean")
        let runningVar = try golden.tensor("running_var")
        let y = batchNorm2d(
            x, weight: try golden.tensor("weight"), bias: try golden.tensor("bias"),
            runningMean: runningMean, runningVar: runningVar, training: false,
            eps: try golden.float("eps"))
        expectMatchesTorch(y, try golden.array("y"), "batch norm (eval) y")
        // Eval mode leaves the buffers alone.
        #expect(runningMean.data == (try golden.array("running_mean").data))
        #expect(runningVar.data == (try golden.array("running_var").data))
        y.backward(gradient: try golden.tensor("g"))
        expectMatchesTorch(x.grad, try golden.array("dx"), "batch norm (eval) dx")
    }

    @Test(
        "max and average pooling give PyTorch's values and gradients, square and not",
        arguments: [
            "maxpool3x3_s2_p1", "avgpool2x2_s2", "maxpool3x2_s2x1_p1x0", "avgpool2x3_s2_p1",
        ])
    func pooling(_ name: String) throws {
        let golden = try TorchFixtures.case(name)
        let x = try golden.tensor("x", requiresGrad: true)
        let (kernel, stride, padding) =
            (try golden.pair("kernel"), try golden.pair("stride"), try golden.pair("padding"))
        let y =
            name.hasPrefix("max")
            ? x.maxPool2d(kernelSize: kernel, stride: stride, padding: padding)
            : x.avgPool2d(kernelSize: kernel, stride: stride, padding: padding)
        expectMatchesTorch(y, try golden.array("y"), "\(name) y")
        y.backward(gradient: try golden.tensor("g"))
        expectMatchesTorch(x.grad, try golden.array("dx"), "\(name) dx")
    }

    @Test func globalAveragePool() throws {
        let golden = try TorchFixtures.case("global_avgpool")
        let x = try golden.tensor("x", requiresGrad: true)
        let y = x.globalAveragePool()
        expectMatchesTorch(y, try golden.array("y"), "global average pool y")
        y.backward(gradient: try golden.tensor("g"))
        expectMatchesTorch(x.grad, try golden.array("dx"), "global average pool dx")

        let adaptive = x.detach().adaptiveAvgPool2d(1)
        expectMatchesTorch(adaptive, try golden.array("y"), "adaptiveAvgPool2d(1) y")
    }
}
