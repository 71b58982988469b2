// texstim_dot.h: a double-precision dot product summed in a fixed order (texstim's L-BFGS-B).
#ifndef TEXSTIM_DOT_H
#define TEXSTIM_DOT_H

#include <stddef.h>

/// Σ a[i] b[i] for i < count: element i goes to accumulator i mod 32 (for the whole groups of 32),
/// the accumulators are added pairwise in a fixed tree, then the tail i ≥ 32·⌊count/32⌋ in order.
/// No fused multiply–add and no reassociation, so every machine and build gives the same bits.
double texstim_dot(const double *a, const double *b, size_t count);

#endif
