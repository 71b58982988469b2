// gemm_kernel_template.h: the body of the product kernel, included once per instruction set by texstim_winograd_gemm.c.
//
// Before including, define: GEMM_NAME(x) (suffixes this instance's functions), GEMM_VEC (the
// vector type), GEMM_LANES (floats per vector), GEMM_ROWS × GEMM_VECTORS (the register block of
// C: rows × vectors), GEMM_STRIP (columns per strip when B goes through all rows once, a multiple
// of the block's width), GEMM_LOAD(p) and GEMM_STORE(p, v) (unaligned). Every function here is
// always_inline: it takes its instruction set from the target-attributed function it is
// inlined into, and vectors only ever pass by pointer (a function returning a vector wider than
// the baseline's changes the ABI, which Clang rejects).
//
// C[i][j] = Σ_p A[i][p] · B[p][j], summed from p = 0 up with one fused multiply–add per p,
// whatever the block, strip, order or instruction set: every instance computes the same bits.

#define GEMM_INLINE static inline __attribute__((always_inline))
#define GEMM_WIDTH (GEMM_LANES * GEMM_VECTORS)

/// The next band's A, one cache line per k step (it comes from memory for conv4, whose U is
/// 37.7 MB per layer: 6.5 → 7.9 GB/s, since the hardware prefetcher follows 6 strided rows
/// poorly). A[i][p] of the next band sits at next[i·rowStride + p·kStride].
GEMM_INLINE void GEMM_NAME(prefetch_next_band)(const float *next, int p, int k, size_t rowStride, size_t kStride) {
    if (kStride == 1) {
        int row = p % GEMM_ROWS, chunk = 16 * (p / GEMM_ROWS);
        if (chunk < k) __builtin_prefetch(next + (size_t)row * rowStride + chunk, 0, 2);
    } else {
        // GEMM_ROWS consecutive floats may straddle two lines.
        __builtin_prefetch(next + (size_t)p * kStride, 0, 2);
        __builtin_prefetch(next + (size_t)p * kStride + GEMM_ROWS - 1, 0, 2);
    }
}

/// C[i][0 ..< LANES·VECTORS] = Σ_p A[i][p] · B[p][…] for i < ROWS, where A[i][p] sits at
/// a[i·rowStride + p·kStride]. ROWS and VECTORS are compile-time constants after inlining, so
/// the accumulators stay in registers (fixed-size arrays: variable-length ones went through
/// the stack). With `columns` < LANES (VECTORS = 1) only that many B values are read and C
/// values written (the tile at the right edge of C).
GEMM_INLINE void GEMM_NAME(micro_kernel)(int ROWS, int VECTORS, int k, const float *restrict a, size_t rowStride,
                                         size_t kStride, const float *restrict b, size_t ldb, float *restrict c,
                                         size_t ldc, int columns, const float *next, int accumulate) {
    GEMM_VEC sum[GEMM_ROWS][GEMM_VECTORS];
    for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < VECTORS; j++) {
            if (!accumulate) {
                sum[i][j] = (GEMM_VEC){0};
            } else if (columns == GEMM_LANES) {
                sum[i][j] = GEMM_LOAD(c + (size_t)i * ldc + GEMM_LANES * j);
            } else {
                float lanes[GEMM_LANES] = {0};
                memcpy(lanes, c + (size_t)i * ldc, sizeof(float) * (size_t)columns);
                sum[i][j] = GEMM_LOAD(lanes);
            }
        }
    }
    for (int p = 0; p < k; p++) {
        GEMM_VEC row[GEMM_VECTORS];
        if (columns == GEMM_LANES) {
            for (int j = 0; j < VECTORS; j++) row[j] = GEMM_LOAD(b + (size_t)p * ldb + GEMM_LANES * j);
        } else {
            float lanes[GEMM_LANES] = {0};
            memcpy(lanes, b + (size_t)p * ldb, sizeof(float) * (size_t)columns);
            row[0] = GEMM_LOAD(lanes);
        }
        if (next) GEMM_NAME(prefetch_next_band)(next, p, k, rowStride, kStride);
        const float *column = a + (size_t)p * kStride;
        for (int i = 0; i < ROWS; i++) {
            float x = column[(size_t)i * rowStride];
            for (int j = 0; j < VECTORS; j++) sum[i][j] += x * row[j];
        }
    }
    for (int i = 0; i < ROWS; i++) {
        if (columns == GEMM_LANES) {
            for (int j = 0; j < VECTORS; j++) GEMM_STORE(c + (size_t)i * ldc + GEMM_LANES * j, sum[i][j]);
        } else {
            float lanes[GEMM_LANES];
            GEMM_STORE(lanes, sum[i][0]);
            memcpy(c + (size_t)i * ldc, lanes, sizeof(float) * (size_t)columns);
        }
    }
}

