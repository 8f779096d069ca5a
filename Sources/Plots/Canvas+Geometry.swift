extension Canvas {
    /// A point in canvas pixels: x grows to the right, y grows downwards.
    public struct Point: Hashable, Sendable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// A width and height in canvas pixels.
    public struct Size: Hashable, Sendable {
        public var width: Double
        public var height: Double

        public init(width: Double, height: Double) {
            self.width = width
            self.height = height
        }
    }

    /// An axis-aligned rectangle in canvas pixels.
    public struct Rect: Hashable, Sendable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double

        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        public var minX: Double { x }
        public var maxX: Double { x + width }
        public var minY: Double { y }
        public var maxY: Double { y + height }
        public var midX: Double { x + width / 2 }
        public var midY: Double { y + height / 2 }

        public func contains(_ point: Point) -> Bool {
            point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
        }

        /// The rectangle grown by `amount` on every side (shrunk when negative).
        public func insetBy(_ amount: Double) -> Rect {
            Rect(
                x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount
            )
        }
    }

    /// A sans-serif font: its size in pixels and its weight.
    public struct Font: Hashable, Sendable {
        public var size: Double
        public var bold: Bool

        public init(size: Double, bold: Bool = false) {
            self.size = size
            self.bold = bold
        }
    }

    /// Which point of a text's box sits at the position given to `Canvas.text`.
    public struct TextAnchor: Hashable, Sendable {
        public enum Horizontal: Sendable { case leading, center, trailing }
        /// `top` and `bottom` use the font's ascent and descent (not the glyphs'), so texts
        /// with and without descenders line up.
        public enum Vertical: Sendable { case top, middle, baseline, bottom }

        public var horizontal: Horizontal
        public var vertical: Vertical

        public init(_ horizontal: Horizontal, _ vertical: Vertical) {
            self.horizontal = horizontal
            self.vertical = vertical
        }
    }

    /// How a line is stroked.
    public enum Dash: Hashable, Sendable {
        case solid
        /// Dashes `on` pixels long with gaps `off` pixels long.
        case pattern(on: Double, off: Double)
    }
}
