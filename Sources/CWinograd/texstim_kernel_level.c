// texstim_kernel_level.c: which of texstim's own kernels this process runs (AVX-512, AVX2 or none), chosen once.
//
// The level is the CPU's best (AVX-512F, else AVX2 with FMA, else none), unless the environment
// variable TEXSTIM_KERNEL asks for a level the CPU has: `avx512`, `avx2` or `openblas` (none:
// OpenBLAS computes the products and the transforms run their baseline code). An unknown value,
// or a level the CPU lacks, is ignored here and reported by texstim_kernel_environment_status,
// so that the command line refuses to run rather than silently run something else. The level is
// computed on first use (pthread_once) and fixed for the life of the process.

#include "texstim_winograd.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int cpuLevel, processLevel, environmentStatus;

static int detect_cpu_level(void) {
#if defined(__x86_64__) && defined(__clang__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return texstim_level_avx512;
    // The AVX2 code is compiled with FMA too (target "avx2,fma"): every AVX2 CPU has it but
    // the feature bits are separate.
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return texstim_level_avx2;
#endif
    return texstim_level_none;
}

/// The level TEXSTIM_KERNEL names, -1 when unset or empty, -2 for any other value.
static int requested_level(void) {
    const char *value = getenv("TEXSTIM_KERNEL");
    if (value == NULL || value[0] == 0) return -1;
    if (strcmp(value, "avx512") == 0) return texstim_level_avx512;
    if (strcmp(value, "avx2") == 0) return texstim_level_avx2;
    if (strcmp(value, "openblas") == 0) return texstim_level_none;
    return -2;
}

static void decide(void) {
    cpuLevel = detect_cpu_level();
    processLevel = cpuLevel;
    int requested = requested_level();
    if (requested == -2) {
        environmentStatus = texstim_kernel_environment_unknown;
    } else if (requested > cpuLevel) {
        environmentStatus = texstim_kernel_environment_unsupported;
    } else if (requested >= 0) {
        processLevel = requested;
    }
}

int texstim_kernel_level(void) {
    pthread_once(&once, decide);
    return processLevel;
}

int texstim_kernel_cpu_level(void) {
    pthread_once(&once, decide);
    return cpuLevel;
}

int texstim_kernel_environment_status(void) {
    pthread_once(&once, decide);
    return environmentStatus;
}
