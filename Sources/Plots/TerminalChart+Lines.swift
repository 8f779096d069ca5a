extension TerminalChart {
    /// A line chart in braille characters (each character holds 2 x 4 dots), with the
    /// largest value written at the top left, the smallest at the bottom left, and a legend.
    ///
    /// The chart block is exactly `height` lines of exactly `width` characters (labels and
    /// axis included); the title, when given, comes before it and the legend after it.
    /// Each series is stretched over the full width (its first value at the left edge, its
    /// last at the right), so a per-epoch test curve lines up with a per-step training
    /// curve. NaN and infinite values break the line.
    ///
    /// Without colour, series are told apart by texture: the first solid, the second every
    /// other dot, the third every third dot (then again). With `colored`, every series is
    /// solid and ANSI colours tell them apart (lines then hold escape codes).
    ///
    /// - Parameters:
    ///   - series: named value lists, drawn in order; an empty name leaves a series out of
    ///     the legend.
    ///   - width: the chart block's width in characters (default 60), labels included.
    ///   - height: the chart block's height in lines, at least 2 (default 12).
    ///   - title: a line before the chart; nil for none.
    ///   - colored: tell the series apart by ANSI colour instead of texture.
    public static func lines(
        series: [(name: String, values: [Double])], width: Int = 60, height: Int = 12,
        title: String? = nil, colored: Bool = false
    ) -> String {
        precondition(height >= 2, "TerminalChart.lines: height must be at least 2, got \(height)")
        let finite = series.flatMap(\.values).filter(\.isFinite)
        let low = finite.min() ?? 0
        let high = finite.max() ?? 1
        let topLabel = NumberText.compact(high)
        let bottomLabel = NumberText.compact(low)
        let labelWidth = max(topLabel.count, bottomLabel.count)
        let plotWidth = width - labelWidth - 2
        precondition(
            plotWidth >= 2,
            "TerminalChart.lines: width \(width) leaves no room for the plot beside"
                + " labels \(labelWidth) characters wide")

        var dots = BrailleGrid(columns: plotWidth, rows: height)
        for (index, line) in series.enumerated() {
            let period = colored ? 1 : index % 3 + 1
            dots.plot(line.values, low: low, high: high, series: index, period: period)
        }

        var output: [String] = []
        if let title { output.append(title) }
        for row in 0..<height {
            let label = row == 0 ? topLabel : (row == height - 1 ? bottomLabel : "")
            let axis = row == 0 || row == height - 1 ? "┤" : "│"
            output.append(
                padded(label, to: labelWidth, leading: true) + " " + axis
                    + dots.text(row: row, colors: colored ? ansiColors : nil))
        }
        output += legend(series.map(\.name), width: width, colored: colored)
        return output.joined(separator: "\n")
    }

    /// ANSI foreground colours in the order of the chart palette: blue, red, green,
    /// yellow, magenta, cyan.
    static let ansiColors = [34, 31, 32, 33, 35, 36]

    /// "⠒⠒ train  ⠂⠂ test" lines, wrapped at `width` characters.
    private static func legend(_ names: [String], width: Int, colored: Bool) -> [String] {
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for (index, name) in names.enumerated() where !name.isEmpty {
            var sample = BrailleGrid(columns: 2, rows: 1)
            sample.plot(
                [0, 0], low: 0, high: 0, series: index, period: colored ? 1 : index % 3 + 1)
            let swatch = sample.text(row: 0, colors: colored ? ansiColors : nil)
            let itemWidth = 3 + name.count
            if currentWidth > 0 && currentWidth + 2 + itemWidth > width {
                lines.append(current)
                current = ""
                currentWidth = 0
            }
            if currentWidth > 0 {
                current += "  "
                currentWidth += 2
            }
            current += swatch + " " + name
            currentWidth += itemWidth
        }
        if currentWidth > 0 { lines.append(current) }
        return lines
    }
}

/// A grid of braille dots, `columns` x `rows` characters of 2 x 4 dots each.
struct BrailleGrid {
    let columns: Int
    let rows: Int
    /// One byte of dots per character cell (the low byte of U+2800 + bits).
    private var bits: [UInt8]
    /// The series that last drew in each cell, for colouring.
    private var owner: [Int]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        bits = [UInt8](repeating: 0, count: columns * rows)
        owner = [Int](repeating: -1, count: columns * rows)
    }

    var dotColumns: Int { columns * 2 }
    var dotRows: Int { rows * 4 }

    /// Draws `values` as a line from the left edge to the right edge, `high` at the top
    /// dot row and `low` at the bottom one (the middle when they are equal), keeping every
    /// `period`-th dot along the way.
    mutating func plot(_ values: [Double], low: Double, high: Double, series: Int, period: Int) {
        var step = 0
        var previous: (x: Int, y: Int)?
        for (index, value) in values.enumerated() {
            guard value.isFinite else {
                previous = nil
                continue
            }
            let x =
                values.count == 1
                ? 0
                : Int((Double(index) * Double(dotColumns - 1) / Double(values.count - 1)).rounded())
            let fraction = high > low ? (high - value) / (high - low) : 0.5
            let y = Int((fraction * Double(dotRows - 1)).rounded())
            for dot in Self.segment(from: previous ?? (x, y), to: (x, y)) {
                if step % period == 0 { set(dot, series: series) }
                step += 1
            }
            previous = (x, y)
        }
    }

    /// The dots of a straight segment (Bresenham's algorithm), without its first point
    /// unless the segment is a single point.
    static func segment(from start: (x: Int, y: Int), to end: (x: Int, y: Int)) -> [(
        x: Int, y: Int
    )] {
        if start == end { return [end] }
        let dx = abs(end.x - start.x)
        let dy = -abs(end.y - start.y)
        let stepX = start.x < end.x ? 1 : -1
        let stepY = start.y < end.y ? 1 : -1
        var error = dx + dy
        var current = start
        var dots: [(x: Int, y: Int)] = []
        while current != end {
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                current.x += stepX
            }
            if doubled <= dx {
                error += dx
                current.y += stepY
            }
            dots.append(current)
        }
        return dots
    }

    private mutating func set(_ dot: (x: Int, y: Int), series: Int) {
        // Dot numbering inside a braille cell: left column 1, 2, 3, 7; right column 4, 5, 6, 8.
        let masks: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        let cell = (dot.y / 4) * columns + dot.x / 2
        bits[cell] |= masks[dot.x % 2][dot.y % 4]
        owner[cell] = series
    }

    /// One row of characters: braille where there are dots, spaces elsewhere; with
    /// `colors`, each drawn cell wrapped in the ANSI colour of the series that drew it.
    func text(row: Int, colors: [Int]?) -> String {
        var line = ""
        for column in 0..<columns {
            let cell = row * columns + column
            guard bits[cell] != 0 else {
                line += " "
                continue
            }
            let glyph = String(Character(Unicode.Scalar(0x2800 + UInt32(bits[cell]))!))
            if let colors {
                line += "\u{1B}[\(colors[owner[cell] % colors.count])m" + glyph + "\u{1B}[0m"
            } else {
                line += glyph
            }
        }
        return line
    }
}
