// CFFTW: FFTW 3's single-precision (fftwf_*, libfftw3f) and double-precision (fftw_*, libfftw3)
// interfaces, both from Debian's libfftw3-dev.
#include <fftw3.h>

// The planner flags texstim uses, as constants Swift can import (the macros are shifts).
static const unsigned texstim_fftw_estimate = FFTW_ESTIMATE;
static const unsigned texstim_fftw_destroy_input = FFTW_DESTROY_INPUT;
static const int texstim_fftw_forward = FFTW_FORWARD;
static const int texstim_fftw_backward = FFTW_BACKWARD;