/// One band of ROWS rows of C, all columns: blocks of the full width, then one block of the
/// whole vectors left, then the last columns. The band's first block prefetches the next
/// band's A.
GEMM_INLINE void GEMM_NAME(band_chunk)(int ROWS, int n, int k, const float *a, size_t rowStride, size_t kStride,
                                       const float *b, size_t ldb, float *c, size_t ldc, const float *next,
                                       int accumulate) {
    int column = 0;
    for (; column + GEMM_WIDTH <= n; column += GEMM_WIDTH, next = NULL) {
        GEMM_NAME(micro_kernel)(ROWS, GEMM_VECTORS, k, a, rowStride, kStride, b + column, ldb, c + column, ldc,
                                GEMM_LANES, next, accumulate);
    }
    // Fewer than GEMM_VECTORS whole vectors, each count with its own constant.
    int vectors = (n - column) / GEMM_LANES;
    for (int count = GEMM_VECTORS - 1; count >= 1; count--) {
        if (vectors == count) {
            GEMM_NAME(micro_kernel)(ROWS, count, k, a, rowStride, kStride, b + column, ldb, c + column, ldc,
                                    GEMM_LANES, next, accumulate);
            column += GEMM_LANES * count, next = NULL;
        }
    }
    if (column < n) {
        GEMM_NAME(micro_kernel)(ROWS, 1, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, n - column,
                                next, accumulate);
    }
}

/// One band in chunks of GEMM_K_BLOCK steps of k when k ≥ 4 · GEMM_K_BLOCK (else, or when 0,
/// all of k at once), so that the band's chunk of A stays in L1 while the narrow column blocks
/// take their turns. The first chunk writes C, the others continue the same chain of fused
/// multiply–adds from C (a float stored and loaded is the same float): chunking changes no bit.
GEMM_INLINE void GEMM_NAME(band)(int ROWS, int n, int k, const float *a, size_t rowStride, size_t kStride,
                                 const float *b, size_t ldb, float *c, size_t ldc, const float *next) {
    int chunk = GEMM_K_BLOCK > 0 && k >= 4 * GEMM_K_BLOCK ? GEMM_K_BLOCK : k;
    int p = 0;
    do {  // once when k = 0: C = 0
        int steps = k - p < chunk ? k - p : chunk;
        GEMM_NAME(band_chunk)(ROWS, n, steps, a + (size_t)p * kStride, rowStride, kStride, b + (size_t)p * ldb, ldb,
                              c, ldc, next ? next + (size_t)p * kStride : NULL, p > 0);
        p += chunk;
    } while (p < k);
}

/// All of C, one band of rows after another; with `prefetchA` each band prefetches the next.
GEMM_INLINE void GEMM_NAME(gemm_rows)(int m, int n, int k, const float *a, size_t rowStride, size_t kStride,
                                      const float *b, size_t ldb, float *c, size_t ldc, int prefetchA) {
    int row = 0;
    for (; row + GEMM_ROWS <= m; row += GEMM_ROWS) {
        const float *next = prefetchA && row + 2 * GEMM_ROWS <= m ? a + (row + GEMM_ROWS) * rowStride : NULL;
        GEMM_NAME(band)(GEMM_ROWS, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, next);
    }
    // The last rows in bands of 4, 2 and 1 (each with its own register count).
    if (GEMM_ROWS > 4 && m - row >= 4) {
        GEMM_NAME(band)(4, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL);
        row += 4;
    }
    if (GEMM_ROWS > 2 && m - row >= 2) {
        GEMM_NAME(band)(2, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL);
        row += 2;
    }
    if (m - row >= 1) {
        GEMM_NAME(band)(1, n, k, a + row * rowStride, rowStride, kStride, b, ldb, c + row * ldc, ldc, NULL);
    }
}

/// The loop order keeps one operand in cache. By rows (the Winograd products, whose B is a
/// V[ξ] of ~110 KB that stays in L2, and conv4's 1 MB U[ξ] streams once), each band of A
/// meets all of B. When B is larger than half of L2 and A is the smaller operand (conv1_1's
/// 7 MB column matrix and the Gram gradient's 16.8 MB features at 256², against a 64 × 64 A),
/// strips of GEMM_STRIP columns take B through all rows once while A stays in L1 (AVX-512: by
/// rows, B went through 11 times, at about 100 GFLOP/s per core; by strips 180–200).
GEMM_INLINE void GEMM_NAME(gemm_ordered)(int m, int n, int k, const float *a, size_t rowStride, size_t kStride,
                                         const float *b, size_t ldb, float *c, size_t ldc) {
    int bLarge = (size_t)k * (size_t)n >= ((size_t)128 << 10);  // floats: 512 KB
    if (m >= n || !bLarge) return GEMM_NAME(gemm_rows)(m, n, k, a, rowStride, kStride, b, ldb, c, ldc, 1);
    for (int column = 0; column < n; column += GEMM_STRIP) {
        int width = n - column < GEMM_STRIP ? n - column : GEMM_STRIP;
        GEMM_NAME(gemm_rows)(m, width, k, a, rowStride, kStride, b + column, ldb, c + column, ldc, 0);
    }
}

/// Two instantiations, so each has constant strides where the other has lda.
GEMM_INLINE void GEMM_NAME(gemm)(int m, int n, int k, const float *a, size_t lda, int transposeA, const float *b,
                                 size_t ldb, float *c, size_t ldc) {
    if (transposeA) {
        GEMM_NAME(gemm_ordered)(m, n, k, a, 1, lda, b, ldb, c, ldc);
    } else {
        GEMM_NAME(gemm_ordered)(m, n, k, a, lda, 1, b, ldb, c, ldc);
    }
}

#undef GEMM_INLINE
#undef GEMM_WIDTH
