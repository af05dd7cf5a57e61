// GSL random number generation and random distributions only.
// Never include gsl_cblas.h or gsl_blas.h here: OpenBLAS provides CBLAS in its own module.
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_version.h>
#include <gsl/gsl_errno.h>
