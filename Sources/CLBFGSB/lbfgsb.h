// CLBFGSB: the Fortran entry point of Nocedal's L-BFGS-B 3.0 (Debian's liblbfgsb-dev ships no header).
#ifndef TEXSTIM_LBFGSB_H
#define TEXSTIM_LBFGSB_H
#include <stddef.h>

// Fortran passes everything by reference; gfortran appends the lengths of the two
// CHARACTER*60 arguments (task, csave) as hidden size_t parameters at the end.
// wa has 2*m*n + 5*n + 11*m*m + 8*m doubles, iwa 3*n ints, lsave 4, isave 44, dsave 29.
void setulb_(const int *n, const int *m, double *x, const double *l, const double *u,
             const int *nbd, double *f, double *g, const double *factr, const double *pgtol,
             double *wa, int *iwa, char *task, const int *iprint, char *csave, int *lsave,
             int *isave, double *dsave, size_t task_len, size_t csave_len);
#endif
