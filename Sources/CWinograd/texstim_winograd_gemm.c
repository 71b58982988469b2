// texstim_winograd_gemm.c: the machine's matrix products C = op(A) · B with AVX-512 (see ProductKernel).
//
// Written for the 36 Winograd products, and also used for conv1_1's im2col products and the
// Gram gradient in Winograd mode. Each of the 36 products M[ξ] = U[ξ] · V[ξ] (or U[ξ]ᵀ · V[ξ]
// in the backward pass) is small (C, OC ≤ 512, T ≤ a few thousand tiles) and runs on one
// thread. OpenBLAS spends ~20% of such a call packing both operands into its own layouts and
// zeroing C first; here nothing is packed. The micro-kernel keeps a 6 × 64 block of C in 24
// 16-float registers and, for each k, loads 64 B values of row k and broadcasts the 6 A values
// of column k: A's rows are read with a constant stride (the band stays in L1 across B's
// column blocks), and B's rows stream from L2 (a whole V[ξ] fits there by the caller's
// blocking). The products are summed over k in increasing order with fused multiply–adds,
// one fixed order per machine.
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

/// Register block: up to 6 rows × 4 vectors (64 columns) of C, 24 of the 32 vector registers.
/// Per k step that is 4 B loads and 6 A broadcasts for 24 fused multiply–adds, so the FMA units
/// and not the loads set the pace (the former 16 × 16 block needed 17 loads for 16 FMAs and ran
/// at 200–230 GFLOP/s per core against 245–265 now).
enum { BLOCK_ROWS = 6, BLOCK_VECTORS = 4 };

/// The next band's A, one cache line per k step (it comes from memory for conv4, whose U is
/// 37.7 MB per layer: 6.5 → 7.9 GB/s, since the hardware prefetcher follows 6 strided rows
/// poorly). A[i][p] of the next band sits at next[i·rowStride + p·kStride].
TEXSTIM_INLINE void prefetch_next_band(const float *next, int p, int k, size_t rowStride, size_t kStride) {
    if (kStride == 1) {
        int row = p % BLOCK_ROWS, chunk = 16 * (p / BLOCK_ROWS);
        if (chunk < k) __builtin_prefetch(next + (size_t)row * rowStride + chunk, 0, 2);
    } else {
        // Six consecutive floats may straddle two lines.
        __builtin_prefetch(next + (size_t)p * kStride, 0, 2);
        __builtin_prefetch(next + (size_t)p * kStride + BLOCK_ROWS - 1, 0, 2);
    }
}

/// C[i][0 ..< 16·VECTORS] = Σ_p A[i][p] · B[p][…] for i < ROWS, where A[i][p] sits at
/// a[i·rowStride + p·kStride]. ROWS and VECTORS are compile-time constants after inlining, so
/// the accumulators stay in registers (fixed-size arrays: variable-length ones went through
/// the stack). With `columns` < 16 (VECTORS = 1) only that many B values are read and C values
/// written (the tile at the right edge of C).
TEXSTIM_INLINE void micro_kernel(int ROWS, int VECTORS, int k, const float *restrict a, size_t rowStride,
                                 size_t kStride, const float *restrict b, size_t ldb, float *restrict c, size_t ldc,
                                 int columns, const float *next) {
    vec16 sum[BLOCK_ROWS][BLOCK_VECTORS];
    for (int i = 0; i < ROWS; i++) for (int j = 0; j < VECTORS; j++) sum[i][j] = (vec16){0};
    for (int p = 0; p < k; p++) {
        vec16 row[BLOCK_VECTORS];
        if (columns == 16) {
            for (int j = 0; j < VECTORS; j++) row[j] = load16(b + (size_t)p * ldb + 16 * j);
        } else {
            float lanes[16] = {0};
            memcpy(lanes, b + (size_t)p * ldb, sizeof(float) * (size_t)columns);
            row[0] = load16(lanes);
        }
        if (next) prefetch_next_band(next, p, k, rowStride, kStride);
        const float *column = a + (size_t)p * kStride;
        for (int i = 0; i < ROWS; i++) {
            float x = column[(size_t)i * rowStride];
            for (int j = 0; j < VECTORS; j++) sum[i][j] += x * row[j];
        }
    }
    for (int i = 0; i < ROWS; i++) {
        if (columns == 16) {
            for (int j = 0; j < VECTORS; j++) store16(c + (size_t)i * ldc + 16 * j, sum[i][j]);
        } else {
            float lanes[16];
            store16(lanes, sum[i][0]);
            memcpy(c + (size_t)i * ldc, lanes, sizeof(float) * (size_t)columns);
        }
    }
}

