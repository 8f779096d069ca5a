import CCairo

extension Canvas {
    /// The size of `text`'s box in `font`: its advance width, and the font's ascent plus
    /// descent as height (the same for every string, so rows of labels line up).
    public func measure(_ text: String, font: Font) -> Size {
        select(font)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        let metrics = fontMetrics()
        return Size(width: extents.x_advance, height: metrics.ascent + metrics.descent)
    }

    /// Draws `text` with `anchor`'s point of its box at `position`, turned clockwise by
    /// `angle` radians about that point (negative angles turn it anticlockwise, so
    /// `-Double.pi / 2` reads bottom to top).
    public func text(
        _ text: String, at position: Point, font: Font, color: PlotColor,
        anchor: TextAnchor = TextAnchor(.leading, .baseline), angle: Double = 0
    ) {
        guard !text.isEmpty else { return }
        record(text)
        select(font)
        let width = measure(text, font: font).width
        let metrics = fontMetrics()

        let dx: Double
        switch anchor.horizontal {
        case .leading: dx = 0
        case .center: dx = -width / 2
        case .trailing: dx = -width
        }
        let dy: Double
        switch anchor.vertical {
        case .top: dy = metrics.ascent
        case .middle: dy = (metrics.ascent - metrics.descent) / 2
        case .baseline: dy = 0
        case .bottom: dy = -metrics.descent
        }

        cairo_save(context)
        defer { cairo_restore(context) }
        cairo_translate(context, position.x, position.y)
        cairo_rotate(context, angle)
        setSource(color)
        cairo_move_to(context, dx, dy)
        cairo_show_text(context, text)
    }

    /// `text` shortened with an ellipsis so it is at most `maxWidth` pixels wide.
    public func truncated(_ text: String, font: Font, maxWidth: Double) -> String {
        guard measure(text, font: font).width > maxWidth else { return text }
        var kept = Substring(text)
        while !kept.isEmpty {
            kept = kept.dropLast()
            let candidate = kept + "…"
            if measure(String(candidate), font: font).width <= maxWidth {
                return String(candidate)
            }
        }
        return ""
    }

    private func select(_ font: Font) {
        let weight = font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL
        cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, weight)
        cairo_set_font_size(context, font.size)
    }

    private func fontMetrics() -> (ascent: Double, descent: Double) {
        var extents = cairo_font_extents_t()
        cairo_font_extents(context, &extents)
        return (extents.ascent, extents.descent)
    }
}
