// zlib: raw DEFLATE decompression of the members of compressed .npz archives.
#include <zlib.h>
