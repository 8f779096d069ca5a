extension CartesianAxes {
    /// Lays the axes out and finds the legend's box for `placement`.
    ///
    /// `.automatic` tries the plot's corners, avoiding the pixel positions `data` returns
    /// for a layout; when every corner covers data, the legend goes outside, right of the
    /// plot, and the axes are laid out again with room for it (as for `.outside`).
    mutating func layout(
        with legend: Legend, placement: LegendPlacement, on canvas: Canvas,
        data: (Layout) -> [Canvas.Point]
    ) -> (layout: Layout, legendBox: Canvas.Rect?) {
        let layout = layout(on: canvas)
        guard placement != .hidden && !legend.isEmpty else { return (layout, nil) }
        let size = legend.size(on: canvas)
        switch placement {
        case .automatic:
            if let box = Legend.freeCorner(size: size, plot: layout.plot, data: data(layout)) {
                return (layout, box)
            }
        case .topLeft, .topRight, .bottomLeft, .bottomRight:
            return (layout, Legend.box(in: placement, size: size, plot: layout.plot))
        case .outside, .hidden:
            break
        }
        rightReserve = size.width + Self.margin
        let narrower = self.layout(on: canvas)
        let box = Canvas.Rect(
            x: narrower.plot.maxX + Self.margin, y: narrower.plot.minY,
            width: size.width, height: size.height)
        return (narrower, box)
    }
}
