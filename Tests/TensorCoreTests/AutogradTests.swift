import TensorCore
import Testing

@Suite("The autograd engine")
struct AutogradTests {
    @Test func usingATensorTwiceAddsBothContributions() {
        let x = Tensor([1, -2, 3], requiresGrad: true)
        (x * x).sum().backward()
        #expect(x.grad?.data == [2, -4, 6])  // d(x²)/dx = 2x
    }

    @Test func gradientsMeetAtAResidualAdd() {
        // y = relu(x) + x: the identity path adds 1 to whatever relu passes.
        let x = Tensor([-1, 2], requiresGrad: true)
        (x.relu() + x).sum().backward()
        #expect(x.grad?.data == [1, 2])
    }

    @Test func handComputedChainRule() {
        // L = sum(w * x + b) with w broadcast: dL/dw = Σ_rows x, dL/db = number of elements.
        let x = Tensor([[1, 2], [3, 4]])
        let w = Tensor([10, 20], requiresGrad: true)
        let b = Tensor(0.5, requiresGrad: true)
        let loss = (x * w + b).sum()
        #expect(loss.scalar == 10 + 40 + 30 + 80 + 2)
        loss.backward()
        #expect(w.grad?.data == [4, 6])
        #expect(b.grad?.shape == [])
        #expect(b.grad?.data == [4])
        #expect(x.grad == nil)  // x does not require gradients
    }

    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let x = Tensor([1, 2], requiresGrad: true)
        let loss = (x * 3).sum()
        loss.backward()
        loss.backward()
        #expect(x.grad?.data == [6, 6])
        let again = (x * x).sum()
        again.backward()
        #expect(x.grad?.data == [8, 10])
        x.zeroGrad()
        #expect(x.grad == nil)
        again.backward()
        #expect(x.grad?.data == [2, 4])
    }

    @Test func intermediatesKeepNoGradUnlessAsked() {
        let x = Tensor([1, 2], requiresGrad: true)
        let hidden = x * 2
        let kept = hidden.exp()
        kept.retainsGrad = true
        kept.sum().backward()
        #expect(hidden.grad == nil)
        #expect(kept.grad?.data == [1, 1])
        #expect(!hidden.isLeaf)
    }

    @Test func retainedGradAccumulatesButDoesNotLeakIntoTheNextPass() {
        let x = Tensor([1], requiresGrad: true)
        let hidden = x * 3
        hidden.retainsGrad = true
        let loss = (hidden * 2).sum()
        loss.backward()
        loss.backward()
        #expect(hidden.grad?.data == [4])
        #expect(x.grad?.data == [12])  // 2 passes × 2 × 3, not more
    }

    @Test func nonScalarBackwardTakesAGradient() {
        let x = Tensor([[1, 2], [3, 4]], requiresGrad: true)
        let y = x * x
        y.backward(gradient: Tensor([[1, 0], [0.5, -1]]))
        #expect(x.grad?.data == [2, 0, 3, -8])
    }

    @Test func withoutGradRecordsNothing() {
        let w = Tensor([1, 2], requiresGrad: true)
        #expect(Tensor.isGradEnabled)
        let y = Tensor.withoutGrad {
            #expect(!Tensor.isGradEnabled)
            return (w * 2).relu().sum()
        }
        #expect(Tensor.isGradEnabled)
        #expect(!y.requiresGrad)
        #expect(y.backwardNode == nil)
        #expect(y.scalar == 6)
    }

    @Test func detachStopsGradients() {
        let x = Tensor([2, 3], requiresGrad: true)
        let frozen = x.detach()
        #expect(!frozen.requiresGrad)
        #expect(frozen.data == x.data)
        (frozen * x).sum().backward()
        #expect(x.grad?.data == [2, 3])  // only through the second factor (2x without detach)
        frozen.data[0] = 100
        #expect(x.data[0] == 2)  // the copy is independent
    }

    @Test func resultsRequireGradOnlyWhenAnInputDoes() {
        let a = Tensor([1, 2])
        let b = Tensor([3, 4], requiresGrad: true)
        #expect(!(a + a).requiresGrad)
        #expect((a + a).backwardNode == nil)
        let c = a * b
        #expect(c.requiresGrad)
        #expect(c.backwardNode?.op == "mul")
        #expect(c.backwardNode?.inputs.count == 2)
    }

    @Test func graphNodesListInputsBeforeOutputs() {
        let x = Tensor([1, 2], requiresGrad: true)
        let w = Tensor([3, 4], requiresGrad: true)
        let product = x * w
        let loss = (product + x).relu().sum()
        let nodes = loss.graphNodes()
        let ids = nodes.map(ObjectIdentifier.init)
        #expect(nodes.count == 6)  // x, w, product, add, relu, sum: x appears once
        #expect(Set(ids).count == nodes.count)
        #expect(nodes.last === loss)
        for (position, tensor) in nodes.enumerated() {
            for input in tensor.backwardNode?.inputs ?? [] {
                let inputPosition = ids.firstIndex(of: ObjectIdentifier(input))
                #expect(inputPosition != nil && inputPosition! < position)
            }
        }
        #expect(nodes.compactMap { $0.backwardNode?.op } == ["mul", "add", "relu", "sum"])
    }

    @Test func deepChainsNeitherRecurseInBackwardNorInDeinit() {
        let x = Tensor([0.5], requiresGrad: true)
        weak var first: Tensor?
        do {
            var y = x * 1
            first = y
            for _ in 0..<50_000 { y = y + 1 }
            y.sum().backward()
            #expect(x.grad?.data == [1])
        }
        #expect(first == nil)  // the whole graph was freed
    }

    @Test func graphsAreFreedWithTheirOutput() {
        let x = Tensor([1, 2], requiresGrad: true)
        weak var hidden: Tensor?
        do {
            let h = x.exp()
            hidden = h
            let loss = h.sum()
            loss.backward()
            #expect(hidden != nil)
        }
        #expect(hidden == nil)
        #expect(x.grad != nil)
    }

    @Test func backwardRefusesWhatItCannotDo() async {
        await #expect(processExitsWith: .failure) {
            Tensor([1, 2], requiresGrad: true).exp().backward()  // not a scalar
        }
        await #expect(processExitsWith: .failure) {
            Tensor([1, 2]).sum().backward()  // nothing requires gradients
        }
    }
}
