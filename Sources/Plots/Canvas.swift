import CCairo

/// A drawing surface: a thin Swift layer over a cairo context.
///
/// Charts draw on a `Canvas` in pixels (origin top-left, y down); the same drawing is
/// replayed onto an SVG surface or a PNG image surface by `Chart.svgData()` and
/// `Chart.pngData()`. This file and its extensions are the only place that calls cairo's
/// drawing functions. Cairo records the first failure in the context and ignores later
/// calls, so drawing calls do not throw: `Rendering` checks the status once at the end.
public final class Canvas {
    /// The cairo context (`cairo_t *`), owned by `Rendering`.
    let context: OpaquePointer
    /// The drawing area, in pixels.
    public let size: Size
    /// Every string drawn, in order: written into the SVG's `<desc>` so the text stays
    /// searchable (cairo draws glyphs as outlines).
    private(set) var drawnText: [String] = []

    init(context: OpaquePointer, size: Size) {
        self.context = context
        self.size = size
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
    }

    /// The whole drawing area as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: size.width, height: size.height) }

    // MARK: - Shapes

    /// Fills `rect` with `color`.
    public func fill(_ rect: Rect, _ color: PlotColor) {
        setSource(color)
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_fill(context)
    }

    /// Draws the outline of `rect`.
    public func stroke(_ rect: Rect, _ color: PlotColor, lineWidth: Double = 1) {
        setSource(color)
        cairo_set_line_width(context, lineWidth)
        setDash(.solid)
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_stroke(context)
    }

    /// Draws a straight line.
    public func line(
        from start: Point, to end: Point, color: PlotColor, lineWidth: Double = 1,
        dash: Dash = .solid
    ) {
        polyline([start, end], color: color, lineWidth: lineWidth, dash: dash)
    }

    /// Draws a connected line through `points` (nothing for fewer than two points).
    public func polyline(
        _ points: [Point], color: PlotColor, lineWidth: Double = 1, dash: Dash = .solid
    ) {
        guard let first = points.first, points.count > 1 else { return }
        setSource(color)
        cairo_set_line_width(context, lineWidth)
        setDash(dash)
        cairo_move_to(context, first.x, first.y)
        for point in points.dropFirst() {
            cairo_line_to(context, point.x, point.y)
        }
        cairo_stroke(context)
    }

    /// Fills the closed polygon through `points`.
    public func fillPolygon(_ points: [Point], _ color: PlotColor) {
        guard let first = points.first, points.count > 2 else { return }
        setSource(color)
        cairo_move_to(context, first.x, first.y)
        for point in points.dropFirst() {
            cairo_line_to(context, point.x, point.y)
        }
        cairo_close_path(context)
        cairo_fill(context)
    }

    /// Fills a circle.
    public func fillCircle(center: Point, radius: Double, _ color: PlotColor) {
        setSource(color)
        cairo_new_sub_path(context)
        cairo_arc(context, center.x, center.y, radius, 0, 2 * Double.pi)
        cairo_fill(context)
    }

    /// Runs `body` with drawing restricted to `rect`.
    ///
    /// - Throws: whatever `body` throws; the clip is undone either way.
    public func clipped(to rect: Rect, _ body: () throws -> Void) rethrows {
        cairo_save(context)
        defer { cairo_restore(context) }
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(context)
        try body()
    }

    // MARK: - State

    func setSource(_ color: PlotColor) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }

    private func setDash(_ dash: Dash) {
        switch dash {
        case .solid:
            cairo_set_dash(context, nil, 0, 0)
        case .pattern(let on, let off):
            let lengths = [on, off]
            cairo_set_dash(context, lengths, 2, 0)
        }
    }

    func record(_ text: String) {
        drawnText.append(text)
    }
}

/// Rounds a coordinate to the middle of a pixel, so 1-pixel lines are sharp in the PNG.
func crisp(_ coordinate: Double) -> Double {
    coordinate.rounded(.down) + 0.5
}

extension Canvas {
    /// Fills `rect` with `colors` blended evenly from bottom to top (first colour at the
    /// bottom): a colour-scale bar.
    public func fillVerticalGradient(_ rect: Rect, colors: [PlotColor]) {
        guard colors.count > 1,
            let pattern = cairo_pattern_create_linear(0, rect.maxY, 0, rect.minY)
        else {
            if let only = colors.first { fill(rect, only) }
            return
        }
        defer { cairo_pattern_destroy(pattern) }
        for (index, color) in colors.enumerated() {
            let offset = Double(index) / Double(colors.count - 1)
            cairo_pattern_add_color_stop_rgba(
                pattern, offset, color.red, color.green, color.blue, color.alpha)
        }
        cairo_set_source(context, pattern)
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_fill(context)
    }
}

extension Canvas {
    /// Runs `body` with a canvas of `rect`'s size whose origin is `rect`'s top-left corner:
    /// a chart drawn on it lands inside `rect` (see `ChartPanels`). Its text joins this
    /// canvas's.
    ///
    /// - Throws: whatever `body` throws; the translation is undone either way.
    public func panel(_ rect: Rect, _ body: (Canvas) throws -> Void) rethrows {
        cairo_save(context)
        defer { cairo_restore(context) }
        cairo_translate(context, rect.x, rect.y)
        let inner = Canvas(context: context, size: Size(width: rect.width, height: rect.height))
        defer { drawnText += inner.drawnText }
        try body(inner)
    }
}
