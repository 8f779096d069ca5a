// The cairo API that the Plots module uses: the drawing context and image
// surfaces (cairo.h, which also writes PNG) and the SVG surface (cairo-svg.h).
#include <cairo.h>
#include <cairo-svg.h>
