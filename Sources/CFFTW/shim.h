// CFFTW: FFTW 3's single-precision interface (fftwf_*), Debian's libfftw3-dev.
#include <fftw3.h>

// The planner flags texstim uses, as constants Swift can import (the macros are shifts).
static const unsigned texstim_fftw_estimate = FFTW_ESTIMATE;
static const unsigned texstim_fftw_destroy_input = FFTW_DESTROY_INPUT;
