/// An RGBA colour with components in 0...1.
public struct PlotColor: Hashable, Sendable {
    /// The red component, 0...1.
    public var red: Double
    /// The green component, 0...1.
    public var green: Double
    /// The blue component, 0...1.
    public var blue: Double
    /// The opacity, from 0 (transparent) to 1 (opaque).
    public var alpha: Double

    /// A colour from its components, each in 0...1; opaque unless `alpha` says otherwise.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from a 24-bit `0xRRGGBB` value.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255,
            green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255,
            alpha: alpha)
    }

    /// The same colour with another opacity.
    public func opacity(_ alpha: Double) -> PlotColor {
        PlotColor(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Relative luminance (sRGB weights, without gamma), used to pick readable text.
    var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    /// Linear interpolation between two colours: `t = 0` gives `self`, `t = 1` gives `other`.
    func mixed(with other: PlotColor, _ t: Double) -> PlotColor {
        PlotColor(
            red: red + (other.red - red) * t,
            green: green + (other.green - green) * t,
            blue: blue + (other.blue - blue) * t,
            alpha: alpha + (other.alpha - alpha) * t)
    }
}

// MARK: - Named colours

extension PlotColor {
    /// Black, `0x000000`.
    public static let black = PlotColor(hex: 0x000000)
    /// White, `0xFFFFFF`.
    public static let white = PlotColor(hex: 0xFFFFFF)
    /// Middle grey, `0x7F7F7F`.
    public static let gray = PlotColor(hex: 0x7F7F7F)

    // The Okabe-Ito palette (Okabe & Ito 2008), readable with the common colour-vision
    // deficiencies. The names are the palette's own.
    /// The Okabe-Ito palette's blue, `0x0072B2`: the first series colour.
    public static let blue = PlotColor(hex: 0x0072B2)
    /// The Okabe-Ito palette's vermillion, `0xD55E00`: the second series colour.
    public static let vermillion = PlotColor(hex: 0xD55E00)
    /// The Okabe-Ito palette's bluish green, `0x009E73`: the third series colour.
    public static let bluishGreen = PlotColor(hex: 0x009E73)
    /// The Okabe-Ito palette's orange, `0xE69F00`: the fourth series colour.
    public static let orange = PlotColor(hex: 0xE69F00)
    /// The Okabe-Ito palette's reddish purple, `0xCC79A7`: the fifth series colour.
    public static let reddishPurple = PlotColor(hex: 0xCC79A7)
    /// The Okabe-Ito palette's sky blue, `0x56B4E9`: the sixth series colour.
    public static let skyBlue = PlotColor(hex: 0x56B4E9)
    /// The Okabe-Ito palette's yellow, `0xF0E442`: the last series colour, the hardest to
    /// see on white.
    public static let yellow = PlotColor(hex: 0xF0E442)

    /// A caption colour for mistakes: a strong red that stays distinct from black for
    /// colour-blind readers (Paul Tol's "vibrant" red).
    public static let red = PlotColor(hex: 0xCC3311)
    /// A caption colour for correct answers (the palette's bluish green).
    public static let green = bluishGreen

    /// The series colours, in the order charts use them. Yellow comes last: it is the
    /// hardest to see on white.
    public static let palette: [PlotColor] = [
        .blue, .vermillion, .bluishGreen, .orange, .reddishPurple, .skyBlue,
        PlotColor(hex: 0x444444), .yellow,
    ]

    /// The palette colour for series number `index` (cycling after the last one).
    public static func series(_ index: Int) -> PlotColor {
        palette[index % palette.count]
    }
}

// MARK: - The chart look

/// The fixed colours and sizes of the chart style, in one place.
enum Theme {
    static let background = PlotColor.white
    static let text = PlotColor(hex: 0x222222)
    static let tickText = PlotColor(hex: 0x444444)
    static let grid = PlotColor(hex: 0xE6E6E6)
    static let minorGrid = PlotColor(hex: 0xF2F2F2)
    static let frame = PlotColor(hex: 0xBBBBBB)
    static let legendBackground = PlotColor(hex: 0xFFFFFF, alpha: 0.88)
    static let legendBorder = PlotColor(hex: 0xCCCCCC)
    /// Opacity of a shaded band (e.g. mean +- std) under its line.
    static let bandOpacity = 0.2

    static let titleFont = Canvas.Font(size: 16, bold: true)
    static let labelFont = Canvas.Font(size: 13)
    static let tickFont = Canvas.Font(size: 11)
    static let legendFont = Canvas.Font(size: 12)
    static let captionFont = Canvas.Font(size: 11)
}
