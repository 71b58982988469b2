// texstim_dot.c: a double-precision dot product summed in a fixed order (see texstim_dot.h).
#include "texstim_dot.h"

// Products are rounded before they are added: a contracted a·b + s would round once and give
// other bits on machines (or builds) with FMA than without.
#pragma clang fp contract(off)

double texstim_dot(const double *a, const double *b, size_t count) {
    double acc[32] = {0};
    size_t whole = count / 32 * 32, i = 0;
    for (; i < whole; i += 32) {
        for (int j = 0; j < 32; j++) acc[j] += a[i + j] * b[i + j];
    }
    double tail = 0;
    for (; i < count; i++) tail += a[i] * b[i];
    double lanes[8];
    for (int j = 0; j < 8; j++) lanes[j] = (acc[j] + acc[8 + j]) + (acc[16 + j] + acc[24 + j]);
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7])) + tail;
}
