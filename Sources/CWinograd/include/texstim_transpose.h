// texstim_transpose.h: a cache-friendly float matrix transpose (for the Gram matrices on the product kernel).
#ifndef TEXSTIM_TRANSPOSE_H
#define TEXSTIM_TRANSPOSE_H

#include <stddef.h>

/// out[p · ldOut + j] = a[j · lda + p] for j < rows, p < columns: the rows × columns matrix a
/// (row stride lda) written transposed into out (columns × rows, row stride ldOut). Pure data
/// movement, so every instruction set gives the same bits.
void texstim_transpose(const float *a, int rows, int columns, size_t lda, float *out, size_t ldOut);

#endif
