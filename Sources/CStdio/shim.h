// Standard output's buffering, set from C: Swift 6 refuses to touch the C global `stdout`
// (shared mutable state). Part of the C library itself: nothing to link.
#include <stdio.h>

/// Makes standard output line-buffered, even into a pipe or a file, so that each line is
/// written out when it ends and a crash or a kill loses none of the lines printed before.
static inline void residual_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
