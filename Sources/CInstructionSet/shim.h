// The vector instructions the Swift code is compiled for, seen at compile time. Swift has no
// `#if` for target features, but the C importer runs with Swift's `-target-cpu`, so the
// compiler's own macros below describe exactly the code the kernels are built into.
// `Kernels/InstructionSet.swift` turns the number into the register-tile shapes.

#if defined(__AVX512F__)
/// AVX-512: 32 vector registers of 16 floats.
#define RESIDUAL_COMPILED_INSTRUCTION_SET 2
#elif defined(__AVX2__) && defined(__FMA__)
/// AVX2 with FMA: 16 vector registers of 8 floats.
#define RESIDUAL_COMPILED_INSTRUCTION_SET 1
#else
/// Anything else (arm64 NEON, x86-64 without a `-target-cpu`): the portable tiles.
#define RESIDUAL_COMPILED_INSTRUCTION_SET 0
#endif
