// The register tile's inner loop in isolation, every operand in L1: how fast its vector loads
// and fused multiply-adds issue on this core, against the same core's loads alone and FMAs
// alone. Docs/PERFORMANCE.md ("What the Intel Xeon's cores do with the register tile").
//
//     clang -O2 -march=native -o /tmp/register_tile_rates Docs/bench/register_tile_rates.c
//     /tmp/register_tile_rates
//
// Rates are in billions per second of wall time, not per cycle: the clock under 512-bit
// work is not known on a virtual machine without counters. Needs AVX-512 (x86-64).
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

float rows[8 * 64] __attribute__((aligned(64)));      // 8 tile rows of 64 channels
float weights[4 * 64 * 16] __attribute__((aligned(64)));  // 4 panels × 64 × 16
float tile[8 * 4 * 16] __attribute__((aligned(64)));
static float line[1024] __attribute__((aligned(64)));
volatile float keep;

// FMAs alone: 10 independent chains in registers, nothing loaded.
__attribute__((noinline)) static double fmasAlone(long n) {
    __m512 m = _mm512_set1_ps(keep + 0.999999f), c = _mm512_set1_ps(1e-7f);
    __m512 a0 = _mm512_set1_ps(keep), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0,
           a7 = a0, a8 = a0, a9 = a0;
    double t = now();
    for (long i = 0; i < n; i++) {
        a0 = _mm512_fmadd_ps(a0, m, c); a1 = _mm512_fmadd_ps(a1, m, c);
        a2 = _mm512_fmadd_ps(a2, m, c); a3 = _mm512_fmadd_ps(a3, m, c);
        a4 = _mm512_fmadd_ps(a4, m, c); a5 = _mm512_fmadd_ps(a5, m, c);
        a6 = _mm512_fmadd_ps(a6, m, c); a7 = _mm512_fmadd_ps(a7, m, c);
        a8 = _mm512_fmadd_ps(a8, m, c); a9 = _mm512_fmadd_ps(a9, m, c);
    }
    double e = now() - t;
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
        _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)),
            _mm512_add_ps(a8, a9)));
    keep = _mm512_reduce_add_ps(s) * 0;
    return n * 10 / e / 1e9;
}

// Loads alone: eight independent loads per round, one cache line apart, results unused.
#define LOADS(name, mnemonic, reg)                                                        \
    __attribute__((noinline)) static void name(long n) {                                  \
        __asm__ volatile("1:\n"                                                           \
            mnemonic " (%1)," reg "0\n " mnemonic " 64(%1)," reg "1\n "                   \
            mnemonic " 128(%1)," reg "2\n " mnemonic " 192(%1)," reg "3\n "               \
            mnemonic " 256(%1)," reg "4\n " mnemonic " 320(%1)," reg "5\n "               \
            mnemonic " 384(%1)," reg "6\n " mnemonic " 448(%1)," reg "7\n "               \
            "dec %0\n jnz 1b\n"                                                           \
            : "+r"(n) : "r"(line)                                                         \
            : "zmm0", "zmm1", "zmm2", "zmm3", "zmm4", "zmm5", "zmm6", "zmm7", "memory");  \
    }
LOADS(loads512, "vmovups", "%%zmm")
LOADS(loads256, "vmovups", "%%ymm")
LOADS(broadcasts512, "vbroadcastss", "%%zmm")
LOADS(broadcasts256, "vbroadcastss", "%%ymm")

static double loadRate(void (*body)(long), long n) {
    double t = now();
    body(n);
    return n * 8 / (now() - t) / 1e9;
}

// The tile as Winograd's products run it (Sources/Kernels/Conv/Direct/DirectTiles.swift, the
// inputs a fixed stride apart): R rows × P panels of 16 output channels, one weight vector per
// panel and one broadcast per row each step.
#define TILE(name, R, P)                                                                  \
    __attribute__((noinline)) static void name(int depth) {                               \
        __m512 acc[R][P];                                                                 \
        for (int r = 0; r < R; r++)                                                       \
            for (int q = 0; q < P; q++) acc[r][q] = _mm512_setzero_ps();                  \
        const float *x = rows;                                                            \
        for (int p = 0; p < depth; p++) {                                                 \
            __m512 w[P];                                                                  \
            for (int q = 0; q < P; q++) w[q] = _mm512_load_ps(weights + (q * 64 + p) * 16); \
            for (int r = 0; r < R; r++) {                                                 \
                __m512 b = _mm512_set1_ps(x[r * depth + p]);                              \
                for (int q = 0; q < P; q++) acc[r][q] = _mm512_fmadd_ps(b, w[q], acc[r][q]); \
            }                                                                             \
        }                                                                                 \
        for (int r = 0; r < R; r++)                                                       \
            for (int q = 0; q < P; q++) _mm512_store_ps(tile + (r * P + q) * 16, acc[r][q]); \
    }
TILE(tile8x1, 8, 1)
TILE(tile8x2, 8, 2)
TILE(tile6x4, 6, 4)

static double tileRate(void (*body)(int), int fmasPerStep, int depth, long calls) {
    double t = now();
    for (long i = 0; i < calls; i++) body(depth);
    keep = tile[0] * 0;
    return calls * depth * (double)fmasPerStep / (now() - t) / 1e9;
}

int main(void) {
    for (int i = 0; i < 8 * 64; i++) rows[i] = 0.5f;
    for (int i = 0; i < 4 * 64 * 16; i++) weights[i] = 0.25f;
    printf("billions per second; each line one timing, three rounds\n");
    for (int round = 0; round < 3; round++) {
        // Timed into locals, in this order (a printf's arguments have no fixed order).
        double fma = fmasAlone(100000000);
        double l512 = loadRate(loads512, 50000000), l256 = loadRate(loads256, 50000000);
        double b512 = loadRate(broadcasts512, 50000000), b256 = loadRate(broadcasts256, 50000000);
        printf("round %d: 512-bit FMAs alone %.2f | loads alone: 512-bit %.2f, 256-bit %.2f, "
               "broadcast to 512 %.2f, to 256 %.2f\n",
            round + 1, fma, l512, l256, b512, b256);
        for (int depth = 16; depth <= 64; depth *= 4) {
            double a = tileRate(tile8x1, 8, depth, 4000000);
            double b = tileRate(tile8x2, 16, depth, 2000000);
            double c = tileRate(tile6x4, 24, depth, 1500000);
            printf("  depth %2d: FMAs in the tile 8×1 %.2f (%.0f%% of FMAs alone, 9 loads per 8), "
                   "8×2 %.2f (%.0f%%, 10 per 16), 6×4 %.2f (%.0f%%, 10 per 24)\n",
                depth, a, 100 * a / fma, b, 100 * b / fma, c, 100 * c / fma);
        }
    }
    return 0;
}
