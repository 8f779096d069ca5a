import NN
import Randomness
import TensorCore
import Testing

@Suite("Initialisation")
struct InitTests {
    @Test(
        "normal draws in parallel exactly the numbers of a sequential loop, and leaves the generator where that loop would",
        arguments: [1, 3, 16_384, 100_001])
    func normalMatchesSequentialDraws(count: Int) {
        var parallel = SeededGenerator(seed: 9)
        _ = parallel.next()  // start mid-stream
        var sequential = parallel
        let tensor = Tensor.zeros([count])
        Init.normal(tensor, mean: 0.5, std: 2, generator: &parallel)
        let expected = (0..<count).map { _ in 0.5 + 2 * Float(sequential.nextNormal()) }
        #expect(tensor.data.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(parallel == sequential)
    }

    @Test("advanced(by:) lands where that many draws of next() land")
    func advancedMatchesDraws() {
        var drawn = SeededGenerator(seed: 3)
        let jumped = drawn.advanced(by: 1000)
        for _ in 0..<1000 { _ = drawn.next() }
        #expect(jumped == drawn)
    }

    @Test func conv2dDefaultInitIsUniformInOneOverRootFanIn() {
        var generator = SeededGenerator(seed: 11)
        let conv = Conv2d(
            inputChannels: 32, outputChannels: 64, kernelSize: 3, generator: &generator)
        let bound = 1 / Float(32 * 9).squareRoot()
        #expect(conv.weight.data.allSatisfy { abs($0) <= bound })
        #expect(conv.bias!.data.allSatisfy { abs($0) <= bound })
        // U(−b, b) has standard deviation b/√3.
        let (mean, std) = meanAndStd(conv.weight.data)
        #expect(abs(mean) < 0.02 * Double(bound))
        #expect(abs(std / (Double(bound) / 3.0.squareRoot()) - 1) < 0.03)
    }

    @Test func linearDefaultInitIsUniformInOneOverRootFanIn() {
        var generator = SeededGenerator(seed: 12)
        let layer = Linear(inputFeatures: 400, outputFeatures: 100, generator: &generator)
        let bound = 1 / Float(400).squareRoot()
        #expect(layer.weight.data.allSatisfy { abs($0) <= bound })
        #expect(layer.bias!.data.allSatisfy { abs($0) <= bound })
        #expect(layer.weight.data.contains { $0 > 0.9 * bound })
        #expect(layer.weight.data.contains { $0 < -0.9 * bound })
    }

    @Test func sameSeedGivesSameWeights() {
        #expect(
            smallSequential(seed: 3).stateDict().map(\.tensor.data)
                == smallSequential(seed: 3).stateDict().map(\.tensor.data))
        #expect(
            smallSequential(seed: 3).parameters[0].data
                != smallSequential(seed: 4).parameters[0].data)
    }

    @Test(arguments: [(Init.FanMode.fanOut, 128 * 9), (Init.FanMode.fanIn, 64 * 9)])
    func kaimingNormalHasStdRootTwoOverRootFan(mode: Init.FanMode, fan: Int) {
        var generator = SeededGenerator(seed: 13)
        let weight = Tensor.zeros([128, 64, 3, 3])
        Init.kaimingNormal(weight, mode: mode, nonlinearity: .relu, generator: &generator)
        let expected = (2 / Double(fan)).squareRoot()
        let (mean, std) = meanAndStd(weight.data)
        #expect(abs(std / expected - 1) < 0.02, "std \(std), expected \(expected)")
        #expect(abs(mean) < 0.02 * expected)
    }

    @Test func kaimingUniformWithRootFiveIsPyTorchsDefault() {
        var generator = SeededGenerator(seed: 14)
        let weight = Tensor.zeros([16, 8, 3, 3])
        Init.kaimingUniform(
            weight, nonlinearity: .leakyReLU(negativeSlope: Float(5).squareRoot()),
            generator: &generator)
        let bound = 1 / Float(72).squareRoot()
        #expect(weight.data.allSatisfy { abs($0) <= bound * 1.0001 })
        #expect(weight.data.contains { abs($0) > 0.95 * bound })
    }

    @Test func fansAndGains() {
        #expect(Init.fans(of: [64, 3, 7, 7]) == (fanIn: 147, fanOut: 3136))
        #expect(Init.fans(of: [10, 512]) == (fanIn: 512, fanOut: 10))
        #expect(Init.Nonlinearity.relu.gain == Float(2).squareRoot())
        #expect(Init.Nonlinearity.linear.gain == 1)
    }

    @Test func constantsFillInPlace() {
        let t = Tensor.zeros([2, 3])
        Init.constant(t, 0.5)
        #expect(t.data == [Float](repeating: 0.5, count: 6))
        Init.ones(t)
        #expect(t.data == [Float](repeating: 1, count: 6))
        Init.zeros(t)
        #expect(t.data == [Float](repeating: 0, count: 6))
    }
}
