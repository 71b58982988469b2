// texstim_transpose.c: matrix transpose in 8 × 8 blocks of vector registers (for GramMatrix+ProductKernel).
//
// A scalar transpose of a 64 × 65536 feature map (conv1_1 at 256²) cost as much as the Gram
// product itself. Here each 8 × 8 block is 8 vector loads, 24 shuffles and 8 vector stores.
// The result is the same bits on every CPU (no arithmetic), so target_clones may pick any clone.

#include "texstim_transpose.h"

#if defined(__x86_64__) && defined(__clang__)
#define TEXSTIM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TEXSTIM_CLONES
#endif

typedef float vec8 __attribute__((vector_size(32)));
typedef float unaligned_vec8 __attribute__((vector_size(32), aligned(4)));
#define load8(p) (*(const unaligned_vec8 *)(p))
#define store8(p, v) (*(unaligned_vec8 *)(p) = (v))

/// out block (column q of the 8 × 8 block at a) = row q of the transposed block.
static inline __attribute__((always_inline)) void block8(const float *a, size_t lda, float *out, size_t ldOut) {
    vec8 r0 = load8(a), r1 = load8(a + lda), r2 = load8(a + 2 * lda), r3 = load8(a + 3 * lda);
    vec8 r4 = load8(a + 4 * lda), r5 = load8(a + 5 * lda), r6 = load8(a + 6 * lda), r7 = load8(a + 7 * lda);
    // Pairs of rows interleaved (unpack low/high within 128-bit halves).
    vec8 t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13);
    vec8 t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
    vec8 t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13);
    vec8 t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
    vec8 t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13);
    vec8 t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
    vec8 t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13);
    vec8 t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
    // Quadruples: u0 = (r0..r3 at columns 0 and 4), u1 = (columns 1 and 5), u2 = (2, 6), u3 = (3, 7).
    vec8 u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
    vec8 u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    vec8 u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
    vec8 u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    vec8 u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);
    vec8 u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
    vec8 u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);
    vec8 u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
    // Rows 0–3 from the first of each pair, rows 4–7 from the second: whole columns.
    store8(out, __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11));
    store8(out + ldOut, __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11));
    store8(out + 2 * ldOut, __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11));
    store8(out + 3 * ldOut, __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11));
    store8(out + 4 * ldOut, __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15));
    store8(out + 5 * ldOut, __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15));
    store8(out + 6 * ldOut, __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15));
    store8(out + 7 * ldOut, __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15));
}

TEXSTIM_CLONES
void texstim_transpose(const float *a, int rows, int columns, size_t lda, float *out, size_t ldOut) {
    int fullRows = rows & ~7, fullColumns = columns & ~7;
    for (int j = 0; j < fullRows; j += 8) {
        for (int p = 0; p < fullColumns; p += 8) {
            block8(a + (size_t)j * lda + p, lda, out + (size_t)p * ldOut + j, ldOut);
        }
        for (int p = fullColumns; p < columns; p++) {
            for (int i = j; i < j + 8; i++) out[(size_t)p * ldOut + i] = a[(size_t)i * lda + p];
        }
    }
    for (int j = fullRows; j < rows; j++) {
        for (int p = 0; p < columns; p++) out[(size_t)p * ldOut + j] = a[(size_t)j * lda + p];
    }
}
