// texstim_winograd_gemm.c: the Winograd-domain matrix products, C = op(A) · B, with AVX-512.
//
// Each of the 36 products M[ξ] = U[ξ] · V[ξ] (or U[ξ]ᵀ · V[ξ] in the backward pass) is small
// (C, OC ≤ 512, T ≤ a few thousand tiles) and runs on one thread. OpenBLAS spends ~20% of
// such a call packing both operands into its own layouts and zeroing C first; here nothing
// is packed. The micro-kernel keeps a 16 × 16 block of C in sixteen 16-float registers and,
// for each k, loads one row of 16 B values and broadcasts the 16 A values of column k:
// A's 16 rows are each read with a constant stride (16 KiB for K = 256 stays in L1), and B's
// rows stream from L2 (a whole V[ξ] fits there by the caller's blocking). The products are
// summed over k in increasing order with fused multiply–adds, one fixed order per machine.
//
// Only machines with AVX-512F use this file (texstim_winograd_gemm_available); elsewhere the
// caller uses cblas_sgemm, which was as fast as or faster than a vec16 kernel with AVX2 alone.

#include "texstim_winograd.h"

#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define TEXSTIM_GEMM_AVX512 1
#define TEXSTIM_AVX512 __attribute__((target("avx512f")))
#else
#define TEXSTIM_GEMM_AVX512 0
#define TEXSTIM_AVX512
#endif
#define TEXSTIM_INLINE static inline __attribute__((always_inline))

typedef float vec16 __attribute__((vector_size(64)));
typedef float unaligned_vec16 __attribute__((vector_size(64), aligned(4)));
#define load16(p) (*(const unaligned_vec16 *)(p))
#define store16(p, v) (*(unaligned_vec16 *)(p) = (v))

int texstim_winograd_gemm_available(void) {
#if TEXSTIM_GEMM_AVX512
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    return 0;
#endif
}

#if TEXSTIM_GEMM_AVX512

/// C[i][0 ..< columns] = Σ_p A[i][p] · B[p][0 ..< columns] for i < ROWS (a compile-time
/// constant after inlining, so the accumulators stay in registers); A[i][p] sits at
/// a[i·rowStride + p·kStride]. With columns < 16 only that many B values are read and C
/// values written (the tile at the right edge of C).
TEXSTIM_INLINE void micro_kernel(int ROWS, int k, const float *restrict a, size_t rowStride, size_t kStride,
                                 const float *restrict b, size_t ldb, float *restrict c, size_t ldc, int columns,
                                 const float *next) {
    vec16 sum[ROWS];
    for (int i = 0; i < ROWS; i++) sum[i] = (vec16){0};
    for (int p = 0; p < k; p++) {
        vec16 row;
        if (columns == 16) {
            row = load16(b + (size_t)p * ldb);
        } else {
            float lanes[16] = {0};
            memcpy(lanes, b + (size_t)p * ldb, sizeof(float) * (size_t)columns);
            row = load16(lanes);
        }
        if (next) {
            // One cache line of the next band's A per step: k steps cover its 16 rows × k.
            size_t line = kStride == 1 ? (size_t)(p % 16) * rowStride + (size_t)(p / 16) * 16 : (size_t)p * kStride;
            __builtin_prefetch(next + line, 0, 2);
            if (kStride != 1) __builtin_prefetch(next + line + 15, 0, 2);
        }
        const float *column = a + (size_t)p * kStride;
        for (int i = 0; i < ROWS; i++) sum[i] += column[(size_t)i * rowStride] * row;
    }
    for (int i = 0; i < ROWS; i++) {
        if (columns == 16) {
            store16(c + (size_t)i * ldc, sum[i]);
        } else {
            float lanes[16];
            store16(lanes, sum[i]);
            memcpy(c + (size_t)i * ldc, lanes, sizeof(float) * (size_t)columns);
        }
    }
}

/// One band of ROWS rows of C, all columns.
TEXSTIM_INLINE void band(int ROWS, int n, int k, const float *a, size_t rowStride, size_t kStride,
                         const float *b, size_t ldb, float *c, size_t ldc, const float *next) {
    int column = 0;
    for (; column + 16 <= n; column += 16) {
        micro_kernel(ROWS, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, 16, column == 0 ? next : NULL);
    }
    if (column < n) micro_kernel(ROWS, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, n - column, column == 0 ? next : NULL);
}

TEXSTIM_AVX512 static void gemm_avx512(int m, int n, int k, const float *a, size_t lda, int transposeA,
                                       const float *b, size_t ldb, float *c, size_t ldc) {
    size_t rowStride = transposeA ? 1 : lda, kStride = transposeA ? lda : 1;
    int row = 0;
    for (; row + 16 <= m; row += 16) {
        const float *next = row + 32 <= m ? a + (row + 16) * rowStride : NULL;
        band(16, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, next);
    }
    // The last m mod 16 rows in bands of 8, 4, 2 and 1 (each with its own register count).
    if (m - row >= 8) band(8, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL), row += 8;
    if (m - row >= 4) band(4, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL), row += 4;
    if (m - row >= 2) band(2, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL), row += 2;
    if (m - row >= 1) band(1, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL);
}

#endif

void texstim_winograd_gemm(int m, int n, int k, const float *a, size_t lda, int transposeA,
                           const float *b, size_t ldb, float *c, size_t ldc) {
#if TEXSTIM_GEMM_AVX512
    gemm_avx512(m, n, k, a, lda, transposeA, b, ldb, c, ldc);
#else
    (void)m, (void)n, (void)k, (void)a, (void)lda, (void)transposeA, (void)b, (void)ldb, (void)c, (void)ldc;
#endif
}
