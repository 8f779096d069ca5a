// swift-tools-version: 6.2
// Residual: deep residual networks from first principles, on a CPU tensor core of our own.
import PackageDescription

/// The CPU the numeric targets are compiled for: `native`, the machine that builds them,
/// unless `RESIDUAL_TARGET_CPU` names another. `RESIDUAL_TARGET_CPU=znver3` gives AVX2 code on
/// an AVX-512 machine, `x86-64` baseline code with the portable tiles (build either into its
/// own `--scratch-path`). The kernels pick their register tiles for it at compile time
/// (`Kernels/Runtime/InstructionSet.swift`).
let targetCPU = Context.environment["RESIDUAL_TARGET_CPU"] ?? "native"

/// Where the numbers are computed (the kernels, the tensor core, the layers, the optimisers'
/// arithmetic, the data transforms): optimised in every configuration, so a plain (debug)
/// `swift run lesson-...` stays quick. `-Ounchecked` drops overflow and bounds checks, and
/// `precondition` with them (the package's own checks use `checkArgument`, which survives);
/// `-target-cpu` lets SIMD code use the FMA and AVX units of the machine that builds it
/// (each machine builds for itself).
let hot: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", targetCPU])]

/// The code around the numbers (the training loop's files and flags, the ablation's run
/// directory and analyses, the command line) and the tests of the numeric modules: optimised
/// for the same CPU in every configuration, but with `-O`, which keeps bounds, overflow and
/// `precondition` checks. A training step's time is spent below them (`bench train` before
/// and after: Docs/PERFORMANCE.md, where NN, ResNetModels and Optim at `-O` cost 4-7%).
let checked: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", targetCPU])]

