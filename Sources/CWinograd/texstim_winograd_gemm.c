// texstim_winograd_gemm.c: the matrix products C = op(A) · B with AVX-512 or AVX2 (see ProductKernel).
//
// Written for the 36 Winograd products, and also used for conv1_1's im2col products and the
// Gram gradient in Winograd mode. Each of the 36 products M[ξ] = U[ξ] · V[ξ] (or U[ξ]ᵀ · V[ξ]
// in the backward pass) is small (C, OC ≤ 512, T ≤ a few thousand tiles) and runs on one
// thread. OpenBLAS spends ~20% of such a call packing both operands into its own layouts and
// zeroing C first; here nothing is packed. The micro-kernel (gemm_kernel_template.h) keeps a
// block of C in registers and, for each k, loads a row of B's block and broadcasts the block's
// A values of column k: A's rows are read with a constant stride (the band stays in L1 across
// B's column blocks), and B's rows stream from L2 (a whole V[ξ] fits there by the caller's
// blocking). The products are summed over k in increasing order with fused multiply–adds.
//
// - AVX-512F: 6 × 64 block (24 of the 32 zmm registers): 4 B loads and 6 broadcasts per 24
//   FMAs, so the FMA units and not the loads set the pace (the former 16 × 16 block needed 17
//   loads for 16 FMAs and ran at 200–230 GFLOP/s per core against 245–265 now).
// - AVX2 + FMA: 6 × 16 block (12 of the 16 ymm registers, 2 B loads and 6 broadcasts per 12
//   FMAs), the classic Haswell block. With k ≥ 256 a band takes k in chunks of 64, so that its
//   chunk of A stays in L1 while the four 16-column blocks of a 64-tile product take turns
//   (conv4's shapes: 72–89 → 87–94 GFLOP/s; chunks of 128 or 256 gained less, and chunking
//   k = 128 lost 3–10%). Single-threaded on the Winograd shapes at 256² (OC × T × C from
//   64 × 64 × 64 to 512 × 64 × 512, A and Aᵀ; scripts/bench_product_kernels.c, AMD EPYC Zen 4,
//   CPU time, two other builds on the 2 cores): 86–106 GFLOP/s, against 111–115 for the
//   AVX-512 kernel and 89–106 for OpenBLAS's Haswell kernel in the same run. Tried: a 4 × 24
//   block, 31–41 GFLOP/s, and 3 × 32, 43–51, against 77–106 for 6 × 16 in the same rounds;
//   packing a transposed A's band, and prefetching B, no gain.
//
// Both compute every element of C by the same chain of fused multiply–adds, so they give the
// same bits (tested). Which one runs is the caller's level (texstim_kernel_level).

#include "texstim_winograd.h"

#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define TEXSTIM_GEMM_X86 1
#else
#define TEXSTIM_GEMM_X86 0
#endif

#if TEXSTIM_GEMM_X86

// MARK: - AVX-512F: 6 × 4 vectors of 16

typedef float vec16 __attribute__((vector_size(64)));
typedef float unaligned_vec16 __attribute__((vector_size(64), aligned(4)));
#define GEMM_NAME(x) x##_avx512
#define GEMM_VEC vec16
#define GEMM_LANES 16
#define GEMM_ROWS 6
#define GEMM_VECTORS 4
#define GEMM_STRIP 64
#define GEMM_K_BLOCK 0
#define GEMM_LOAD(p) (*(const unaligned_vec16 *)(p))
#define GEMM_STORE(p, v) (*(unaligned_vec16 *)(p) = (v))
#include "gemm_kernel_template.h"
#undef GEMM_NAME
#undef GEMM_VEC
#undef GEMM_LANES
#undef GEMM_ROWS
#undef GEMM_VECTORS
#undef GEMM_STRIP
#undef GEMM_K_BLOCK
#undef GEMM_LOAD
#undef GEMM_STORE

__attribute__((target("avx512f"))) static void gemm_avx512_entry(int m, int n, int k, const float *a, size_t lda,
                                                                  int transposeA, const float *b, size_t ldb, float *c,
                                                                  size_t ldc) {
    gemm_avx512(m, n, k, a, lda, transposeA, b, ldb, c, ldc);
}

// MARK: - AVX2 + FMA: AVX2_ROWS × AVX2_VECTORS vectors of 8

#ifndef AVX2_ROWS
#define AVX2_ROWS 6
#define AVX2_VECTORS 2
#endif
typedef float vec8 __attribute__((vector_size(32)));
typedef float unaligned_vec8 __attribute__((vector_size(32), aligned(4)));
#define GEMM_NAME(x) x##_avx2
#define GEMM_VEC vec8
#define GEMM_LANES 8
#define GEMM_ROWS AVX2_ROWS
#define GEMM_VECTORS AVX2_VECTORS
#define GEMM_STRIP (8 * AVX2_VECTORS * ((64 + 8 * AVX2_VECTORS - 1) / (8 * AVX2_VECTORS)))
#ifndef AVX2_K_BLOCK
#define AVX2_K_BLOCK 64
#endif
#define GEMM_K_BLOCK AVX2_K_BLOCK
#define GEMM_LOAD(p) (*(const unaligned_vec8 *)(p))
#define GEMM_STORE(p, v) (*(unaligned_vec8 *)(p) = (v))
#include "gemm_kernel_template.h"

__attribute__((target("avx2,fma"))) static void gemm_avx2_entry(int m, int n, int k, const float *a, size_t lda,
                                                                 int transposeA, const float *b, size_t ldb, float *c,
                                                                 size_t ldc) {
    gemm_avx2(m, n, k, a, lda, transposeA, b, ldb, c, ldc);
}

#endif

void texstim_winograd_gemm(int level, int m, int n, int k, const float *a, size_t lda, int transposeA,
                           const float *b, size_t ldb, float *c, size_t ldc) {
#if TEXSTIM_GEMM_X86
    int cpu = texstim_kernel_cpu_level();
    if (level > cpu) level = cpu;
    if (level == texstim_level_avx512) {
        gemm_avx512_entry(m, n, k, a, lda, transposeA, b, ldb, c, ldc);
    } else if (level == texstim_level_avx2) {
        gemm_avx2_entry(m, n, k, a, lda, transposeA, b, ldb, c, ldc);
    }
#else
    (void)level, (void)m, (void)n, (void)k, (void)a, (void)lda, (void)transposeA;
    (void)b, (void)ldb, (void)c, (void)ldc;
#endif
}
