import Foundation

extension BarChart {
    /// Draws the grid, the bars, their values when ``showsValues`` is set, the frame with
    /// its ticks and titles, and the legend. Every series must have one value per category.
    ///
    /// - Throws: ``PlotError/noPositiveData(chart:axis:)`` when the y axis is logarithmic
    ///   and the values include finite ones but no positive one.
    public func draw(on canvas: Canvas) throws {
        for bars in series {
            precondition(
                bars.values.count == categories.count,
                "BarChart '\(title)': series '\(bars.name)' has \(bars.values.count) values"
                    + " for \(categories.count) categories")
        }
        var axes = CartesianAxes(
            title: title, xLabel: xLabel, yLabel: yLabel, x: .categories(categories),
            yScale: yScale, yDomain: try yDomain())
        let key = Legend(
            entries: series.indices.compactMap { index in
                series[index].name.isEmpty
                    ? nil : Legend.Entry(name: series[index].name, swatch: .box(color(index)))
            })
        let (layout, legendBox) = axes.layout(
            with: key, placement: legend, on: canvas, data: samplePoints)

        axes.drawGrid(layout, on: canvas)
        canvas.clipped(to: layout.plot) {
            for bar in bars(layout) {
                canvas.fill(bar.rect, color(bar.series))
            }
        }
        if showsValues {
            drawValues(layout, on: canvas)
        }
        axes.drawFrame(layout, on: canvas)
        if let legendBox {
            key.draw(in: legendBox, on: canvas)
        }
    }

    // MARK: - Geometry

    private func color(_ index: Int) -> PlotColor {
        series[index].color ?? PlotColor.series(index)
    }

    /// The y range: `yRange`, or zero to the largest value (and down to the smallest when it
    /// is negative) plus padding; on a log axis, from the power of ten below the smallest
    /// positive value.
    private func yDomain() throws -> ClosedRange<Double> {
        if let yRange {
            precondition(
                yScale == .linear || yRange.lowerBound > 0,
                "BarChart '\(title)': the y axis is logarithmic, so its range must be positive"
                    + " (got \(yRange))")
            return yRange
        }
        let values = series.flatMap(\.values)
        let usable = values.filter(yScale.accepts)
        let padding = showsValues ? 0.1 : 0.05
        switch yScale {
        case .linear:
            let low = min(0, usable.min() ?? 0)
            let high = max(0, usable.max() ?? 1)
            guard high > low else { return 0...1 }
            let pad = (high - low) * padding
            return (low < 0 ? low - pad : low)...(high > 0 ? high + pad : high)
        case .log:
            guard let smallest = usable.min(), let largest = usable.max() else {
                if values.contains(where: \.isFinite) {
                    throw PlotError.noPositiveData(chart: "BarChart '\(title)'", axis: "y")
                }
                return 1...10
            }
            let low = pow(10, (log10(smallest) - 0.05).rounded(.down))
            let high = pow(10, log10(largest) + (log10(largest) - log10(low)) * padding)
            return low...high
        }
    }

    /// Every drawable bar, category by category.
    private func bars(_ layout: CartesianAxes.Layout) -> [Bar] {
        let plot = layout.plot
        let slot = plot.width / Double(max(categories.count, 1))
        let barWidth = slot * 0.8 / Double(max(series.count, 1))
        // A hairline of white between neighbouring bars, when they are wide enough.
        let gap = barWidth > 6 ? 1.0 : 0
        let base =
            yScale == .linear
            ? min(max(layout.yMap.pixel(0), plot.minY), plot.maxY) : plot.maxY
        var result: [Bar] = []
        for category in categories.indices {
            for index in series.indices {
                let value = series[index].values[category]
                guard yScale.accepts(value) else { continue }
                let top = layout.yMap.pixel(value)
                let left = plot.minX + slot * (Double(category) + 0.1) + barWidth * Double(index)
                let rect = Canvas.Rect(
                    x: left + gap / 2, y: min(top, base), width: barWidth - gap,
                    height: abs(base - top))
                result.append(Bar(series: index, category: category, rect: rect))
            }
        }
        return result
    }

    private func drawValues(_ layout: CartesianAxes.Layout, on canvas: Canvas) {
        let font = Canvas.Font(size: 10)
        for bar in bars(layout) {
            let value = series[bar.series].values[bar.category]
            let text = NumberText.compact(value)
            guard canvas.measure(text, font: font).width <= bar.rect.width + 6 else { continue }
            let below = value < 0 && yScale == .linear
            canvas.text(
                text,
                at: Canvas.Point(
                    x: bar.rect.midX, y: below ? bar.rect.maxY + 2 : bar.rect.minY - 2),
                font: font, color: Theme.tickText,
                anchor: Canvas.TextAnchor(.center, below ? .top : .bottom))
        }
    }

    /// Points over every bar (and the value written above it), a few pixels apart: what a
    /// legend inside the plot must not cover.
    private func samplePoints(_ layout: CartesianAxes.Layout) -> [Canvas.Point] {
        let labelRoom = showsValues ? 14.0 : 0
        var points: [Canvas.Point] = []
        for bar in bars(layout).map(\.rect) {
            let top = bar.minY - labelRoom
            for x in stride(from: bar.minX, through: bar.maxX, by: 3) {
                for y in stride(from: top, through: bar.maxY, by: 3) {
                    points.append(Canvas.Point(x: x, y: y))
                }
                points.append(Canvas.Point(x: x, y: bar.maxY))
            }
        }
        return points
    }
}

/// One bar of a `BarChart`, in pixels.
private struct Bar {
    var series: Int
    var category: Int
    var rect: Canvas.Rect
}
