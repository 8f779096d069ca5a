extension Canvas {
    /// A point in canvas pixels: x grows to the right, y grows downwards.
    public struct Point: Hashable, Sendable {
        /// Pixels from the left edge.
        public var x: Double
        /// Pixels from the top edge.
        public var y: Double

        /// The point `x` pixels from the left edge and `y` pixels from the top.
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// A width and height in canvas pixels.
    public struct Size: Hashable, Sendable {
        /// The horizontal extent, in pixels.
        public var width: Double
        /// The vertical extent, in pixels.
        public var height: Double

        /// A size of `width` x `height` pixels.
        public init(width: Double, height: Double) {
            self.width = width
            self.height = height
        }
    }

    /// An axis-aligned rectangle in canvas pixels.
    public struct Rect: Hashable, Sendable {
        /// The left edge, in pixels from the canvas's left.
        public var x: Double
        /// The top edge, in pixels from the canvas's top.
        public var y: Double
        /// The horizontal extent, in pixels.
        public var width: Double
        /// The vertical extent, in pixels.
        public var height: Double

        /// The rectangle whose top-left corner is (`x`, `y`), `width` x `height` pixels.
        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        /// The left edge: `x`.
        public var minX: Double { x }
        /// The right edge: `x + width`.
        public var maxX: Double { x + width }
        /// The top edge: `y`.
        public var minY: Double { y }
        /// The bottom edge: `y + height` (y grows downwards).
        public var maxY: Double { y + height }
        /// The horizontal centre: `x + width / 2`.
        public var midX: Double { x + width / 2 }
        /// The vertical centre: `y + height / 2`.
        public var midY: Double { y + height / 2 }

        /// Whether `point` lies inside the rectangle or on its edges.
        public func contains(_ point: Point) -> Bool {
            point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
        }

        /// The rectangle shrunk by `amount` on every side (grown when negative).
        public func insetBy(_ amount: Double) -> Rect {
            Rect(
                x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount
            )
        }
    }

    /// A sans-serif font: its size in pixels and its weight.
    public struct Font: Hashable, Sendable {
        /// The font size in pixels (cairo's font size: roughly the em height).
        public var size: Double
        /// Bold when true, regular weight when false.
        public var bold: Bool

        /// A sans-serif font of `size` pixels, regular unless `bold`.
        public init(size: Double, bold: Bool = false) {
            self.size = size
            self.bold = bold
        }
    }

    /// Which point of a text's box sits at the position given to `Canvas.text`.
    public struct TextAnchor: Hashable, Sendable {
        /// Which point along the text's width is anchored.
        public enum Horizontal: Sendable { case leading, center, trailing }
        /// Which height of the text's box is anchored. `top` and `bottom` use the font's
        /// ascent and descent (not the glyphs'), so texts with and without descenders line
        /// up.
        public enum Vertical: Sendable { case top, middle, baseline, bottom }

        /// The anchored point across the text.
        public var horizontal: Horizontal
        /// The anchored point up and down the text.
        public var vertical: Vertical

        /// The anchor at `horizontal` and `vertical`: `TextAnchor(.center, .top)`.
        public init(_ horizontal: Horizontal, _ vertical: Vertical) {
            self.horizontal = horizontal
            self.vertical = vertical
        }
    }

    /// How a line is stroked.
    public enum Dash: Hashable, Sendable {
        /// An unbroken line.
        case solid
        /// Dashes `on` pixels long with gaps `off` pixels long.
        case pattern(on: Double, off: Double)
    }
}
