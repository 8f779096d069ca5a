// glibc's allocator controls (malloc.h: mallopt and its M_* parameters), which the Glibc
// module does not export. Part of the C library itself: nothing to link.
#if defined(__linux__)
#include <malloc.h>
#endif
