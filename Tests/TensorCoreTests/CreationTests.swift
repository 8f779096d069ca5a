import Randomness
import TensorCore
import Testing

@Suite("Creating and reading tensors")
struct CreationTests {
    @Test func shapeCountRankAndStrides() {
        let x = Tensor(shape: [2, 3, 4], data: (0..<24).map(Float.init))
        #expect(x.count == 24)
        #expect(x.rank == 3)
        #expect(x.strides == [12, 4, 1])
        #expect(x.isLeaf)
        #expect(!x.requiresGrad)
        #expect(x.grad == nil)
    }

    @Test func subscriptReadsAndWritesRowMajor() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(x[0, 2] == 3)
        #expect(x[1, 0] == 4)
        x[1, 1] = 50
        #expect(x.data == [1, 2, 3, 4, 50, 6])
        #expect(x.offset(of: [1, 2]) == 5)
    }

    @Test func scalars() {
        let s = Tensor(2.5)
        #expect(s.shape == [])
        #expect(s.count == 1)
        #expect(s.scalar == 2.5)
        #expect(Tensor(shape: [1, 1], data: [7]).scalar == 7)
    }

    @Test func nestedArrays() {
        #expect(Tensor([1, 2, 3]).shape == [3])
        let m = Tensor([[1, 2], [3, 4], [5, 6]])
        #expect(m.shape == [3, 2])
        #expect(m.data == [1, 2, 3, 4, 5, 6])
        let c = Tensor([[[1, 2]], [[3, 4]]])
        #expect(c.shape == [2, 1, 2])
        #expect(c.data == [1, 2, 3, 4])
    }

    @Test func filledTensors() {
        #expect(Tensor.zeros([2, 2]).data == [0, 0, 0, 0])
        #expect(Tensor.ones([3]).data == [1, 1, 1])
        let f = Tensor.full([2, 1], value: 0.5, requiresGrad: true)
        #expect(f.data == [0.5, 0.5])
        #expect(f.requiresGrad)
        #expect(Tensor.zeros([0, 3]).count == 0)
    }

    @Test func aranges() {
        #expect(Tensor.arange(5).data == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(0).shape == [0])
        #expect(Tensor.arange(start: 0, end: 1, step: 0.25).data == [0, 0.25, 0.5, 0.75])
        #expect(Tensor.arange(start: 3, end: 0, step: -1).data == [3, 2, 1])
        #expect(Tensor.arange(start: 1, end: 2.5).data == [1, 2])
    }

    @Test func randnIsSeededAndStandard() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        var other = SeededGenerator(seed: 43)
        let a = Tensor.randn([64, 64], generator: &first)
        let b = Tensor.randn([64, 64], generator: &second)
        let c = Tensor.randn([64, 64], generator: &other)
        #expect(a.data == b.data)
        #expect(a.data != c.data)
        let mean = a.mean().scalar
        let std = a.variance(axes: [0, 1]).scalar.squareRoot()
        #expect(abs(mean) < 0.05)
        #expect(abs(std - 1) < 0.05)
        // The generator moved on: the next draw differs from the first.
        #expect(Tensor.randn([4], generator: &first).data != Array(a.data[0..<4]))
    }

    @Test func uniformStaysInRange() {
        var generator = SeededGenerator(seed: 7)
        let u = Tensor.uniform([1000], low: -2, high: 3, generator: &generator)
        #expect(u.data.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(u.data.min()! < -1.9)
        #expect(u.data.max()! > 2.9)
    }

    @Test func descriptionLooksLikePyTorch() {
        #expect(
            Tensor([[1, 2], [3, 4]]).description
                == "tensor([[1., 2.],\n        [3., 4.]], shape: [2, 2])")
        #expect(Tensor(0.5).description == "tensor(0.5000, shape: [])")
        let w = Tensor([0.25, -1.5], requiresGrad: true)
        w.name = "w"
        #expect(
            w.description
                == "tensor([ 0.2500, -1.5000], shape: [2], name: \"w\", requiresGrad: true)")
        #expect((w * 2).description.hasSuffix("shape: [2], op: mul)"))
        #expect(Tensor([1e-6, 1e3]).description.contains("1.0000e-06"))
        let cube = Tensor(shape: [2, 1, 2], data: [1, 2, 3, 4])
        #expect(cube.description == "tensor([[[1., 2.]],\n\n        [[3., 4.]]], shape: [2, 1, 2])")
    }

    @Test func largeTensorsAreSummarised() {
        let big = Tensor.arange(2000).reshaped([2, 1000])
        let text = big.description
        #expect(text.contains("..."))
        #expect(text.contains("1999."))
        #expect(text.count < 200)
    }
}
