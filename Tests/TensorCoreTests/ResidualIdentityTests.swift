import Randomness
import TensorCore
import Testing

/// The identity at the heart of lesson 03: for y = x + F(x),
/// ∂L/∂x = ∂L/∂y · (I + ∂F/∂x) = g + (the gradient F alone sends back from g).
@Suite("The residual identity dL/dx = dL/dy (I + dF/dx)")
struct ResidualIdentityTests {
    /// F = BN(conv(ReLU(BN(conv(x))))) in training mode, the basic block's branch.
    private func branch(_ x: Tensor, _ w1: Tensor, _ w2: Tensor) -> Tensor {
        let h = batchNorm2d(
            conv2d(x, weight: w1, padding: 1), weight: nil, bias: nil,
            runningMean: Tensor.zeros([3]), runningVar: Tensor.ones([3]), training: true
        ).relu()
        return batchNorm2d(
            conv2d(h, weight: w2, padding: 1), weight: nil, bias: nil,
            runningMean: Tensor.zeros([3]), runningVar: Tensor.ones([3]), training: true)
    }

    @Test("for a convolutional residual block, element by element")
    func convolutionalBlock() {
        var generator = SeededGenerator(seed: 21)
        let w1 = Tensor.randn([3, 3, 3, 3], generator: &generator) * 0.4
        let w2 = Tensor.randn([3, 3, 3, 3], generator: &generator) * 0.4
        let data = Tensor.randn([2, 3, 5, 5], generator: &generator)
        let g = Tensor.randn([2, 3, 5, 5], generator: &generator)

        let x = Tensor(shape: data.shape, data: data.data, requiresGrad: true)
        (x + branch(x, w1, w2)).backward(gradient: g)
        let xF = Tensor(shape: data.shape, data: data.data, requiresGrad: true)
        branch(xF, w1, w2).backward(gradient: g)

        let predicted = zip(g.data, xF.grad!.data).map { $0 + $1 }
        let worst = zip(x.grad!.data, predicted).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5, "largest deviation \(worst)")
        // And the identity term is really there: without it the gradients differ by g.
        let withoutIdentity = zip(x.grad!.data, xF.grad!.data).map { abs($0 - $1) }.max()!
        #expect(withoutIdentity > 0.1)
    }

    /// The convolution adds its data gradient to the shortcut's as it writes it (the running
    /// sum in its epilogue): the same one addition per element as adding the two afterwards,
    /// so the bits are g + (F's gradient alone), on Winograd's path (16 channels) and the
    /// direct tile's (8), with the sum written either way round.
    @Test("for a convolution branch, to the bit", arguments: [16, 8], [true, false])
    func convolutionBranchBits(channels: Int, shortcutFirst: Bool) {
        var generator = SeededGenerator(seed: 23)
        let w = Tensor.randn([channels, channels, 3, 3], generator: &generator) * 0.2
        let data = Tensor.randn([3, channels, 6, 6], generator: &generator)
        let g = Tensor.randn([3, channels, 6, 6], generator: &generator)
        let x = Tensor(shape: data.shape, data: data.data, requiresGrad: true)
        let branch = conv2d(x, weight: w, padding: 1)
        (shortcutFirst ? x + branch : branch + x).backward(gradient: g)
        let xF = Tensor(shape: data.shape, data: data.data, requiresGrad: true)
        conv2d(xF, weight: w, padding: 1).backward(gradient: g)
        let predicted = zip(g.data, xF.grad!.data).map { $0 + $1 }
        #expect(x.grad!.data.map(\.bitPattern) == predicted.map(\.bitPattern))
    }

    @Test("the Jacobian of y = x + F(x) minus that of F is exactly I")
    func jacobianIdentity() {
        var generator = SeededGenerator(seed: 22)
        let w = Tensor.randn([4, 4], generator: &generator) * 0.5
        let x0 = Tensor.randn([4], generator: &generator).data
        func jacobian(_ f: (Tensor) -> Tensor) -> [[Float]] {
            (0..<4).map { i in
                let x = Tensor(shape: [1, 4], data: x0, requiresGrad: true)
                var seed = [Float](repeating: 0, count: 4)
                seed[i] = 1
                f(x).backward(gradient: Tensor(shape: [1, 4], data: seed))
                return x.grad!.data
            }
        }
        let block = jacobian { x in x + linear(x, weight: w).tanh() }
        let branchOnly = jacobian { x in linear(x, weight: w).tanh() }
        for i in 0..<4 {
            for j in 0..<4 {
                #expect(abs(block[i][j] - branchOnly[i][j] - (i == j ? 1 : 0)) < 1e-6)
            }
        }
    }
}
