// CBLAS: OpenBLAS's C interface (cblas_sgemm, openblas_set_num_threads, openblas_get_corename).
#include <cblas.h>