/// One band of ROWS rows of C, all columns: blocks of 64 columns, then 32, 16 and the rest.
/// The band's first block prefetches the next band's A.
TEXSTIM_INLINE void band(int ROWS, int n, int k, const float *a, size_t rowStride, size_t kStride,
                         const float *b, size_t ldb, float *c, size_t ldc, const float *next) {
    int column = 0;
    for (; column + 64 <= n; column += 64, next = NULL) {
        micro_kernel(ROWS, 4, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, 16, next);
    }
    if (n - column >= 32) {
        micro_kernel(ROWS, 2, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, 16, next);
        column += 32, next = NULL;
    }
    if (n - column >= 16) {
        micro_kernel(ROWS, 1, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, 16, next);
        column += 16, next = NULL;
    }
    if (column < n) micro_kernel(ROWS, 1, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, n - column, next);
}

/// All of C, one band of rows after another; with `prefetchA` each band prefetches the next.
TEXSTIM_INLINE void gemm_rows(int m, int n, int k, const float *a, size_t rowStride, size_t kStride,
                              const float *b, size_t ldb, float *c, size_t ldc, int prefetchA) {
    int row = 0;
    for (; row + BLOCK_ROWS <= m; row += BLOCK_ROWS) {
        const float *next = prefetchA && row + 2 * BLOCK_ROWS <= m ? a + (row + BLOCK_ROWS) * rowStride : NULL;
        band(BLOCK_ROWS, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, next);
    }
    // The last m mod 6 rows in bands of 4, 2 and 1 (each with its own register count).
    if (m - row >= 4) band(4, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL), row += 4;
    if (m - row >= 2) band(2, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL), row += 2;
    if (m - row >= 1) band(1, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL);
}

/// The loop order keeps one operand in cache. By rows (the Winograd products, whose B is a
/// V[ξ] of ~110 KB that stays in L2, and conv4's 1 MB U[ξ] streams once), each band of A
/// meets all of B. When B is larger than half of L2 and A is the smaller operand (conv1_1's
/// 7 MB column matrix and the Gram gradient's 16.8 MB features at 256², against a 64 × 64 A),
/// blocks of 64 columns take B through all rows once while A stays in L1 (by rows, B went
/// through 11 times, at about 100 GFLOP/s per core; by columns 180–200). Each element of C is
/// the same chain of multiply–adds either way.
TEXSTIM_INLINE void gemm_ordered(int m, int n, int k, const float *a, size_t rowStride, size_t kStride,
                                 const float *b, size_t ldb, float *c, size_t ldc) {
    int bLarge = (size_t)k * (size_t)n >= ((size_t)128 << 10);  // floats: 512 KB
    if (m >= n || !bLarge) return gemm_rows(m, n, k, a, rowStride, kStride, b, ldb, c, ldc, 1);
    for (int column = 0; column < n; column += 64) {
        int width = n - column < 64 ? n - column : 64;
        gemm_rows(m, width, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, 0);
    }
}

TEXSTIM_AVX512 static void gemm_avx512(int m, int n, int k, const float *a, size_t lda, int transposeA,
                                       const float *b, size_t ldb, float *c, size_t ldc) {
    // Two instantiations, so each has constant strides where the other has lda.
    if (transposeA) {
        gemm_ordered(m, n, k, a, 1, lda, b, ldb, c, ldc);
    } else {
        gemm_ordered(m, n, k, a, lda, 1, b, ldb, c, ldc);
    }
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
