import TensorCore
import Testing

/// Bad shapes are caught with messages that name the operation, the shapes and what was
/// expected. The shape rules throw; the operations stop the program with the same message.
@Suite("Shape rules and their messages")
struct ShapeErrorTests {
    @Test(
        arguments: [
            ([3, 1], [1, 4], [3, 4]),
            ([2, 3, 4], [4], [2, 3, 4]),
            ([], [2, 3], [2, 3]),
            ([5, 1, 3], [4, 1], [5, 4, 3]),
            ([2, 3], [2, 3], [2, 3]),
        ])
    func broadcastShapes(_ a: [Int], _ b: [Int], _ expected: [Int]) throws {
        #expect(try Tensor.broadcastShape(a, b) == expected)
        #expect(try Tensor.broadcastShape(b, a) == expected)
    }

    @Test func broadcastMismatchNamesOpAndShapes() {
        let error = #expect(throws: ShapeError.self) {
            try Tensor.broadcastShape([2, 3], [4], op: "add")
        }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("add:"))
        #expect(message.contains("[2, 3]") && message.contains("[4]"))
        #expect(message.contains("sizes 3 and 4"))
    }

    @Test func reshapeTargets() throws {
        #expect(try Tensor.reshapeTarget(from: [2, 3, 4], to: [4, -1]) == [4, 6])
        #expect(try Tensor.reshapeTarget(from: [2, 3], to: [6]) == [6])
        #expect(try Tensor.reshapeTarget(from: [0, 3], to: [-1, 3]) == [0, 3])
        let wrongCount = #expect(throws: ShapeError.self) {
            try Tensor.reshapeTarget(from: [2, 3], to: [4, 2])
        }
        #expect(wrongCount?.message.contains("(6 elements) to [4, 2] (8 elements)") == true)
        let twoHoles = #expect(throws: ShapeError.self) {
            try Tensor.reshapeTarget(from: [2, 3], to: [-1, -1])
        }
        #expect(twoHoles?.message.contains("only one dimension can be -1") == true)
        #expect(throws: ShapeError.self) { try Tensor.reshapeTarget(from: [2, 3], to: [4, -1]) }
    }

    @Test func axes() throws {
        #expect(try Tensor.normalizedAxis(-1, rank: 3, op: "sum") == 2)
        #expect(try Tensor.normalizedAxes([2, -3], rank: 3, op: "sum") == [0, 2])
        let outOfRange = #expect(throws: ShapeError.self) {
            try Tensor.normalizedAxis(3, rank: 3, op: "sum")
        }
        #expect(
            outOfRange?.message
                == "sum: axis 3 is out of range for a tensor of rank 3 (expected -3...2)")
        let repeated = #expect(throws: ShapeError.self) {
            try Tensor.normalizedAxes([1, -2], rank: 3, op: "mean")
        }
        #expect(repeated?.message.contains("more than once") == true)
    }

    @Test func matmulShapes() throws {
        #expect(try Tensor.matmulShape([2, 3], [3, 5]) == [2, 5])
        let error = #expect(throws: ShapeError.self) { try Tensor.matmulShape([2, 3], [4, 5]) }
        #expect(error?.message.contains("[2, 3] has 3 columns but [4, 5] has 4 rows") == true)
        #expect(throws: ShapeError.self) { try Tensor.matmulShape([2, 3, 1], [3, 5]) }
    }

    @Test func linearShapes() throws {
        #expect(try Tensor.linearShape(input: [8, 3], weight: [5, 3], bias: [5]) == [8, 5])
        #expect(try Tensor.linearShape(input: [2, 4, 3], weight: [5, 3], bias: nil) == [2, 4, 5])
        #expect(throws: ShapeError.self) {
            try Tensor.linearShape(input: [8, 4], weight: [5, 3], bias: nil)
        }
        let bias = #expect(throws: ShapeError.self) {
            try Tensor.linearShape(input: [8, 3], weight: [5, 3], bias: [3])
        }
        #expect(bias?.message.contains("bias must be [5]") == true)
    }

    @Test func crossEntropyTargets() throws {
        try Tensor.checkCrossEntropyArguments(logits: [2, 3], targets: [0, 2])
        let outOfRange = #expect(throws: ShapeError.self) {
            try Tensor.checkCrossEntropyArguments(logits: [2, 3], targets: [0, 3])
        }
        #expect(
            outOfRange?.message.contains("target 3 of sample 1 is out of range") == true)
        #expect(outOfRange?.message.contains("0..<3") == true)
        let count = #expect(throws: ShapeError.self) {
            try Tensor.checkCrossEntropyArguments(logits: [2, 3], targets: [0])
        }
        #expect(count?.message.contains("2 samples but 1 targets") == true)
        #expect(throws: ShapeError.self) {
            try Tensor.checkCrossEntropyArguments(logits: [6], targets: [0])
        }
    }

    /// The operations really stop on bad shapes (an exit test runs them in a child process).
    @Test func operationsStopWithTheMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("add: shapes [2, 3] and [4] do not broadcast"))
        }
        await #expect(processExitsWith: .failure) {
            _ = crossEntropy(logits: Tensor.zeros([1, 3]), targets: [5])
        }
        await #expect(processExitsWith: .failure) {
            _ = Tensor(shape: [2, 2], data: [1, 2, 3])
        }
    }
}
