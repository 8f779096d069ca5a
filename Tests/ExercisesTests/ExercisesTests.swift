import CourseBindings
import ExerciseKit
import Grading
import Testing

// `swift test --filter Exercises` grades the student's files in Lessons/Exercises: one test
// per exercise. An exercise not attempted yet is skipped with its first hint (so a fresh
// clone stays green); one attempted must pass every identity of its grader.

/// The student's report for `id`, graded once.
private func report(_ id: String) -> GradeReport {
    Course.exercise(id)!.grade(.student)
}

/// Whether the student has started `id`, and the skip comment when not.
private func attempted(_ id: String) -> Bool {
    report(id).status != .notAttempted
}

private func notAttempted(_ id: String) -> Comment {
    Comment(rawValue: "not attempted yet: \(Catalogue.exercise(id)!.hints[0])")
}

@Suite("Exercises: the student's files, graded")
struct ExercisesTests {
    @Test("01.1 tanh as a scalar operation", .enabled(if: attempted("01.1"), notAttempted("01.1")))
    func scalarTanh() { expectPassed("01.1") }

    @Test("01.2 backward() by hand", .enabled(if: attempted("01.2"), notAttempted("01.2")))
    func backpropagate() { expectPassed("01.2") }

    @Test("01.3 central differences", .enabled(if: attempted("01.3"), notAttempted("01.3")))
    func centralDifference() { expectPassed("01.3") }

    @Test(
        "02.1 softmax cross-entropy's backward",
        .enabled(if: attempted("02.1"), notAttempted("02.1")))
    func crossEntropyGradient() { expectPassed("02.1") }

    @Test("02.2 broadcasting's backward", .enabled(if: attempted("02.2"), notAttempted("02.2")))
    func reduceToShape() { expectPassed("02.2") }

    @Test("02.3 convolution as loops", .enabled(if: attempted("02.3"), notAttempted("02.3")))
    func conv2dLoops() { expectPassed("02.3") }

    @Test(
        "02.4 the matrix product's backward", .enabled(if: attempted("02.4"), notAttempted("02.4")))
    func matmulBackward() { expectPassed("02.4") }

    @Test(
        "03.1 the residual block's gradient", .enabled(if: attempted("03.1"), notAttempted("03.1")))
    func residualVJP() { expectPassed("03.1") }

    @Test(
        "03.2 gradient norms through a stack", .enabled(if: attempted("03.2"), notAttempted("03.2"))
    )
    func inputGradientNorms() { expectPassed("03.2") }

    @Test("04.1 BasicBlock's forward pass", .enabled(if: attempted("04.1"), notAttempted("04.1")))
    func basicBlockForward() { expectPassed("04.1") }

    @Test("04.2 identity at the start", .enabled(if: attempted("04.2"), notAttempted("04.2")))
    func makeIdentityAtStart() { expectPassed("04.2") }

    @Test("04.3 the projection shortcut", .enabled(if: attempted("04.3"), notAttempted("04.3")))
    func projectionShortcut() { expectPassed("04.3") }

    @Test("04.4 the plain block", .enabled(if: attempted("04.4"), notAttempted("04.4")))
    func makePlainBlock() { expectPassed("04.4") }

    @Test("05.1 a bottleneck's cost", .enabled(if: attempted("05.1"), notAttempted("05.1")))
    func bottleneckCost() { expectPassed("05.1") }

    @Test(
        "05.2 the bottleneck's forward pass", .enabled(if: attempted("05.2"), notAttempted("05.2")))
    func bottleneckForward() { expectPassed("05.2") }

    @Test("06.1 a stage of basic blocks", .enabled(if: attempted("06.1"), notAttempted("06.1")))
    func makeBasicStage() { expectPassed("06.1") }

    @Test("06.2 224 to 7", .enabled(if: attempted("06.2"), notAttempted("06.2")))
    func imagenetSides() { expectPassed("06.2") }

    @Test("06.3 parameters by formula", .enabled(if: attempted("06.3"), notAttempted("06.3")))
    func resnetParameterCount() { expectPassed("06.3") }

    @Test("07.1 warm-up then cosine", .enabled(if: attempted("07.1"), notAttempted("07.1")))
    func warmupCosineRate() { expectPassed("07.1") }

    @Test("07.2 padded crop", .enabled(if: attempted("07.2"), notAttempted("07.2")))
    func paddedCrop() { expectPassed("07.2") }

    @Test("07.3 an SGD step", .enabled(if: attempted("07.3"), notAttempted("07.3")))
    func sgdStep() { expectPassed("07.3") }

    @Test(
        "08.1 a filter-normalised direction", .enabled(if: attempted("08.1"), notAttempted("08.1")))
    func filterNormalized() { expectPassed("08.1") }

    @Test("08.2 the plain twin", .enabled(if: attempted("08.2"), notAttempted("08.2")))
    func plainTwin() { expectPassed("08.2") }

    @Test("08.3 a block deleted", .enabled(if: attempted("08.3"), notAttempted("08.3")))
    func forwardDeleting() { expectPassed("08.3") }

    @Test("09.1 freezing by path", .enabled(if: attempted("09.1"), notAttempted("09.1")))
    func freezeAllBut() { expectPassed("09.1") }

    @Test("09.2 a new head", .enabled(if: attempted("09.2"), notAttempted("09.2")))
    func replaceHead() { expectPassed("09.2") }

    @Test("10.1 the gray stem", .enabled(if: attempted("10.1"), notAttempted("10.1")))
    func grayscaleFilters() { expectPassed("10.1") }

    @Test("10.2 gray into three channels", .enabled(if: attempted("10.2"), notAttempted("10.2")))
    func repeatToRGB() { expectPassed("10.2") }

    @Test("11.1 stage shapes by hooks", .enabled(if: attempted("11.1"), notAttempted("11.1")))
    func stageOutputShapes() { expectPassed("11.1") }

    @Test("11.2 un-normalising", .enabled(if: attempted("11.2"), notAttempted("11.2")))
    func unnormalize() { expectPassed("11.2") }

    @Test("12.1 Winograd's F(2, 3)", .enabled(if: attempted("12.1"), notAttempted("12.1")))
    func winogradProducts() { expectPassed("12.1") }

    @Test("12.2 G g Gᵀ", .enabled(if: attempted("12.2"), notAttempted("12.2")))
    func winogradFilterTransform() { expectPassed("12.2") }

    @Test("every exercise of the course has a test here")
    func everyExerciseIsListed() {
        #expect(
            Course.exercises.map(\.info.id) == [
                "01.1", "01.2", "01.3", "02.1", "02.2", "02.3", "02.4", "03.1", "03.2", "04.1",
                "04.2", "04.3", "04.4", "05.1", "05.2", "06.1", "06.2", "06.3", "07.1", "07.2",
                "07.3", "08.1", "08.2", "08.3", "09.1", "09.2", "10.1", "10.2", "11.1", "11.2",
                "12.1", "12.2",
            ])
    }

    private func expectPassed(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let graded = report(id)
        #expect(graded.status == .passed, "\(graded.text)", sourceLocation: sourceLocation)
    }
}
