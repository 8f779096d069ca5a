// zlib (zlib.h): the Datasets module inflates gzip'd IDX files and writes them for tests.
#include <zlib.h>