/// Optimised in every configuration too, but with `-O`, which keeps `precondition` checks
/// (`-Ounchecked` removes them): for modules whose speed matters less than their checks.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "Residual",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Residual", targets: ["Residual"]),
        .executable(name: "resnet-lab", targets: ["resnet-lab"]),
        .executable(name: "lesson-01-scalar-autograd", targets: ["lesson-01-scalar-autograd"]),
        .executable(
            name: "lesson-02-tensors-and-backprop", targets: ["lesson-02-tensors-and-backprop"]),
        .executable(name: "lesson-03-gradient-highway", targets: ["lesson-03-gradient-highway"]),
        .executable(name: "lesson-04-residual-block", targets: ["lesson-04-residual-block"]),
        .executable(name: "lesson-05-bottleneck", targets: ["lesson-05-bottleneck"]),
        .executable(name: "lesson-06-resnet-family", targets: ["lesson-06-resnet-family"]),
        .executable(name: "lesson-07-training", targets: ["lesson-07-training"]),
        .executable(
            name: "lesson-08-degradation-ablation", targets: ["lesson-08-degradation-ablation"]),
        .executable(name: "lesson-09-fine-tuning", targets: ["lesson-09-fine-tuning"]),
        .executable(
            name: "lesson-10-grayscale-inputs", targets: ["lesson-10-grayscale-inputs"]),
        .executable(name: "lesson-11-feature-maps", targets: ["lesson-11-feature-maps"]),
        .executable(
            name: "lesson-12-fast-convolution", targets: ["lesson-12-fast-convolution"]),
        .executable(name: "course", targets: ["course"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: - C libraries (system packages, through pkg-config)
        .systemLibrary(
            name: "CGraphviz", pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]),
        .systemLibrary(
            name: "CCairo", pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]),

        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // glibc's mallopt (malloc.h), for `AllocatorTuning`.
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CStdio"),
        // The compiler's cache-line prefetch hint, for the kernels' channel-plane copies.
        .systemLibrary(name: "CPrefetch"),
        // The processor's spin-wait hint, for the worker threads that wait between loops.
        .systemLibrary(name: "CSpinWait"),
        // The instruction set the kernels are compiled for, from the compiler's own macros.
        .systemLibrary(name: "CInstructionSet"),

        // MARK: - Libraries
        // The package's argument checks and their error type, below every other module.
        .target(name: "Checks", swiftSettings: optimized),
        .target(name: "Randomness", swiftSettings: optimized),
        .target(
            name: "ScalarAutograd", dependencies: ["Randomness", "GraphRender"],
            swiftSettings: optimized),
        .target(
            name: "Kernels",
            dependencies: [
                "Checks", "CMalloc", "CInstructionSet", "CPrefetch", "CSpinWait",
            ],
            exclude: ["README.md"],
            swiftSettings: hot),
        .target(
            name: "TensorCore", dependencies: ["Checks", "Randomness", "Kernels"],
            exclude: ["README.md"],
            swiftSettings: hot),
        .target(
            name: "NN", dependencies: ["Checks", "TensorCore", "Kernels", "Randomness"],
            exclude: ["README.md"],
            swiftSettings: hot),
        .target(
            name: "ResNetModels",
            dependencies: ["Checks", "NN", "TensorCore", "Kernels", "Randomness"],
            exclude: ["README.md"], swiftSettings: hot),
        .target(
            name: "Datasets",
            dependencies: ["Checks", "CZlib", "TensorCore", "Kernels", "Randomness"],
            exclude: ["README.md"], swiftSettings: hot),
        .target(
            name: "Optim", dependencies: ["Checks", "TensorCore", "TextFormat"],
            exclude: ["README.md"],
            swiftSettings: hot),
        .target(
            name: "Training",
            dependencies: ["NN", "ResNetModels", "Datasets", "Optim", "TensorCore", "Randomness"],
            exclude: ["README.md"], swiftSettings: checked),
        .target(
            name: "Ablation",
            dependencies: [
                "Checks", "TextFormat",
                "NN", "ResNetModels", "Datasets", "Optim", "Training", "TensorCore", "Kernels",
                "Randomness", "Plots",
            ],
            exclude: ["README.md"], swiftSettings: checked),
        .target(name: "GraphRender", dependencies: ["CGraphviz"], exclude: ["README.md"]),
        .target(
            name: "ModelViews",
            dependencies: ["TextFormat", "NN", "ResNetModels", "TensorCore", "GraphRender"],
            exclude: ["README.md"]),
        .target(
            name: "Plots", dependencies: ["CCairo", "TextFormat"], exclude: ["README.md"],
            swiftSettings: optimized),
        .target(name: "TextFormat"),
        .target(name: "Notebook", dependencies: ["CStdio", "TextFormat"]),
        .target(
            name: "Residual",
            dependencies: [
                "Checks", "Randomness", "ScalarAutograd", "Kernels", "TensorCore", "NN",
                "ResNetModels",
                "ModelViews", "Datasets", "Optim", "Training", "Ablation", "GraphRender", "Plots",
                "Notebook", "TextFormat", "ExerciseKit",
            ]),

        // MARK: - Lessons (Lessons/NN-name, executables `lesson-NN-name`)
        .executableTarget(
            name: "lesson-01-scalar-autograd", dependencies: ["Residual"],
            path: "Lessons/01-scalar-autograd"),
        .executableTarget(
            name: "lesson-02-tensors-and-backprop", dependencies: ["Residual"],
            path: "Lessons/02-tensors-and-backprop"),
        .executableTarget(
            name: "lesson-03-gradient-highway", dependencies: ["Residual"],
            path: "Lessons/03-gradient-highway"),
        .executableTarget(
            name: "lesson-04-residual-block", dependencies: ["Residual"],
            path: "Lessons/04-residual-block"),
        .executableTarget(
            name: "lesson-05-bottleneck", dependencies: ["Residual"],
            path: "Lessons/05-bottleneck"),
        .executableTarget(
            name: "lesson-06-resnet-family", dependencies: ["Residual"],
            path: "Lessons/06-resnet-family"),
        .executableTarget(
            name: "lesson-07-training", dependencies: ["Residual"],
            path: "Lessons/07-training"),
        .executableTarget(
            name: "lesson-08-degradation-ablation", dependencies: ["Residual"],
            path: "Lessons/08-degradation-ablation"),
        .executableTarget(
            name: "lesson-09-fine-tuning", dependencies: ["Residual"],
            path: "Lessons/09-fine-tuning"),
        .executableTarget(
            name: "lesson-10-grayscale-inputs", dependencies: ["Residual"],
            path: "Lessons/10-grayscale-inputs"),
        .executableTarget(
            name: "lesson-11-feature-maps", dependencies: ["Residual"],
            path: "Lessons/11-feature-maps"),
        .executableTarget(
            name: "lesson-12-fast-convolution", dependencies: ["Residual"],
            path: "Lessons/12-fast-convolution"),

        // MARK: - Tools
        .executableTarget(
            name: "resnet-lab",
            dependencies: [
                "Kernels", "Randomness", "NN", "ResNetModels", "ModelViews", "Training",
                "Ablation", "Datasets", "Optim", "Plots", "TensorCore", "TextFormat", "CStdio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: checked),

        // MARK: - Exercises
        // The student's files (each stub throws NotAttempted), the reference solutions, the
        // graders, and `swift run course`. Exercises is kept small and depends on nothing
        // heavy, so that after an edit only it recompiles before a `course check`.
        .target(name: "ExerciseKit"),
        .target(
            name: "Exercises",
            dependencies: [
                "ExerciseKit", "ScalarAutograd", "TensorCore", "NN", "ResNetModels", "Randomness",
            ],
            path: "Lessons/Exercises"),
        .target(
            name: "ExerciseSolutions",
            dependencies: ["ScalarAutograd", "TensorCore", "NN", "ResNetModels", "Randomness"]),
        .target(
            name: "Grading",
            dependencies: [
                "ExerciseKit", "ScalarAutograd", "TensorCore", "NN", "ResNetModels", "Randomness",
                "ModelViews", "Optim", "Kernels",
            ]),
        .target(
            name: "CourseBindings",
            dependencies: ["ExerciseKit", "Exercises", "ExerciseSolutions", "Grading"]),
        .executableTarget(
            name: "course",
            dependencies: [
                "CourseBindings", "Grading",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Tests
        // What several test targets share: named closeness checks, seeded tensors, a child
        // process runner. A library target only tests depend on.
        .target(
            name: "TestSupport", dependencies: ["TensorCore", "Randomness", "Datasets"],
            path: "Tests/TestSupport"),
        .testTarget(name: "ScalarAutogradTests", dependencies: ["ScalarAutograd", "GraphRender"]),
        .testTarget(name: "GraphRenderTests", dependencies: ["GraphRender"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"], swiftSettings: checked),
        .testTarget(
            name: "TensorCoreTests", dependencies: ["TestSupport", "TensorCore", "Kernels"],
            exclude: ["Fixtures"],
            swiftSettings: checked),
        .testTarget(
            name: "NNTests", dependencies: ["TestSupport", "NN", "TensorCore", "Randomness"],
            exclude: ["Fixtures"],
            swiftSettings: checked),
        .testTarget(
            name: "ResNetModelsTests",
            dependencies: [
                "TestSupport", "ResNetModels", "NN", "TensorCore", "Randomness", "Optim",
            ],
            exclude: ["Fixtures"],
            swiftSettings: checked),
        .testTarget(
            name: "ModelViewsTests",
            dependencies: [
                "TextFormat",
                "ModelViews", "ResNetModels", "NN", "TensorCore", "GraphRender", "Randomness",
            ]),
        .testTarget(
            name: "DatasetsTests",
            dependencies: ["TestSupport", "Datasets", "TensorCore", "Randomness"]),
        .testTarget(
            name: "OptimTests", dependencies: ["TestSupport", "Optim", "TensorCore", "Randomness"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "ResNetLabTests",
            dependencies: ["resnet-lab", "TestSupport", "NN", "TensorCore", "Ablation"],
            exclude: ["Fixtures"]),
        .testTarget(name: "PackageTests", dependencies: ["TestSupport"]),
        .testTarget(
            name: "DocumentationTests", dependencies: ["Residual", "Notebook", "TestSupport"]),
        .testTarget(
            name: "ExercisesTests", dependencies: ["CourseBindings", "ExerciseKit", "Grading"]),
        .testTarget(
            name: "GradingTests",
            dependencies: [
                "CourseBindings", "Grading", "ExerciseKit", "ExerciseSolutions", "ScalarAutograd",
                "TensorCore", "NN", "ResNetModels", "Randomness",
            ]),
        .testTarget(
            name: "AblationTests",
            dependencies: [
                "Ablation", "Training", "NN", "ResNetModels", "Datasets", "TensorCore",
                "Randomness",
            ],
            swiftSettings: checked),
        .testTarget(
            name: "TrainingTests",
            dependencies: [
                "TestSupport", "Training", "NN", "ResNetModels", "Datasets", "Optim", "TensorCore",
                "Randomness",
                "Kernels",
            ],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "LessonTests",
            dependencies: [
                "lesson-01-scalar-autograd", "lesson-02-tensors-and-backprop",
                "lesson-03-gradient-highway", "lesson-04-residual-block", "lesson-05-bottleneck",
                "lesson-06-resnet-family", "lesson-07-training", "lesson-08-degradation-ablation",
                "lesson-09-fine-tuning", "lesson-10-grayscale-inputs", "lesson-11-feature-maps",
                "lesson-12-fast-convolution", "Residual", "TestSupport",
            ]),
    ]
)

// MARK: - CI's kernel builds

/// `RESIDUAL_TEST_TARGETS=KernelsTests,TensorCoreTests`: the package cut down to those test
/// targets and the targets they depend on; no lessons, tools or other tests. CI builds the
/// package twice more (under AddressSanitizer, and for baseline x86-64), each time to run the
/// kernel and number tests only: this spares those builds the rest of the package.
if let wanted = Context.environment["RESIDUAL_TEST_TARGETS"] {
    let byName = Dictionary(uniqueKeysWithValues: package.targets.map { ($0.name, $0) })
    var kept = Set<String>()
    var usesProducts = false
    func keep(_ name: String) {
        guard let target = byName[name], kept.insert(name).inserted else { return }
        for dependency in target.dependencies {
            switch dependency {
            case .targetItem(let name, _), .byNameItem(let name, _): keep(name)
            default: usesProducts = true
            }
        }
    }
    let names = wanted.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }
    precondition(!names.isEmpty, "RESIDUAL_TEST_TARGETS is set but names no target")
    for name in names {
        precondition(byName[name] != nil, "RESIDUAL_TEST_TARGETS: no target '\(name)'")
        keep(name)
    }
    package.targets = package.targets.filter { kept.contains($0.name) }
    package.products = []
    // Packages such as swift-argument-parser only where a kept target uses one of theirs.
    if !usesProducts { package.dependencies = [] }
}
