import ExerciseKit
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
        bind("01.3") {
            Graders.centralDifference(
                $0 == .student
                    ? { try Exercises.centralDifference($0, at: $1, step: $2) }
                    : { try ExerciseSolutions.centralDifference($0, at: $1, step: $2) })
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
        bind("02.4") {
            Graders.matmulBackward(
                $0 == .student
                    ? { try Exercises.matmulBackward($0, $1, upstream: $2) }
                    : { try ExerciseSolutions.matmulBackward($0, $1, upstream: $2) })
        },
        bind("03.1") {
            Graders.residualVJP(
                $0 == .student
                    ? Exercises.residualVectorJacobianProduct
                    : ExerciseSolutions.residualVectorJacobianProduct)
        },
        bind("03.2") {
            Graders.inputGradientNorms(
                $0 == .student
                    ? { try Exercises.inputGradientNorms(blocks: $0, input: $1, upstream: $2) }
                    : {
                        try ExerciseSolutions.inputGradientNorms(
                            blocks: $0, input: $1, upstream: $2)
                    })
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
        bind("04.4") {
            Graders.makePlainBlock(
                $0 == .student
                    ? {
                        try Exercises.makePlainBlock(
                            inputChannels: $0, channels: $1, stride: $2, generator: &$3)
                    }
                    : {
                        try ExerciseSolutions.makePlainBlock(
                            inputChannels: $0, channels: $1, stride: $2, generator: &$3)
                    })
        },
        bind("05.1") {
            Graders.bottleneckCost(
                $0 == .student ? Exercises.bottleneckCost : ExerciseSolutions.bottleneckCost)
        },
        bind("05.2") {
            Graders.bottleneckForward(
                $0 == .student ? Exercises.bottleneckForward : ExerciseSolutions.bottleneckForward)
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
        bind("06.3") {
            Graders.resnetParameterCount(
                $0 == .student
                    ? {
                        try Exercises.resnetParameterCount(
                            bottleneck: $0, blocksPerStage: $1, stageWidths: $2, inputChannels: $3,
                            classes: $4)
                    }
                    : {
                        try ExerciseSolutions.resnetParameterCount(
                            bottleneck: $0, blocksPerStage: $1, stageWidths: $2, inputChannels: $3,
                            classes: $4)
                    })
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
        bind("07.3") {
            Graders.sgdStep(
                $0 == .student
                    ? {
                        try Exercises.sgdStep(
                            parameter: &$0, gradient: $1, velocity: &$2, learningRate: $3,
                            momentum: $4, weightDecay: $5)
                    }
                    : {
                        try ExerciseSolutions.sgdStep(
                            parameter: &$0, gradient: $1, velocity: &$2, learningRate: $3,
                            momentum: $4, weightDecay: $5)
                    })
        },
        bind("08.1") {
            Graders.filterNormalized(
                $0 == .student ? Exercises.filterNormalized : ExerciseSolutions.filterNormalized)
        },
        bind("08.2") {
            Graders.plainTwin(
                $0 == .student
                    ? { try Exercises.plainTwin(of: $0) }
                    : { try ExerciseSolutions.plainTwin(of: $0) })
        },
        bind("08.3") {
            Graders.forwardDeleting(
                $0 == .student
                    ? { try Exercises.forwardDeleting(block: $0, of: $1, $2) }
                    : { try ExerciseSolutions.forwardDeleting(block: $0, of: $1, $2) })
        },
        bind("09.1") {
            Graders.freezeAllBut(
                $0 == .student ? Exercises.freezeAllBut : ExerciseSolutions.freezeAllBut)
        },
        bind("09.2") {
            Graders.replaceHead(
                $0 == .student
                    ? { try Exercises.replaceHead(of: $0, classes: $1, generator: &$2) }
                    : { try ExerciseSolutions.replaceHead(of: $0, classes: $1, generator: &$2) })
        },
        bind("10.1") {
            Graders.grayscaleFilters(
                $0 == .student ? Exercises.grayscaleFilters : ExerciseSolutions.grayscaleFilters)
        },
        bind("10.2") {
            $0 == .student
                ? Graders.repeatToRGB(
                    Exercises.repeatToRGB, backward: Exercises.repeatToRGBBackward)
                : Graders.repeatToRGB(
                    ExerciseSolutions.repeatToRGB, backward: ExerciseSolutions.repeatToRGBBackward)
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
        bind("12.1") {
            Graders.winogradProducts(
                $0 == .student
                    ? { try Exercises.winogradProducts(d: $0, g: $1) }
                    : { try ExerciseSolutions.winogradProducts(d: $0, g: $1) })
        },
        bind("12.2") {
            Graders.winogradFilterTransform(
                $0 == .student
                    ? { try Exercises.winogradFilterTransform($0, G: $1) }
                    : { try ExerciseSolutions.winogradFilterTransform($0, G: $1) })
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
