// OpenBLAS: CBLAS interface plus the OpenBLAS control functions (threads, build configuration).
#include <cblas.h>
