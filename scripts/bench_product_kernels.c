// bench_product_kernels.c: single-thread GFLOP/s of texstim's product kernels and cblas_sgemm on the Winograd shapes.
//
// Build and run from the repository root (not part of the package; the figures in
// texstim_winograd_gemm.c and docs/performance.md came from it):
//   clang -O2 -Iscripts -ISources/CWinograd/include scripts/bench_product_kernels.c \
//       Sources/CWinograd/*.c -lopenblas -lpthread -o /tmp/bench_products && /tmp/bench_products
// Add -DAVX2_ROWS=4 -DAVX2_VECTORS=3 (or other blocks) to try another AVX2 register block.
// Each figure is the median of 7 timings of ~50 ms of thread CPU time each (so that other
// processes on the same cores disturb it less); ldb = ldc = n + 16 as in the
// Winograd workspace.

#include "texstim_winograd.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void openblas_set_num_threads(int);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);  // CPU time: other builds share the cores
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/// level -1: cblas_sgemm.
static double gflops(int level, int m, int n, int k, int transposeA, const float *a, const float *b, float *c) {
    size_t lda = transposeA ? (size_t)m : (size_t)k, ld = (size_t)n + 16;
    double flops = 2.0 * m * n * k, times[7];
    int calls = (int)(0.05 * 200e9 / flops) + 1;
    for (int round = 0; round < 7; round++) {
        double start = now();
        for (int call = 0; call < calls; call++) {
            if (level < 0) {
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans, m, n, k, 1, a,
                            (int)lda, b, (int)ld, 0, c, (int)ld);
            } else {
                texstim_winograd_gemm(level, m, n, k, a, lda, transposeA, b, ld, c, ld);
            }
        }
        times[round] = (now() - start) / calls;
    }
    qsort(times, 7, sizeof(double), compare);
    return flops / times[3] / 1e9;
}

int main(void) {
    openblas_set_num_threads(1);
    // (m = OC, n = tiles, k = C) of the 36 products per block at 256² to pool4, and conv1_1's
    // im2col product on a band of rows.
    int shapes[][3] = {{64, 64, 64}, {128, 64, 128}, {256, 128, 128}, {256, 128, 256}, {512, 64, 256},
                       {512, 64, 512}, {64, 4096, 27}};
    float *a = malloc(sizeof(float) * 512 * 512), *b = malloc(sizeof(float) * 512 * 4200);
    float *c = malloc(sizeof(float) * 512 * 4200);
    for (int i = 0; i < 512 * 512; i++) a[i] = (float)(i % 97) / 97 - 0.5f;
    for (int i = 0; i < 512 * 4200; i++) b[i] = (float)(i % 89) / 89 - 0.5f;
    printf("CPU level %d; GFLOP/s single-threaded (median of 7)\n", texstim_kernel_cpu_level());
    printf("%-16s %-5s %10s %10s %10s\n", "m x n x k", "op", "avx512", "avx2", "openblas");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        for (int transposeA = 0; transposeA < 2; transposeA++) {
            int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            if (n > 1000 && transposeA == 0) continue;
            double avx512 = texstim_kernel_cpu_level() >= 2 ? gflops(2, m, n, k, transposeA, a, b, c) : 0;
            double avx2 = gflops(1, m, n, k, transposeA, a, b, c), blas = gflops(-1, m, n, k, transposeA, a, b, c);
            char name[32];
            snprintf(name, sizeof name, "%dx%dx%d", m, n, k);
            printf("%-16s %-5s %10.1f %10.1f %10.1f\n", name, transposeA ? "A^T" : "A", avx512, avx2, blas);
        }
    }
    return 0;
}
