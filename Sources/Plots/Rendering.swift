import CCairo

/// Turns a chart's drawing into SVG or PNG bytes through cairo surfaces.
///
/// Each output gets a fresh surface and context; both are freed with `defer`, and cairo's
/// status is checked after creation and after drawing, so a failure becomes a `PlotError`
/// that names the step.
enum Rendering {
    /// The chart drawn on an SVG surface, with a `<title>` and a `<desc>` (all drawn text)
    /// added after the opening `<svg>` tag.
    static func svg(_ chart: some Chart) throws -> [UInt8] {
        let sink = ByteSink()
        let drawnText = try drawSVG(chart, into: sink)
        return SVGMetadata.insert(title: chart.title, text: drawnText, into: sink.bytes)
    }

    /// Draws on an SVG surface that streams into `sink`; returns every string drawn.
    private static func drawSVG(_ chart: some Chart, into sink: ByteSink) throws -> [String] {
        guard
            let surface = cairo_svg_surface_create_for_stream(
                writeToSink, Unmanaged.passUnretained(sink).toOpaque(),
                Double(chart.width), Double(chart.height))
        else {
            throw PlotError.cairo(
                operation: "create an SVG surface", status: "no memory", path: nil)
        }
        defer { cairo_surface_destroy(surface) }
        try check(surface: surface, "create a \(chart.width) x \(chart.height) SVG surface")
        cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1)
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX)

        let drawnText = try draw(chart, on: surface, scale: 1)
        // Finishing writes the whole document into the sink.
        cairo_surface_finish(surface)
        try check(surface: surface, "write the SVG document")
        return drawnText
    }

    /// The chart drawn on an image surface `scale` times its size, encoded as PNG.
    static func png(_ chart: some Chart, scale: Int) throws -> [UInt8] {
        precondition(scale >= 1, "Chart.pngData: scale must be at least 1, got \(scale)")
        let pixelWidth = Int32(chart.width * scale)
        let pixelHeight = Int32(chart.height * scale)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pixelWidth, pixelHeight)
        else {
            throw PlotError.cairo(
                operation: "create an image surface", status: "no memory", path: nil)
        }
        defer { cairo_surface_destroy(surface) }
        try check(surface: surface, "create a \(pixelWidth) x \(pixelHeight) image surface")

        _ = try draw(chart, on: surface, scale: Double(scale))
        let sink = ByteSink()
        let status = cairo_surface_write_to_png_stream(
            surface, writeToSink, Unmanaged.passUnretained(sink).toOpaque())
        if status != CAIRO_STATUS_SUCCESS {
            throw PlotError.cairo(operation: "encode the PNG", status: describe(status), path: nil)
        }
        return sink.bytes
    }

    /// Paints the white background and the chart; returns every string drawn.
    private static func draw(
        _ chart: some Chart, on surface: OpaquePointer, scale: Double
    ) throws -> [String] {
        guard let context = cairo_create(surface) else {
            throw PlotError.cairo(
                operation: "create a drawing context", status: "no memory", path: nil)
        }
        defer { cairo_destroy(context) }
        try check(context: context, "create a drawing context")
        cairo_scale(context, scale, scale)

        let canvas = Canvas(
            context: context,
            size: Canvas.Size(width: Double(chart.width), height: Double(chart.height)))
        canvas.fill(canvas.bounds, Theme.background)
        try chart.draw(on: canvas)
        try check(context: context, "draw the chart '\(chart.title)'")
        return canvas.drawnText
    }

    /// Runs `body` with a canvas on a 1 x 1 image: for measuring text before the real
    /// drawing size is known (`ImageGrid` sizes itself from its captions).
    static func measuring<T>(_ body: (Canvas) -> T) -> T {
        // cairo never returns NULL here: on failure it returns an object in an error state,
        // which measures every text as empty; nothing is drawn, so nothing else can go wrong.
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        defer { cairo_surface_destroy(surface) }
        let context = cairo_create(surface)!
        defer { cairo_destroy(context) }
        return body(Canvas(context: context, size: Canvas.Size(width: 1, height: 1)))
    }

    // MARK: - Status checks

    static func check(surface: OpaquePointer, _ operation: String) throws {
        let status = cairo_surface_status(surface)
        if status != CAIRO_STATUS_SUCCESS {
            throw PlotError.cairo(operation: operation, status: describe(status), path: nil)
        }
    }

    static func check(context: OpaquePointer, _ operation: String) throws {
        let status = cairo_status(context)
        if status != CAIRO_STATUS_SUCCESS {
            throw PlotError.cairo(operation: operation, status: describe(status), path: nil)
        }
    }

    private static func describe(_ status: cairo_status_t) -> String {
        String(cString: cairo_status_to_string(status))
    }
}

/// Collects the bytes cairo writes through a `cairo_write_func_t`.
private final class ByteSink {
    var bytes: [UInt8] = []
}

/// The C callback cairo calls with each chunk of output; `closure` is the `ByteSink`.
private func writeToSink(
    closure: UnsafeMutableRawPointer?, data: UnsafePointer<UInt8>?, length: UInt32
) -> cairo_status_t {
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}
