import CCairo

extension Canvas {
    /// Draws a raster image with its top-left corner at `origin`, one canvas pixel per
    /// image pixel (scale it up beforehand, see `GridImage`). Pixels are never smoothed.
    ///
    /// - Parameters:
    ///   - rgb: `[height, width, 3]` bytes, row-major, red-green-blue per pixel.
    ///   - width: the image's width in pixels, positive.
    ///   - height: the image's height in pixels, positive.
    ///   - origin: where the image's top-left corner goes, in canvas pixels.
    /// - Throws: ``PlotError/cairo(operation:status:path:)`` when cairo cannot make the
    ///   image's surface or give its pixels.
    public func image(rgb: [UInt8], width: Int, height: Int, at origin: Point) throws {
        precondition(
            width > 0 && height > 0 && rgb.count == width * height * 3,
            "Canvas.image: expected \(width) x \(height) x 3 = \(width * height * 3) bytes,"
                + " got \(rgb.count)")
        // cairo allocates and owns the pixels, so the SVG surface, which replays the
        // drawing later, can keep a reference to them.
        guard
            let surface = cairo_image_surface_create(
                CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        else {
            throw PlotError.cairo(
                operation: "create an image surface", status: "no memory", path: nil)
        }
        defer { cairo_surface_destroy(surface) }
        try Rendering.check(surface: surface, "create a \(width) x \(height) image surface")

        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else {
            throw PlotError.cairo(operation: "get image pixels", status: "no data", path: nil)
        }
        let rowWords = Int(cairo_image_surface_get_stride(surface)) / 4
        let words = UnsafeMutableRawPointer(data).assumingMemoryBound(to: UInt32.self)
        for row in 0..<height {
            for column in 0..<width {
                let source = (row * width + column) * 3
                let red = UInt32(rgb[source])
                let green = UInt32(rgb[source + 1])
                let blue = UInt32(rgb[source + 2])
                // ARGB32 is one native-endian word per pixel, alpha in the top byte.
                words[row * rowWords + column] = 0xFF00_0000 | red << 16 | green << 8 | blue
            }
        }
        cairo_surface_mark_dirty(surface)

        cairo_save(context)
        defer { cairo_restore(context) }
        cairo_set_source_surface(context, surface, origin.x, origin.y)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_NEAREST)
        cairo_rectangle(context, origin.x, origin.y, Double(width), Double(height))
        cairo_fill(context)
    }
}
