// texstim_winograd.h: Winograd F(4×4, 3×3) transforms (weights, input tiles, output tiles) and products.
//
// The transforms and the product run the code of a kernel level (texstim_level_…): the caller
// passes the process's level (texstim_kernel_level) or, in tests, another one the CPU has.
//
// Convolution here means the VGG kind: 3×3 kernel, stride 1, zero padding 1, so the output
// plane has the input's size H×W. The plane is cut into 4×4 output tiles, tilesAcross =
// ⌈W/4⌉ by tilesDown = ⌈H/4⌉; output tile (ty, tx) reads the 6×6 input patch whose top-left
// pixel is (4·ty − 1, 4·tx − 1) (zero outside the image).
//
// Transformed tensors hold 36 = 6×6 frequency points ξ = 6·i + j. For a block of tile rows
// the element (ξ, channel, tile) sits at base[ξ·xiStride + channel·channelStride + tile], with
// tile = (ty − firstTileRow)·tilesAcross + tx; callers pass the pointer of one channel. The
// transforms move whole vectors of 16 tiles, so channelStride ≥ tiles + 15: the 15 floats after
// a channel's last tile are scratch (written with unused values, read and ignored).
// Matrices (Lavin & Gray 2016, interpolation points 0, ±1, ±2, ∞): V = Bᵀ d B, U = G g Gᵀ,
// Y = Aᵀ [U ⊙ V] A.
#ifndef TEXSTIM_WINOGRAD_H
#define TEXSTIM_WINOGRAD_H

#include <stddef.h>

/// Kernel levels: which instruction set texstim's own kernels use.
enum {
    texstim_level_none = 0,    // OpenBLAS computes the products; the transforms run baseline code
    texstim_level_avx2 = 1,    // AVX2 with FMA
    texstim_level_avx512 = 2   // AVX-512F
};

/// What TEXSTIM_KERNEL did to the level (texstim_kernel_environment_status).
enum {
    texstim_kernel_environment_ok = 0,          // unset, empty, or a level the CPU has
    texstim_kernel_environment_unknown = 1,     // not avx512, avx2 or openblas: ignored
    texstim_kernel_environment_unsupported = 2  // a level above the CPU's: ignored
};

/// This process's level: the CPU's best, or the lower one TEXSTIM_KERNEL asks for. Decided on
/// first use, thread-safe, fixed for the life of the process.
int texstim_kernel_level(void);

/// The best level this CPU runs (ignoring TEXSTIM_KERNEL).
int texstim_kernel_cpu_level(void);

/// Whether TEXSTIM_KERNEL was ignored, and why (texstim_kernel_environment_…).
int texstim_kernel_environment_status(void);

/// Floats of per-thread work space that the input and output transforms need.
size_t texstim_winograd_work_floats(int tilesAcross);

/// U[ξ][o][c] = (G · weight[o][c] · Gᵀ)[ξ] for weight (outChannels, inChannels, 3, 3);
/// u holds 36 · outChannels · inChannels floats.
void texstim_winograd_weights(const float *weight, int outChannels, int inChannels, float *u);

/// The transforms run `level`'s code, at most texstim_kernel_cpu_level() (a higher one runs
/// the CPU's level).
///
/// Transforms one channel plane (height × width, row-major) for tile rows
/// [firstTileRow, firstTileRow + tileRows). With `flip` the plane is read rotated by 180°
/// (the backward pass correlates the rotated gradient with the same U, transposed). A non-null
/// `mask` (same layout as the plane) zeroes every pixel whose mask value is not > 0 (ReLU's
/// backward, fused).
void texstim_winograd_input(int level, const float *plane, const float *mask, int height, int width, int flip,
                            int firstTileRow, int tileRows, float *v, size_t xiStride, float *work);

/// How the output transform writes the plane.
enum {
    texstim_winograd_store = 0,       // plane = Y + bias
    texstim_winograd_store_relu = 1,  // plane = max(0, Y + bias)
    texstim_winograd_accumulate = 2   // plane += Y (bias ignored)
};

/// Inverse transform of one output channel for the same tile rows; `m` is laid out like `v`.
/// With `flip` the result is written rotated by 180°.
void texstim_winograd_output(int level, const float *m, size_t xiStride, int firstTileRow, int tileRows,
                             float *plane, int height, int width, float bias, int mode, int flip,
                             float *work);

/// C (m × n) = A · B, or Aᵀ · B with `transposeA`; all row-major with leading dimensions
/// lda, ldb, ldc; A is m × k (k × m when transposed), B is k × n. C is overwritten (no beta).
/// Single-threaded. Each element of C is the same chain of fused multiply–adds in increasing k
/// at both levels, so the bits depend neither on the level nor on how callers split C.
/// `level` is texstim_level_avx2 or texstim_level_avx512, at most texstim_kernel_cpu_level()
/// (a higher one runs the CPU's level; texstim_level_none leaves C untouched).
void texstim_winograd_gemm(int level, int m, int n, int k, const float *a, size_t lda, int transposeA,
                           const float *b, size_t ldb, float *c, size_t ldc);

#endif
