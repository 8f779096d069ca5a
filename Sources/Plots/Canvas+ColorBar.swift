extension Canvas {
    /// A vertical colour scale in `bar` (low values at the bottom) with a tick and a label at
    /// each `ticks` position (0 bottom, 1 top; positions outside 0...1 are skipped): the key
    /// of `Heatmap` and `ContourChart`.
    func colorBar(
        _ bar: Rect, colorMap: ColorMap, ticks: [(position: Double, label: String)]
    ) {
        fillVerticalGradient(bar, colors: colorMap.stops)
        stroke(
            Rect(x: crisp(bar.minX), y: crisp(bar.minY), width: bar.width, height: bar.height),
            Theme.frame)
        for tick in ticks where tick.position >= -1e-9 && tick.position <= 1 + 1e-9 {
            let y = bar.maxY - tick.position * bar.height
            line(
                from: Point(x: bar.maxX, y: crisp(y)), to: Point(x: bar.maxX + 4, y: crisp(y)),
                color: Theme.frame)
            text(
                tick.label, at: Point(x: bar.maxX + 7, y: y), font: Theme.tickFont,
                color: Theme.tickText, anchor: TextAnchor(.leading, .middle))
        }
    }
}
