// The processor's spin-wait hint, which Swift does not expose: `pause` on x86-64, `yield` on
// arm64. A thread that polls a flag in a loop says so: an x86 core then slows the loop down
// and leaves its cycles to the other hardware thread instead of filling its pipeline with
// loads; on arm64 the hint costs next to nothing. Changes no value; nothing to link.

/// One turn of a spin-wait loop.
static inline void residual_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}
