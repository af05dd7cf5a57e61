// FFTW3 in double (fftw_*) and single (fftwf_*) precision.
#include <fftw3.h>

// fftw_version is an array of unknown size, which Swift cannot import; expose it through a function.
static inline const char *macroscale_fftw_version(void) { return fftw_version; }
