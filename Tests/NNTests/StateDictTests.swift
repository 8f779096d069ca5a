import NN
import Randomness
import TensorCore
import Testing

@Suite("loadStateDict")
struct StateDictTests {
    @Test func copiesEveryTensorIntoTheModel() throws {
        let source = smallSequential(seed: 1)
        let target = smallSequential(seed: 2)
        let weightBefore = target.parameters[0]
        try target.loadStateDict(source.stateDict())
        #expect(target.stateDict().map(\.tensor.data) == source.stateDict().map(\.tensor.data))
        // The model keeps its own tensors (an optimiser holding them sees the new values)...
        #expect(target.parameters[0] === weightBefore)
        #expect(weightBefore.requiresGrad)
        // ...which do not share storage with the source.
        source.parameters[0].data[0] += 1
        #expect(target.parameters[0].data[0] != source.parameters[0].data[0])
    }

    @Test func acceptsADictionary() throws {
        let source = smallSequential(seed: 1)
        let target = smallSequential(seed: 2)
        let dictionary = Dictionary(
            uniqueKeysWithValues: source.stateDict().map { ($0.name, $0.tensor) })
        try target.loadStateDict(dictionary)
        #expect(target.stateDict().map(\.tensor.data) == source.stateDict().map(\.tensor.data))
    }

    @Test func missingKeysAreReportedAndNothingIsLoaded() {
        let target = smallSequential(seed: 2)
        let before = target.stateDict().map(\.tensor.data)
        let entries = smallSequential(seed: 1).stateDict().filter {
            $0.name != "1.running_var" && $0.name != "4.bias"
        }
        let error = #expect(throws: StateDictError.self) { try target.loadStateDict(entries) }
        #expect(error?.missingKeys == ["1.running_var", "4.bias"])
        #expect(error?.unexpectedKeys == [])
        #expect(error?.description.contains("missing keys: 1.running_var, 4.bias") == true)
        #expect(target.stateDict().map(\.tensor.data) == before)
    }

    @Test func unexpectedKeysAreReported() {
        let target = smallSequential(seed: 2)
        let entries =
            smallSequential(seed: 1).stateDict() + [("fc.weight", Tensor.zeros([2, 2]))]
        let error = #expect(throws: StateDictError.self) { try target.loadStateDict(entries) }
        #expect(error == StateDictError(unexpectedKeys: ["fc.weight"]))
        #expect(error?.description.contains("unexpected keys: fc.weight") == true)
    }

    @Test func shapeMismatchesAreReportedWithBothShapes() {
        let target = smallSequential(seed: 2)
        let entries = smallSequential(seed: 1).stateDict().map { name, tensor in
            name == "4.weight" ? (name, Tensor.zeros([10, 48])) : (name, tensor)
        }
        let error = #expect(throws: StateDictError.self) {
            try target.loadStateDict(entries, strict: false)
        }
        #expect(
            error?.shapeMismatches == [
                .init(name: "4.weight", expected: [5, 48], got: [10, 48])
            ])
        #expect(
            error?.description.contains(
                "shape mismatch for 4.weight: the model has [5, 48], the weights have [10, 48]")
                == true)
    }

    @Test func duplicateKeysAreReported() {
        let target = smallSequential(seed: 2)
        let entries = smallSequential(seed: 1).stateDict()
        let error = #expect(throws: StateDictError.self) {
            try target.loadStateDict(entries + [entries[0]])
        }
        #expect(error?.duplicateKeys == ["0.weight"])
    }

    @Test func nonStrictLoadsWhatMatchesAndReturnsTheRest() throws {
        let source = smallSequential(seed: 1)
        let target = smallSequential(seed: 2)
        let entries =
            source.stateDict().filter { !$0.name.hasPrefix("4.") }
            + [("extra", Tensor(1))]
        let result = try target.loadStateDict(entries, strict: false)
        #expect(result.missingKeys == ["4.weight", "4.bias"])
        #expect(result.unexpectedKeys == ["extra"])
        #expect(target.parameters[0].data == source.parameters[0].data)
        #expect(target.parameters[4].data != source.parameters[4].data)
    }
}
