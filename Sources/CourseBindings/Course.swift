import ExerciseSolutions
import Exercises
import Foundation
import Grading

/// Whose code is graded: the student's files in `Lessons/Exercises` or the reference
/// solutions in `Sources/ExerciseSolutions`.
public enum ExerciseSource: String, Sendable {
    case student
    case solutions

    /// `RESIDUAL_EXERCISES=solutions` grades the solutions; anything else, the student's.
    public static var current: ExerciseSource {
        ProcessInfo.processInfo.environment["RESIDUAL_EXERCISES"] == "solutions"
            ? .solutions : .student
    }
}

/// An exercise with its grader bound to both implementations.
public struct CourseExercise: Sendable {
    public let info: ExerciseInfo
    let grader: @Sendable (ExerciseSource) -> GradeReport

    /// Grades `source`'s implementation.
    public func grade(_ source: ExerciseSource = .current) -> GradeReport { grader(source) }
}

/// Every exercise of the course, in the order of the lessons.
public enum Course {
    public static let exercises: [CourseExercise] = [
        bind("01.1") {
            Graders.scalarTanh($0 == .student ? Exercises.scalarTanh : ExerciseSolutions.scalarTanh)
        },
        bind("01.2") {
            Graders.backpropagate(
                $0 == .student ? Exercises.backpropagate : ExerciseSolutions.backpropagate)
        },
        bind("02.1") {
            Graders.crossEntropyGradient(
                $0 == .student
                    ? Exercises.crossEntropyGradient : ExerciseSolutions.crossEntropyGradient)
        },
        bind("02.2") {
            Graders.reduceToShape(
                $0 == .student ? Exercises.reduceToShape : ExerciseSolutions.reduceToShape)
        },
        bind("02.3") {
            Graders.conv2dLoops(
                $0 == .student ? Exercises.conv2dLoops : ExerciseSolutions.conv2dLoops)
        },
        bind("03.1") {
            Graders.residualVJP(
                $0 == .student
                    ? Exercises.residualVectorJacobianProduct
                    : ExerciseSolutions.residualVectorJacobianProduct)
        },
        bind("04.1") {
            Graders.basicBlockForward(
                $0 == .student ? Exercises.basicBlockForward : ExerciseSolutions.basicBlockForward)
        },
        bind("04.2") {
            Graders.makeIdentityAtStart(
                $0 == .student
                    ? Exercises.makeIdentityAtStart : ExerciseSolutions.makeIdentityAtStart)
        },
        bind("04.3") {
            Graders.projectionShortcut(
                $0 == .student
                    ? {
                        try Exercises.projectionShortcut(
                            inputChannels: $0, outputChannels: $1, stride: $2, generator: &$3)
                    }
                    : {
                        try ExerciseSolutions.projectionShortcut(
                            inputChannels: $0, outputChannels: $1, stride: $2, generator: &$3)
                    })
        },
        bind("05.1") {
            Graders.bottleneckCost(
                $0 == .student ? Exercises.bottleneckCost : ExerciseSolutions.bottleneckCost)
        },
        bind("06.1") {
            Graders.makeBasicStage(
                $0 == .student
                    ? {
                        try Exercises.makeBasicStage(
                            inputChannels: $0, channels: $1, blocks: $2, stride: $3, generator: &$4)
                    }
                    : {
                        try ExerciseSolutions.makeBasicStage(
                            inputChannels: $0, channels: $1, blocks: $2, stride: $3, generator: &$4)
                    })
        },
        bind("06.2") {
            Graders.imagenetSides(
                $0 == .student ? Exercises.imagenetSides : ExerciseSolutions.imagenetSides)
        },
        bind("07.1") {
            Graders.warmupCosineRate(
                $0 == .student ? Exercises.warmupCosineRate : ExerciseSolutions.warmupCosineRate)
        },
        bind("07.2") {
            Graders.paddedCrop(
                $0 == .student
                    ? { try Exercises.paddedCrop($0, padding: $1, top: $2, left: $3) }
                    : { try ExerciseSolutions.paddedCrop($0, padding: $1, top: $2, left: $3) })
        },
        bind("08.1") {
            Graders.filterNormalized(
                $0 == .student ? Exercises.filterNormalized : ExerciseSolutions.filterNormalized)
        },
        bind("09.1") {
            Graders.freezeAllBut(
                $0 == .student ? Exercises.freezeAllBut : ExerciseSolutions.freezeAllBut)
        },
        bind("10.1") {
            Graders.grayscaleFilters(
                $0 == .student ? Exercises.grayscaleFilters : ExerciseSolutions.grayscaleFilters)
        },
        bind("11.1") {
            Graders.stageOutputShapes(
                $0 == .student ? Exercises.stageOutputShapes : ExerciseSolutions.stageOutputShapes)
        },
        bind("11.2") {
            Graders.unnormalize(
                $0 == .student
                    ? { try Exercises.unnormalize($0, mean: $1, std: $2) }
                    : { try ExerciseSolutions.unnormalize($0, mean: $1, std: $2) })
        },
    ]

    /// The exercise with `id`, or nil.
    public static func exercise(_ id: String) -> CourseExercise? {
        exercises.first { $0.info.id == id }
    }

    private static func bind(
        _ id: String, _ grader: @escaping @Sendable (ExerciseSource) -> GradeReport
    ) -> CourseExercise {
        guard let info = Catalogue.exercise(id) else {
            preconditionFailure("Course: no exercise \(id) in the catalogue")
        }
        return CourseExercise(info: info, grader: grader)
    }
}
